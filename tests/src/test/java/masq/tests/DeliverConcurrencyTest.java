package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 4 injectors (half of them delivering at once, half queueing only) and 2 masq-deliver runs over
 * and over, all at the same time: every message reaches the mbox and the Maildir exactly once.
 * {@code -Dmasq.concurrency.messages=N} (default 1000) sets the number of messages.
 */
class DeliverConcurrencyTest {
  @TempDir Path dir;

  @Test
  void fourInjectorsAndTwoRunsDeliverEachMessageExactlyOnce() throws Exception {
    int n = Integer.getInteger("masq.concurrency.messages", 1000);
    Sandbox s = new Sandbox(dir, "maildir_users = md\n");
    AtomicBoolean injecting = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    List<Thread> injectors = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int from = t * n / 4;
      int to = (t + 1) * n / 4;
      injectors.add(
          Thread.ofPlatform()
              .start(() -> {
                for (int i = from; i < to; i++) {
                  try {
                    String mode = i % 2 == 0 ? "-odq" : "-odi";
                    Sandbox.Run r =
                        s.run(
                            "Subject: c" + i + "\n\nbody " + i + "\n",
                            "masq-inject",
                            mode,
                            "bob",
                            "md");
                    if (r.exit() != 0) {
                      problems.add("inject " + i + ": " + r.exit() + " " + r.stderr());
                    }
                  } catch (Exception e) {
                    problems.add("inject " + i + ": " + e);
                  }
                }
              }));
    }
    List<Thread> runners = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      runners.add(
          Thread.ofPlatform()
              .start(() -> {
                while (injecting.get()) {
                  try {
                    Sandbox.Run r = s.run("", "masq-deliver");
                    if (r.exit() != 0 && r.exit() != 75) {
                      problems.add("deliver: " + r.exit() + " " + r.stderr());
                    }
                  } catch (Exception e) {
                    problems.add("deliver: " + e);
                  }
                }
              }));
    }
    for (Thread t : injectors) {
      t.join();
    }
    injecting.set(false);
    for (Thread t : runners) {
      t.join();
    }
    s.run("", "masq-deliver").expect(0);
    assertEquals(List.of(), List.copyOf(problems));
    assertEquals(
        List.of(),
        s.queuedIds(),
        () -> {
          try {
            return s.run("", "masq-queue").out();
          } catch (Exception e) {
            return e.toString();
          }
        });
    Set<String> want = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      want.add("c" + i);
    }
    List<String> mbox = Mailboxes.mbox(s.mailDir.resolve("bob"));
    List<String> maildir = Mailboxes.subjects("maildir", s.mailDir.resolve("md"));
    System.out.println(
        "concurrency: "
            + n
            + " messages; mbox holds "
            + mbox.size()
            + ", Maildir "
            + maildir.size());
    assertEquals(n, mbox.size(), "each message once in the mbox");
    assertEquals(want, new TreeSet<>(mbox));
    assertEquals(n, maildir.size(), "each message once in the Maildir");
    assertEquals(want, new TreeSet<>(maildir));
    assertTrue(s.log().lines().filter(l -> l.contains(" Completed")).count() == n);
  }
}
