package masq.deliver.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import masq.spool.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MboxTest {
  @TempDir Path dir;
  private final Mbox mbox = new Mbox(Clock.systemUTC(), Duration.ofMillis(300));

  private static Mbox.Writer text(String s) {
    return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A pid that no process has (pid_max is at most 2^22). */
  private static final long DEAD = 4_999_999;

  @Test
  void aDeadMasqsPartialAppendIsTruncatedBeforeTheNextOne() throws Exception {
    Path box = dir.resolve("bob");
    Files.writeString(box, "From a x\n\nold\n\nFrom b x\n\nhalf writ");
    Files.writeString(dir.resolve("bob.lock"), "masq " + DEAD + " 15\n");
    assertEquals(Outcome.DELIVERED, mbox.append(box, null, text("From c x\n\nnew\n")).kind());
    assertEquals("From a x\n\nold\n\nFrom c x\n\nnew\n\n", Files.readString(box));
    assertFalse(Files.exists(dir.resolve("bob.lock")), "the dotlock is gone again");
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "no hitching file left");
    }
  }

  @Test
  void aLiveDotlockDefersAndAFailedWriteIsTruncatedBack() throws Exception {
    Path box = dir.resolve("carol");
    Files.writeString(box, "From a x\n\nold\n\n");
    Path lock = dir.resolve("carol.lock");
    Files.writeString(lock, ProcessHandle.current().pid() + "\n");
    LocalResult o = mbox.append(box, null, text("From b x\n\nnew\n"));
    assertEquals(Outcome.DEFERRED, o.kind());
    assertTrue(o.detail().contains("locked"), o.detail());
    Files.delete(lock);
    o =
        mbox.append(
            box,
            null,
            out -> {
              out.write("From b x\n\npartial".getBytes(StandardCharsets.UTF_8));
              out.flush();
              throw new IOException("No space left on device");
            });
    assertEquals(Outcome.DEFERRED, o.kind());
    assertEquals("4.3.1", o.status());
    assertEquals("From a x\n\nold\n\n", Files.readString(box), "truncated back");
  }

  @Test
  void aDotlockThatIsAFifoALinkOrHugeIsReadBoundedAndNeverWaitedOn() throws Exception {
    Path fifo = dir.resolve("ann.lock");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    long t0 = System.nanoTime();
    assertEquals("", Mbox.readDotlock(fifo), "a FIFO's content is unknown");
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos(), "not waited on");

    Path target = dir.resolve("elsewhere");
    Files.writeString(target, "4242\n");
    Path link = Files.createSymbolicLink(dir.resolve("bob.lock"), target);
    assertEquals("", Mbox.readDotlock(link), "a link is not followed");

    Path huge = dir.resolve("carol.lock");
    Files.writeString(huge, "1".repeat(1 << 20));
    assertEquals("", Mbox.readDotlock(huge), "a lock larger than a lock is not read");

    Path plain = dir.resolve("dan.lock");
    Files.writeString(plain, "masq 12 34\n");
    assertEquals("masq 12 34", Mbox.readDotlock(plain));

    // a mailbox whose dotlock is a FIFO: the delivery waits for the lock, never on the FIFO
    Path box = dir.resolve("ann");
    t0 = System.nanoTime();
    LocalResult o = mbox.append(box, null, text("From c x\n\nnew\n"));
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "not waited on");
    assertEquals(Outcome.DEFERRED, o.kind(), o.toString());
  }
}
