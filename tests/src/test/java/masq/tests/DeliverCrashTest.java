package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import masq.address.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of masq-deliver at random moments while it writes an mbox and a Maildir, {@code
 * -Dmasq.crash.kills=N} times (default 100). Afterwards a last run delivers the rest; every message
 * is then in both mailboxes, whole (its last body line is intact), and the mbox still parses.
 * Duplicates can come from a kill between a mailbox's fsync and the spool update (see
 * spool-format.md); they are counted and printed, never a partial message.
 */
class DeliverCrashTest {
  @TempDir Path dir;

  private static final String CHECK =
      """
      import mailbox, sys
      kind, path = sys.argv[1], sys.argv[2]
      box = mailbox.mbox(path, create=False) if kind == 'mbox' else mailbox.Maildir(path, factory=None, create=False)
      for key in box.keys():
          m = box[key]
          s = m['Subject'] or ''
          body = m.get_payload()
          ok = isinstance(body, str) and body.rstrip('\\n').endswith('END ' + s)
          print(s + ('\\tok' if ok else '\\tbroken'))
      """;

  @Test
  void killNineDuringMboxAndMaildirDeliveryLosesNothing() throws Exception {
    int kills = Integer.getInteger("masq.crash.kills", 100);
    Sandbox s = new Sandbox(dir, "maildir_users = md\n");
    QueueFiller filler =
        new QueueFiller(
            s.conf,
            List.of(new Address("bob", "test.example"), new Address("md", "test.example")),
            "From a line that needs quoting\n" + ("x".repeat(75) + "\n").repeat(400));
    Set<String> injected = filler.queued();
    Random random = new Random(42);
    int killed = 0;
    int next = 0;
    for (int k = 0; k < kills; k++) {
      filler.topUp(150);
      Process p =
          new ProcessBuilder(Sandbox.bin("masq-deliver").toString(), "-C", s.conf.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      Thread.sleep(60 + random.nextInt(600));
      if (p.isAlive()) {
        killed++;
      }
      p.destroyForcibly(); // SIGKILL
      p.waitFor(10, TimeUnit.SECONDS);
    }
    s.run("", "masq-deliver").expect(0);
    assertEquals(List.of(), s.queuedIds(), "everything delivered in the end");
    String check = s.run("", "masq-queue", "check", "--repair").expect(0).out();
    s.run("", "masq-queue", "check").expect(0);

    Map<String, Integer> mbox = count("mbox", s.mailDir.resolve("bob"));
    Map<String, Integer> maildir = count("maildir", s.mailDir.resolve("md"));
    assertEquals(injected, mbox.keySet(), "no message lost from the mbox");
    assertEquals(injected, maildir.keySet(), "no message lost from the Maildir");
    int mboxDup = mbox.values().stream().mapToInt(v -> v - 1).sum();
    int maildirDup = maildir.values().stream().mapToInt(v -> v - 1).sum();
    long tmpLeft;
    try (var st = Files.list(s.mailDir.resolve("md/tmp"))) {
      tmpLeft = st.count();
    }
    System.out.println(
        "crash: "
            + kills
            + " runs, "
            + killed
            + " killed while running; "
            + injected.size()
            + " messages; duplicates: mbox "
            + mboxDup
            + ", Maildir "
            + maildirDup
            + "; Maildir tmp/ leftovers "
            + tmpLeft
            + "; masq-queue check --repair: "
            + check.strip().lines().reduce((a, b) -> b).orElse(""));
    assertTrue(mboxDup + maildirDup <= killed, "at most one duplicate per kill");
  }

  /** Subject → copies, failing on any message that is not whole. */
  private static Map<String, Integer> count(String kind, Path box) throws Exception {
    Sandbox.Run r =
        Sandbox.exec(List.of("/usr/bin/python3", "-c", CHECK, kind, box.toString()), null, Map.of())
            .expect(0);
    Map<String, Integer> out = new HashMap<>();
    for (String line : r.out().split("\n")) {
      String[] f = line.split("\t");
      assertEquals("ok", f[1], "a partial message in the " + kind + ": " + f[0]);
      out.merge(f[0], 1, Integer::sum);
    }
    return out;
  }
}
