package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import masq.tests.Await;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * masq-queue status run as a monitoring plugin runs it: only its exit code and its first line count
 * (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, {@code MASQ STATE - ...}), and --json read by Python's
 * json. The states: an empty queue, mail older than the first warn_intervals step, older than half
 * max_defer_time, a recipient deferred by a real server's 535 (aiosmtpd with AUTH), a spool
 * problem, and a spool that cannot be read.
 */
class QueueStatusTest extends WithPeers {

  /** Runs status as a plugin: {exit code, first line}. */
  private static Sandbox.Run status(Sandbox box, String... more) throws Exception {
    String[] args = new String[more.length + 1];
    args[0] = "status";
    System.arraycopy(more, 0, args, 1, more.length);
    return box.run("", "masq-queue", args);
  }

  private static String firstLine(Sandbox.Run r) {
    return r.out().lines().findFirst().orElse("");
  }

  /** Polls status until it exits {@code code}; returns that run. */
  private static Sandbox.Run awaitState(Sandbox box, int code) throws Exception {
    return Await.until(
        "masq-queue status exiting " + code, () -> status(box), r -> r.exit() == code);
  }

  /** Python's json on status --json: "STATE CODE QUEUED DEFERRED AUTHTLS PROBLEMS". */
  private static String json(Sandbox box, int code) throws Exception {
    Sandbox.Run r = status(box, "--json");
    assertEquals(code, r.exit(), r.stderr());
    String py =
        "import json,sys\nd=json.load(sys.stdin)\n"
            + "print(d['state'], d['code'], d['queued'], d['deferred'],"
            + " len(d['auth_tls_failures']), len(d['problems']), d['summary'].split(' - ')[0])\n";
    return Sandbox.exec(List.of("/usr/bin/python3", "-c", py), r.stdout(), Map.of())
        .expect(0)
        .out()
        .strip();
  }

