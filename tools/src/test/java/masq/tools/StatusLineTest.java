package masq.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import masq.config.Config;
import masq.spool.Envelope;
import masq.spool.Recipient;
import org.junit.jupiter.api.Test;

/**
 * masq-queue status's judgement (QueueStatus) without processes: which last errors are AUTH or TLS
 * failures, and the state ladder by age, held messages and spool problems.
 */
class StatusLineTest {
  private static final long NOW = 1_800_000_000_000L;

  private static Config cfg() throws Exception {
    return Config.parse(
        "host_name = h\nwarn_intervals = 4h;1h\nmax_defer_time = 1d\n",
        Path.of("/nonexistent/masq.conf"),
        Map.of(),
        true);
  }

  private static Envelope msg(String id, long age, boolean held, Recipient... rs) {
    return new Envelope(
        id,
        NOW - age,
        "a@h",
        "local",
        null,
        null,
        null,
        1,
        10,
        5,
        0,
        held,
        List.of(rs),
        false,
        "",
        "",
        false,
        null,
        java.util.Map.of());
  }

  private static Recipient deferred(String addr, String why) {
    return new Recipient(addr, Recipient.State.PENDING, 1, NOW, "", why);
  }

  @Test
  void authAndTlsFailuresAreRecognisedByTheirWords() {
    for (String yes :
        List.of(
            "AUTH PLAIN as joe refused by [192.0.2.1]:587: 535 5.7.8 credentials invalid",
            "AUTH CRAM-MD5: unexpected reply 250 from [192.0.2.1]:25 (wanted 334 or 235)",
            "[192.0.2.1]:25 does not offer AUTH PLAIN (offers LOGIN)",
            "TLS with [192.0.2.1]:465 failed: PKIX path building failed",
            "STARTTLS refused by [192.0.2.1]:25: 454 4.7.0 TLS not available",
            "[192.0.2.1]:25 does not offer STARTTLS and tls = starttls: nothing sent in clear",
            "530 5.7.0 Authentication required",
            "smtp auth failed for joe")) {
      assertTrue(QueueStatus.authOrTls(yes), yes);
    }
    for (String no :
        List.of(
            "451 4.2.1 mailbox busy, try later",
            "connection to [127.0.0.1]:5350 refused",
            "550 5.1.1 no such user here",
            "waiting for a route",
            "mail.authority.example: host not found")) {
      assertFalse(QueueStatus.authOrTls(no), no);
    }
  }

  @Test
  void theStateClimbsWithAgeAndIgnoresHeldMessages() throws Exception {
    Config c = cfg();
    Recipient waiting = Recipient.pending("x@far.example");
    String route = "waiting for a route";
    assertEquals(
        QueueStatus.OK,
        new QueueStatus(
                c, List.of(msg("A", 59 * 60_000L, false, waiting)), List.of(), NOW, route, null)
            .code);
    QueueStatus warn =
        new QueueStatus(
            c, List.of(msg("A", 61 * 60_000L, false, waiting)), List.of(), NOW, route, null);
    assertEquals(QueueStatus.WARNING, warn.code, "past the smallest step, 1h");
    assertTrue(warn.line(NOW).startsWith("MASQ WARNING - 1 queued, oldest 1h | "), warn.line(NOW));
    assertEquals(
        QueueStatus.CRITICAL,
        new QueueStatus(
                c, List.of(msg("A", 13 * 3_600_000L, false, waiting)), List.of(), NOW, route, null)
            .code,
        "past half of max_defer_time");
    QueueStatus held =
        new QueueStatus(
            c, List.of(msg("A", 13 * 3_600_000L, true, waiting)), List.of(), NOW, route, null);
    assertEquals(QueueStatus.OK, held.code, "a held message waits by request");
    assertTrue(held.line(NOW).startsWith("MASQ OK - 1 queued, 1 held | "), held.line(NOW));
  }

  @Test
  void anAuthFailureOrASpoolProblemIsCriticalAtOnce() throws Exception {
    Config c = cfg();
    Envelope busy = msg("A", 60_000L, false, deferred("x@far.example", "451 4.2.1 busy"));
    Envelope auth =
        msg("B", 30_000L, false, deferred("y@far.example", "AUTH PLAIN as j refused: 535 no"))
            .withTried("route=isp1 link=isp1");
    QueueStatus s = new QueueStatus(c, List.of(busy, auth), List.of(), NOW, "x", null);
    assertEquals(QueueStatus.CRITICAL, s.code);
    assertEquals(
        "MASQ CRITICAL - 2 queued, 2 deferred 30s over route=isp1 link=isp1"
            + " (AUTH PLAIN as j refused: 535 no), oldest 1m | queued=2;;;0 deferred=2;;;0"
            + " held=0;;;0 oldest=60s;3600;43200;0 auth_tls_failures=1;;0;0 problems=0;;0;0"
            + " waiting=0;;;0 unroutable=0;1;;0",
        s.line(NOW));
    QueueStatus p = new QueueStatus(c, List.of(), List.of("stray file queue/x"), NOW, "x", null);
    assertEquals(QueueStatus.CRITICAL, p.code);
    assertTrue(
        p.line(NOW)
            .startsWith(
                "MASQ CRITICAL - 1 spool problem (masq-queue check: stray file queue/x),"
                    + " queue empty | "),
        p.line(NOW));
  }

  @Test
  void mailThatWaitsForALinkDoesNotAgeButUnroutableMailAndAFailingCheckWarn() throws Exception {
    Config c = cfg();
    String route = "waiting for a route";
    Recipient waits = new Recipient("x@far.example", Recipient.State.PENDING, 0, 0, "", route);
    QueueStatus week =
        new QueueStatus(
            c, List.of(msg("A", 7 * 86_400_000L, false, waits)), List.of(), NOW, route, null);
    assertEquals(QueueStatus.OK, week.code, "a week offline: it neither warns nor bounces");
    assertTrue(
        week.line(NOW).startsWith("MASQ OK - 1 queued, 1 waiting for a route 7d | "),
        week.line(NOW));
    Recipient lost =
        new Recipient(
            "y@far.example",
            Recipient.State.PENDING,
            0,
            0,
            "",
            "unroutable: no configured route accepts it (route lan: y@far.example not allowed)");
    QueueStatus u =
        new QueueStatus(c, List.of(msg("B", 60_000L, false, lost)), List.of(), NOW, route, null);
    assertEquals(QueueStatus.WARNING, u.code);
    assertTrue(
        u.line(NOW).contains(", 1 unroutable (y@far.example: no configured route accepts it"),
        u.line(NOW));
    assertTrue(u.json(u.line(NOW)).contains("\"unroutable\": [{\"id\": \"B\""), u.json("l"));
    QueueStatus f =
        new QueueStatus(c, List.of(), List.of(), NOW, route, "online_query: /x/q exited 3");
    assertEquals(QueueStatus.WARNING, f.code);
    assertTrue(
        f.line(NOW).startsWith("MASQ WARNING - online check failed (online_query: /x/q exited 3)"),
        f.line(NOW));
    assertEquals("3d 23h", Outlook.span(4 * 86_400_000L - 5_000L));
    assertEquals("4d", Outlook.span(4 * 86_400_000L));
    assertEquals("1h 5m", Outlook.span(3_900_000L));
  }
}
