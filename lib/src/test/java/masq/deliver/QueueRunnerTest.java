package masq.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import masq.MasqException;
import masq.accept.Submission;
import masq.address.Address;
import masq.config.Config;
import masq.log.MailLog;
import masq.spool.Envelope;
import masq.spool.Spool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timing of warnings, max_defer_time and notices, with an injected clock: nothing sleeps. */
class QueueRunnerTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T10:00:00Z"));
  private Config cfg;
  private Spool spool;
  private MailLog log;

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private Instant now;

    ManualClock(Instant start) {
      now = start;
    }

    void set(Instant t) {
      now = t;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private void setUp(String extra) throws Exception {
    cfg =
        Config.parse(
            "host_name = h\nrun_as_user = true\nmbox_default = mbox\n"
                + "spool_dir = \""
                + dir.resolve("spool")
                + "\"\nlog_dir = \""
                + dir.resolve("log")
                + "\"\n"
                + "mail_dir = \""
                + dir.resolve("mail")
                + "\"\n"
                + extra,
            dir.resolve("masq.conf"),
            Map.of(),
            true);
    Files.createDirectories(dir.resolve("mail"));
    spool = Spool.open(cfg.dirs().spoolDir(), clock, 4242);
    log = new MailLog(cfg.log().logDir(), clock, ZoneOffset.UTC, 4242);
  }

  private String submit(String from, String... to) throws Exception {
    List<Address> rcpts =
        java.util.Arrays.stream(to)
            .map(t -> new Address(t.split("@")[0], t.split("@")[1]))
            .toList();
    Address sender =
        from.isEmpty() ? Address.NULL : new Address(from.split("@")[0], from.split("@")[1]);
    Submission.Request req = Submission.Request.local(sender, rcpts, "t", 1);
    Envelope e =
        Submission.accept(
            new ByteArrayInputStream("Subject: test\n\nFrom me\n".getBytes(StandardCharsets.UTF_8)),
            req,
            cfg,
            spool,
            log);
    return e.id();
  }

  private QueueRunner.Result runAt(Duration after) throws Exception {
    clock.set(Instant.parse("2026-01-05T10:00:00Z").plus(after));
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new QueueRunner(cfg, spool, log, clock, Map.of(), 1000, sink, sink, 0).run(null, false);
  }

  /** The Subject: of each message in the mbox of {@code user}. */
  private List<String> subjects(String user) throws Exception {
    Path f = dir.resolve("mail").resolve(user);
    if (!Files.exists(f)) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    boolean wanted = false;
    for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      if (l.startsWith("From ")) {
        wanted = true; // the first Subject: of each message, not those of attached originals
      } else if (wanted && l.startsWith("Subject: ")) {
        out.add(l);
        wanted = false;
      }
    }
    return out;
  }

  @Test
  void warningsFollowWarnIntervalsAndMaxDeferTimeBounces() throws Exception {
    setUp(
        "mda = \"/bin/sh -c 'exit 75'\"\nmda_users = slow\nwarn_intervals = 1h;4h\nmax_defer_time = 1d\n");
    String id = submit("alice@h", "slow@h");
    runAt(Duration.ofMinutes(30));
    assertEquals(List.of(), subjects("alice"), "no warning before the first interval");
    assertTrue(spool.read(id).recipients().get(0).lastError().contains("status 75"));
    runAt(Duration.ofMinutes(61));
    assertEquals(1, subjects("alice").size(), "a warning after 1h");
    assertTrue(subjects("alice").get(0).contains("Warning"));
    runAt(Duration.ofMinutes(62));
    runAt(Duration.ofHours(3));
    assertEquals(1, subjects("alice").size(), "no second warning before 4h");
    runAt(Duration.ofHours(4).plusMinutes(1));
    assertEquals(2, subjects("alice").size(), "a second warning after 4h");
    runAt(Duration.ofHours(20));
    assertEquals(2, subjects("alice").size(), "no interval left");
    assertTrue(spool.exists(id));
    runAt(Duration.ofDays(1).plusMinutes(1));
    assertFalse(spool.exists(id), "failed after max_defer_time, then removed");
    List<String> s = subjects("alice");
    assertEquals(3, s.size());
    assertTrue(s.get(2).contains("failed"), s.toString());
    String box = Files.readString(dir.resolve("mail/alice"));
    assertTrue(box.contains("Status: 4.4.7"), box);
    assertTrue(box.contains("Action: delayed"), box);
    assertEquals(List.of(), spool.ids(), "notices were delivered in the same run");
  }

  @Test
  void remoteRecipientsWaitWithoutWarningsOrExpiry() throws Exception {
    setUp("warn_intervals = 1h\nmax_defer_time = 1d\n");
    String id = submit("alice@h", "far@example.org", "bob@h");
    runAt(Duration.ofDays(3));
    Envelope e = spool.read(id);
    assertEquals("waiting for a route", e.recipients().get(0).lastError());
    assertTrue(e.recipients().get(0).isPending());
    assertEquals(masq.spool.Recipient.State.DELIVERED, e.recipients().get(1).state());
    assertEquals(List.of(), subjects("alice"));
  }

  @Test
  void bouncesOfBouncesGoToPostmasterAndNeverLoop() throws Exception {
    Files.writeString(dir.resolve("aliases"), "postmaster: pm\n");
    setUp("alias_file = aliases\n");
    submit("", "bad/name@h");
    runAt(Duration.ofMinutes(1));
    assertEquals(1, subjects("pm").size(), "the null sender's failure goes to postmaster");
    assertEquals(List.of(), spool.ids());

    Files.writeString(dir.resolve("aliases"), "postmaster: broken/pm\n");
    submit("", "bad/name@h");
    runAt(Duration.ofMinutes(2));
    assertEquals(List.of(), spool.ids(), "postmaster's own failure is not reported again");
    assertTrue(Files.readString(dir.resolve("log/masq.log")).contains("no bounce sent"));
    assertEquals(1, subjects("pm").size());
  }

  @Test
  void aSenderGetsOneBouncePerMessage() throws Exception {
    setUp("");
    submit("alice@h", "x/1@h", "x/2@h", "ok@h");
    runAt(Duration.ofMinutes(1));
    assertEquals(1, subjects("alice").size());
    assertEquals(1, subjects("ok").size());
    String box = Files.readString(dir.resolve("mail/alice"));
    assertTrue(
        box.contains("Final-Recipient: rfc822; x/1@h")
            && box.contains("Final-Recipient: rfc822; x/2@h"));
  }

  @Test
  void logUserGetsOneCopyOfEveryMessage() throws Exception {
    setUp("log_user = archive\n");
    submit("alice@h", "bob@h", "far@example.org");
    runAt(Duration.ofMinutes(1));
    runAt(Duration.ofMinutes(2));
    assertEquals(1, subjects("archive").size());
    assertEquals(1, subjects("bob").size());
  }

  @Test
  void aBounceTooLargeToQueueIsLoggedNotLooped() throws Exception {
    setUp("max_msg_size = 300\n");
    String id = submit("alice@h", "x/1@h");
    runAt(Duration.ofMinutes(1));
    assertFalse(spool.exists(id), "the failure is final even without a bounce");
    assertEquals(List.of(), spool.ids());
    assertTrue(Files.readString(dir.resolve("log/masq.log")).contains(id + " bounce not sent: "));
  }

  @Test
  void theNextWarningAndTheBounceFollowWarnIntervalsAndTheWarnedTime() throws Exception {
    setUp(
        "mda = \"/bin/sh -c 'exit 75'\"\nmda_users = slow\nwarn_intervals = 4h;1h\nmax_defer_time = 1d\n");
    String id = submit("alice@h", "slow@h");
    long t0 = spool.read(id).received();
    assertEquals(t0 + Duration.ofHours(1).toMillis(), Settlement.nextWarning(cfg, spool.read(id)));
    assertEquals(t0 + Duration.ofDays(1).toMillis(), Settlement.bounceAt(cfg, spool.read(id)));
    runAt(Duration.ofMinutes(61)); // the first warning
    assertEquals(1, subjects("alice").size());
    assertEquals(t0 + Duration.ofHours(4).toMillis(), Settlement.nextWarning(cfg, spool.read(id)));
    runAt(Duration.ofHours(5)); // the second
    assertEquals(2, subjects("alice").size());
    assertEquals(-1, Settlement.nextWarning(cfg, spool.read(id)), "every step warned");
  }

  @Test
  void giveUpBouncesOnceAndRemovesTheMessageButNotifiesNoNullSender() throws Exception {
    setUp("mda = \"/bin/sh -c 'exit 75'\"\nmda_users = slow\n");
    String id = submit("alice@h", "slow@h", "far@example.org");
    runAt(Duration.ofMinutes(5));
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    QueueRunner r = new QueueRunner(cfg, spool, log, clock, Map.of(), 1000, sink, sink, 0);
    String bounce = r.giveUp(id, -1, "given up by test");
    assertFalse(spool.exists(id));
    assertEquals(List.of(bounce), spool.ids(), "exactly one notice");
    assertEquals("", spool.read(bounce).sender());
    runAt(Duration.ofMinutes(6));
    String box = Files.readString(dir.resolve("mail/alice"));
    assertTrue(box.contains("Final-Recipient: rfc822; slow@h"), box);
    assertTrue(box.contains("Final-Recipient: rfc822; far@example.org"), box);
    assertTrue(box.contains("given up by test"), box);

    String nul = submit("", "slow@h");
    assertEquals(null, r.giveUp(nul, -1, "given up by test"));
    assertFalse(spool.exists(nul));
    assertEquals(List.of(), spool.ids(), "no notice about a notice");
    MasqException gone =
        org.junit.jupiter.api.Assertions.assertThrows(
            MasqException.class, () -> r.giveUp(nul, -1, "again"));
    assertEquals(masq.Exit.NOUSER, gone.exitCode());
  }
}