  /**
   * status --prometheus, read by the Prometheus client library's own parser (Debian's
   * python3-prometheus-client): each message counted once, by state and by the route it was last
   * tried over, and exit 0 whatever the verdict.
   */
  @Test
  void prometheusMetricsAreTheTextFormatAndCountEachMessageOnce() throws Exception {
    Path route = tmp.resolve("isp.route");
    Files.writeString(route, "mail_host = 127.0.0.1:" + Peers.freePort() + "\n"); // refused
    Sandbox box = new Sandbox(tmp.resolve("pbox"), "query_routes.isp = \"" + route + "\"\n");
    box.run("Subject: a\n\nb\n", "masq-inject", "-odq", "x@far.example").expect(0);
    box.run("", "masq-deliver", "--route", "isp"); // nothing listens there: it defers
    box.run("Subject: b\n\nb\n", "masq-inject", "-odq", "y@far.example").expect(0);
    List<String> two = box.queuedIds();
    box.run("Subject: c\n\nb\n", "masq-inject", "-odq", "z@far.example").expect(0);
    String held =
        box.queuedIds().stream().filter(id -> !two.contains(id)).findFirst().orElseThrow();
    box.run("", "masq-queue", "hold", held).expect(0);

    Sandbox.Run r = status(box, "--prometheus");
    assertEquals(0, r.exit(), r.stderr());
    String py =
        "import sys\nfrom prometheus_client.parser import text_string_to_metric_families\n"
            + "for f in text_string_to_metric_families(sys.stdin.read()):\n"
            + "  for s in f.samples:\n"
            + "    print(s.name + ','.join(k + '=' + v for k, v in sorted(s.labels.items())),"
            + " int(s.value))\n";
    List<String> samples =
        Sandbox.exec(List.of(Sandbox.PYTHON, "-c", py), r.stdout(), Map.of())
            .expect(0)
            .out()
            .lines()
            .toList();
    assertTrue(samples.contains("masq_queue_messagesroute=isp,state=deferred 1"), r.out());
    assertTrue(samples.contains("masq_queue_messagesroute=none,state=queued 1"), r.out());
    assertTrue(samples.contains("masq_queue_messagesroute=none,state=held 1"), r.out());
    assertEquals(
        3,
        samples.stream()
            .filter(l -> l.startsWith("masq_queue_messages"))
            .mapToInt(l -> Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1)))
            .sum(),
        "each message once: " + r.out());
    assertTrue(samples.contains("masq_queue_up 1"), r.out());
    assertTrue(samples.contains("masq_queue_spool_problems 0"), r.out());
  }

  @Test
  void okThenWarningThenCriticalAsTheMailAges() throws Exception {
    Sandbox box =
        new Sandbox(tmp.resolve("box"), "warn_intervals = \"3s;1h\"\nmax_defer_time = 8s\n");
    box.run("", "masq-queue", "list").expect(0); // makes the spool, as every other command does
    Sandbox.Run empty = status(box).expect(0);
    assertTrue(firstLine(empty).startsWith("MASQ OK - queue empty | queued=0;"), empty.out());
    assertEquals("OK 0 0 0 0 0 MASQ OK", json(box, 0));

    box.run("Subject: a\n\nb\n", "masq-inject", "-odq", "x@far.example").expect(0);
    Sandbox.Run ok = status(box);
    if (ok.exit() == 0) { // unless this machine took 3 s to start two JVMs
      assertTrue(firstLine(ok).matches("MASQ OK - 1 queued, oldest \\d+s \\| .*"), ok.out());
    }
    Sandbox.Run warn = awaitState(box, 1);
    assertTrue(firstLine(warn).startsWith("MASQ WARNING - 1 queued, oldest "), warn.out());
    assertTrue(
        firstLine(warn).matches(".* \\| .* oldest=\\d+s;3;4;0 .*"), "perfdata: " + warn.out());
    Sandbox.Run crit = awaitState(box, 2);
    assertTrue(firstLine(crit).startsWith("MASQ CRITICAL - 1 queued, oldest "), crit.out());
    assertEquals("CRITICAL 2 1 0 0 0 MASQ CRITICAL", json(box, 2));
  }

  @Test
  void anAuthFailureFromARealServerIsCritical() throws Exception {
    int port = Peers.freePort();
    peers.aiosmtpd(port, "--auth", "joe:right");
    Path route =
        Files.writeString(
            tmp.resolve("isp1.route"),
            "mail_host = \"127.0.0.1:"
                + port
                + "\"\nauth_name = \"plain\"\nauth_login = \"joe\"\nauth_secret = \"wrong\"\n"
                + "auth_allow_plaintext = true\n");
    Sandbox box = new Sandbox(tmp.resolve("box"), "query_routes.isp1 = \"" + route + "\"\n");
    box.run("Subject: a\n\nb\n", "masq-inject", "-odq", "x@far.example").expect(0);
    box.run("Subject: b\n\nb\n", "masq-inject", "-odq", "y@far.example").expect(0);
    assertEquals(0, status(box).exit(), "fresh mail, never tried: OK");

    box.run("", "masq-deliver", "--route", "isp1").expect(0);
    Sandbox.Run r = status(box);
    assertEquals(2, r.exit(), r.out());
    String line = firstLine(r);
    assertTrue(
        line.matches(
            "MASQ CRITICAL - 2 queued, 2 deferred \\d+s over route=isp1 link=isp1"
                + " \\(AUTH PLAIN as joe refused by \\[127\\.0\\.0\\.1\\]:\\d+: 535 .*\\),"
                + " 2 AUTH/TLS failures, oldest \\d+s \\| .*auth_tls_failures=2;;0;0 .*"),
        line);
    assertEquals("CRITICAL 2 2 2 2 0 MASQ CRITICAL", json(box, 2));
  }

  @Test
  void aSpoolProblemIsCriticalAndAnUnreadableSpoolUnknown() throws Exception {
    Sandbox box = new Sandbox(tmp.resolve("box"), "");
    box.run("Subject: a\n\nb\n", "masq-inject", "-odq", "x@far.example").expect(0);
    Files.writeString(box.spool.resolve("queue/stray-file"), "not masq's");
    Sandbox.Run r = status(box);
    assertEquals(2, r.exit(), r.out());
    assertTrue(
        firstLine(r).startsWith("MASQ CRITICAL - 1 spool problem (masq-queue check: "), r.out());
    assertTrue(r.out().contains("\nproblem: "), "the problems follow: " + r.out());
    assertEquals("CRITICAL 2 1 0 0 1 MASQ CRITICAL", json(box, 2));

    Sandbox broken = new Sandbox(tmp.resolve("broken"), "");
    Files.writeString(broken.spool, "a file where the spool should be");
    Sandbox.Run u = status(broken);
    assertEquals(3, u.exit(), u.out() + u.stderr());
    assertTrue(firstLine(u).startsWith("MASQ UNKNOWN - "), u.out());
    assertEquals(1, u.out().lines().count(), u.out());
  }

  /**
   * status judges the spool that is there: a spool_dir that does not exist is UNKNOWN, not made.
   */
  @Test
  void aMissingSpoolIsUnknownAndStaysMissing() throws Exception {
    Sandbox box = new Sandbox(tmp.resolve("box"), "");
    Sandbox.Run u = status(box);
    assertEquals(3, u.exit(), u.out() + u.stderr());
    assertEquals("MASQ UNKNOWN - spool_dir " + box.spool + " does not exist\n", u.out());
    assertTrue(Files.notExists(box.spool), "status made no spool");
    assertEquals("UNKNOWN 3", unknownJson(box));
    assertTrue(Files.notExists(box.spool), "status --json made no spool");
  }

  /** A configuration that cannot be read is UNKNOWN, and with --json one JSON object saying why. */
  @Test
  void aConfigurationErrorIsUnknownAlsoAsJson() throws Exception {
    Sandbox box = new Sandbox(tmp.resolve("box"), "max_defer_time = \"\n");
    Sandbox.Run u = status(box);
    assertEquals(3, u.exit(), u.out() + u.stderr());
    assertTrue(firstLine(u).startsWith("MASQ UNKNOWN - "), u.out());
    assertEquals("UNKNOWN 3", unknownJson(box));
  }

  /** Python's json on status --json when the queue cannot be judged: "STATE CODE". */
  private static String unknownJson(Sandbox box) throws Exception {
    Sandbox.Run r = status(box, "--json");
    assertEquals(3, r.exit(), r.stderr());
    String py =
        "import json,sys\nd=json.load(sys.stdin)\n"
            + "assert d['summary'].startswith('MASQ UNKNOWN - ' + d['error'])\n"
            + "print(d['state'], d['code'])\n";
    return Sandbox.exec(List.of("/usr/bin/python3", "-c", py), r.stdout(), Map.of())
        .expect(0)
        .out()
        .strip();
  }
}
