package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No child process can hang a run (masq-deliver(8)): an online_query or an MDA that keeps its
 * output open ({@code sleep}) or prints without end ({@code yes}) is killed at its timeout, with
 * what it started, and masq-deliver's run ends within that timeout plus a second; the mail stays
 * queued. Each command sleeps for a number no other test uses, so that a survivor can be looked for
 * among all processes.
 */
class HangingCommandTest {
  @TempDir Path dir;

  /** How long one masq-deliver run over an empty queue takes here: the JVM's start and more. */
  private Duration baseline;

  @BeforeEach
  void measureBaseline() throws Exception {
    Sandbox s = new Sandbox(dir.resolve("baseline"), "");
    long t0 = System.nanoTime();
    s.run("", "masq-deliver").expect(0);
    baseline = Duration.ofNanos(System.nanoTime() - t0);
  }

  private static String msg(String subject) {
    return "Subject: " + subject + "\n\nbody\n";
  }

  /**
   * Runs masq-deliver -v and asserts it ended within {@code timeout} plus a second (plus the time
   * the same command takes with nothing to wait for).
   */
  private Sandbox.Run deliverWithin(Sandbox s, Duration timeout) throws Exception {
    long t0 = System.nanoTime();
    Sandbox.Run r = s.run("", "masq-deliver", "-v");
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    Duration bound = timeout.plusSeconds(1).plus(baseline);
    assertTrue(
        took.compareTo(bound) <= 0,
        "masq-deliver took " + took.toMillis() + " ms, more than " + bound.toMillis() + " ms");
    return r;
  }

  private static void assertGone(String commandLine) {
    assertFalse(
        ProcessHandle.allProcesses()
            .anyMatch(p -> p.info().commandLine().orElse("").contains(commandLine)),
        "still running: " + commandLine);
  }

  private Sandbox isp(String name, String onlineQuery) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    Files.writeString(d.resolve("isp.route"), "mail_host = 127.0.0.1:9\n");
    return new Sandbox(
        d,
        "online_query = \""
            + onlineQuery
            + "\"\nonline_query_timeout = 1s\nquery_routes.isp = \""
            + d.resolve("isp.route")
            + "\"\n");
  }

  /** Runs masq-deliver with a remote message queued and online_query {@code command}. */
  private void onlineQueryKilled(String name, String command) throws Exception {
    Sandbox s = isp(name, command);
    s.run(msg("q"), "masq-inject", "-odq", "far@remote.example").expect(0);
    Sandbox.Run r = deliverWithin(s, Duration.ofSeconds(1)).expect(0);
    assertTrue(
        r.stderr()
            .contains(
                "masq-deliver: online_query: "
                    + command.substring(0, command.indexOf(' '))
                    + " timed out after 1s (killed)\n"),
        r.stderr());
    assertEquals(1, s.queuedIds().size(), "the message stays queued");
    assertGone(command.substring(command.lastIndexOf('/') + 1));
  }

  @Test
  void anOnlineQueryThatKeepsItsOutputOpenIsKilledAtItsTimeout() throws Exception {
    onlineQueryKilled("sleep", "/bin/sleep 3611");
  }

  @Test
  void anOnlineQueryThatPrintsWithoutEndIsKilledAtItsTimeout() throws Exception {
    onlineQueryKilled("yes", "/usr/bin/yes isp");
  }

  @Test
  void anMdaThatKeepsItsOutputOpenIsKilledWithWhatItStartedAndTheMailDeferred() throws Exception {
    // the MDA starts a child that inherits its output: both must go
    Sandbox s =
        new Sandbox(
            dir,
            "mbox_default = mda\n"
                + "mda = \"/bin/sh -c 'sleep 3612 & exec sleep 3613'\"\n"
                + "mda_timeout = 1s\n");
    s.run(msg("slow"), "masq-inject", "-odq", "carol").expect(0);
    deliverWithin(s, Duration.ofSeconds(1)).expect(0);
    assertEquals(1, s.queuedIds().size(), "the message stays queued");
    String list = s.run("", "masq-queue").expect(0).out();
    assertTrue(list.contains("timed out after 1s and was killed"), list);
    assertTrue(s.log().contains(" == carol@test.example"), s.log());
    assertGone("sleep 3612");
    assertGone("sleep 3613");
  }

  @Test
  void anMdaThatPrintsWithoutEndIsKilledAndTheMailDeferred() throws Exception {
    Sandbox s =
        new Sandbox(dir, "mbox_default = mda\nmda = \"/usr/bin/yes mda3614\"\nmda_timeout = 1s\n");
    s.run(msg("loud"), "masq-inject", "-odq", "carol").expect(0);
    deliverWithin(s, Duration.ofSeconds(1)).expect(0);
    assertEquals(1, s.queuedIds().size(), "the message stays queued");
    String list = s.run("", "masq-queue").expect(0).out();
    assertTrue(list.contains("/usr/bin/yes timed out after 1s and was killed"), list);
    assertGone("yes mda3614");
  }
}
