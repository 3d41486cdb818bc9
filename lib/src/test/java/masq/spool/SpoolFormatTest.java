package masq.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool format 2 layout (spool-format.md): one file per message, its envelope at its end. */
class SpoolFormatTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);
  private static final String TEXT =
      "Subject: x\n\nbody with masq-envelope-at 000000000000000001\n";

  private static String commit(Spool spool, String text) throws Exception {
    try (NewMessage m = spool.create()) {
      m.out().write(text.getBytes(StandardCharsets.UTF_8));
      m.commit(SpoolTest.envelope(m.id(), m.size(), "a@b"));
      return m.id();
    }
  }

  private static String read(InputStream in) throws Exception {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> names(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aMessageIsOneFileEndingWithItsEnvelopeAndWhereItStarts() throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix()) {
      Spool spool = MemorySpoolFs.open(fs.getPath("/spool"), CLOCK, 7);
      String id = commit(spool, TEXT);
      Path queue = fs.getPath("/spool/queue");
      assertEquals(List.of(id + ".msg"), names(queue));
      assertEquals(List.of(), names(fs.getPath("/spool/tmp")));
      byte[] data = TEXT.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream want = new ByteArrayOutputStream();
      want.write(data);
      want.write(spool.read(id).encode());
      want.write(
          String.format("masq-envelope-at %018d\n", data.length)
              .getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals(want.toByteArray(), Files.readAllBytes(queue.resolve(id + ".msg")));
      assertEquals(data.length, spool.read(id).size());
      assertEquals(TEXT, read(spool.openMessage(id)), "the data alone, not the envelope");
      try (MessageLock lock = spool.lock(id)) {
        assertEquals(TEXT.substring(12), read(lock.openMessage(12)));
        assertEquals(id, lock.envelope().id());
      }
      assertEquals("masq spool 2\n", Files.readString(fs.getPath("/spool/VERSION")));
    }
  }

  @Test
  void aChangedEnvelopeIsWrittenBesideTheMessageAndWins() throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix()) {
      Spool spool = MemorySpoolFs.open(fs.getPath("/spool"), CLOCK, 7);
      String id = commit(spool, TEXT);
      byte[] file = Files.readAllBytes(fs.getPath("/spool/queue", id + ".msg"));
      try (MessageLock lock = spool.lock(id)) {
        spool.update(lock, lock.envelope().withHeld(true));
        assertTrue(lock.envelope().held(), "read through the lock: the new state");
      }
      assertEquals(List.of(id + ".env", id + ".msg"), names(fs.getPath("/spool/queue")));
      assertArrayEquals(
          file, Files.readAllBytes(fs.getPath("/spool/queue", id + ".msg")), "never changed");
      assertTrue(spool.read(id).held());
      assertEquals(TEXT, read(spool.openMessage(id)));
      assertTrue(spool.check(false).problems().isEmpty());
      try (MessageLock lock = spool.lock(id)) {
        spool.remove(lock);
      }
      assertEquals(List.of(), names(fs.getPath("/spool/queue")));
    }
  }

  @Test
  void aVersion1SpoolIsReadAsItIsAndMarkedVersion2() throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix()) {
      Path root = fs.getPath("/spool");
      for (String d : List.of("queue", "tmp", "corrupt")) {
        Files.createDirectories(root.resolve(d));
      }
      Files.writeString(root.resolve("VERSION"), "masq spool 1\n");
      // version 1: ID.msg is the message alone, ID.env its envelope
      String id = "Vc1Qf2b-00y8-00";
      byte[] data = TEXT.getBytes(StandardCharsets.UTF_8);
      Files.write(root.resolve("queue/" + id + ".msg"), data);
      Files.write(
          root.resolve("queue/" + id + ".env"),
          SpoolTest.envelope(id, data.length, "a@b").encode());
      Spool spool = MemorySpoolFs.open(root, CLOCK, 7);
      assertEquals("masq spool 2\n", Files.readString(root.resolve("VERSION")));
      assertEquals(List.of(id), spool.ids());
      assertEquals(TEXT, read(spool.openMessage(id)));
      SpoolCheck c = spool.check(false);
      assertEquals(List.of(), c.problems());
      assertEquals(1, c.messages());
      try (MessageLock lock = spool.lock(id)) {
        assertEquals(TEXT, read(lock.openMessage()));
        spool.update(lock, lock.envelope().withHeld(true));
      }
      assertTrue(spool.read(id).held());
      // a new message in the same spool is of version 2, and both are whole
      String id2 = commit(spool, TEXT);
      assertEquals(TEXT, read(spool.openMessage(id2)));
      assertEquals(2, spool.check(false).messages());
    }
  }

  @Test
  void aMessageFileWithoutItsLastLineIsUnreadableAndCheckSaysSo() throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix()) {
      Spool spool = MemorySpoolFs.open(fs.getPath("/spool"), CLOCK, 7);
      String id = commit(spool, TEXT);
      String other = commit(spool, "Subject: y\n\n");
      Path msg = fs.getPath("/spool/queue", id + ".msg");
      byte[] b = Files.readAllBytes(msg);
      Files.write(msg, java.util.Arrays.copyOf(b, b.length - 1)); // torn
      assertEquals(
          masq.Exit.DATAERR,
          org.junit.jupiter.api.Assertions.assertThrows(
                  CorruptEntryException.class, () -> spool.read(id))
              .exitCode());
      SpoolCheck c = spool.check(true);
      assertEquals(1, c.problems().size(), c.problems().toString());
      assertTrue(c.problems().get(0).contains(id), c.problems().toString());
      assertEquals(List.of(other), spool.ids());
      assertEquals(List.of(id + ".msg"), names(fs.getPath("/spool/corrupt")));
    }
  }

  /**
   * A process that holds a message's fcntl lock keeps it while it reads the message through the
   * spool and while it (or another of its threads) asks for the lock again: closing any other
   * descriptor of the file would drop it (POSIX). Checked from another process (python's lockf), on
   * a real file system.
   */
  @Test
  void aLockHeldStaysHeldWhileItsProcessReadsTheMessageOrAsksAgain(@TempDir Path dir)
      throws Exception {
    Spool spool = Spool.open(dir.resolve("spool"), CLOCK, ProcessHandle.current().pid());
    String id = commit(spool, TEXT);
    Path msg = dir.resolve("spool/queue/" + id + ".msg");
    try (MessageLock lock = spool.lock(id)) {
      assertEquals(TEXT, read(spool.openMessage(id)));
      assertEquals(id, spool.read(id).id());
      assertFalse(otherProcessCanLock(msg), "the lock survived reading the message");
      assertEquals(null, spool.lock(id), "busy");
      ExecutorService other = Executors.newSingleThreadExecutor();
      try {
        // from another thread of the process: busy, without opening (and closing) the file
        assertEquals(null, other.submit(() -> spool.lock(id)).get(1, TimeUnit.MINUTES));
      } finally {
        other.shutdownNow();
      }
      assertFalse(otherProcessCanLock(msg), "and asking for it again");
    }
    assertTrue(otherProcessCanLock(msg), "it is gone once released");
    try (MessageLock again = spool.lock(id)) {
      assertEquals(id, again.id(), "and free for this process too");
    }
  }

  /**
   * A writer killed after the commit (the link into queue/) and before it unlinked its tmp/ name
   * leaves a second name of a queued message: check deletes the name, never the message; a tmp/
   * file with one link was never committed and goes too.
   */
  @Test
  void checkTellsASecondNameOfAQueuedMessageFromOneNeverCommitted(@TempDir Path dir)
      throws Exception {
    Spool spool = Spool.open(dir.resolve("spool"), CLOCK, ProcessHandle.current().pid());
    String id = commit(spool, TEXT);
    Files.createLink(
        dir.resolve("spool/tmp/" + id + ".msg"), dir.resolve("spool/queue/" + id + ".msg"));
    Files.writeString(dir.resolve("spool/tmp/Vc1Qf2b-00y8-01.msg"), "never committed");
    SpoolCheck c = spool.check(true);
    assertEquals(2, c.problems().size(), c.problems().toString());
    assertTrue(c.problems().contains("second name of a queued message tmp/" + id + ".msg"));
    assertTrue(c.problems().contains("stale temporary file tmp/Vc1Qf2b-00y8-01.msg"));
    assertEquals(List.of(), names(dir.resolve("spool/tmp")));
    assertEquals(TEXT, read(spool.openMessage(id)));
    assertEquals(List.of(), spool.check(false).problems());
  }

  private static boolean otherProcessCanLock(Path file) throws Exception {
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                "import fcntl,sys\n"
                    + "f=open(sys.argv[1],'r+')\n"
                    + "try:\n fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\nexcept OSError:\n"
                    + " sys.exit(3)\n",
                file.toString())
            .inheritIO()
            .start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertTrue(p.exitValue() == 0 || p.exitValue() == 3, "python3 failed: " + p.exitValue());
    return p.exitValue() == 0;
  }
}
