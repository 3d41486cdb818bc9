package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import masq.tests.Await;
import masq.tests.Sandbox;
import masq.tests.SmtpPeer;
import org.junit.jupiter.api.Test;

/**
 * ETRN (RFC 1985) on masq-smtpd with real clients (swaks, Python's smtplib): mail queued for the
 * connection isp1 (nothing online) goes to smtp-sink once a client in relay_nets sends {@code ETRN
 * #isp1}; an unknown route gets 459, a client outside relay_nets 459, and while a run for the route
 * holds its lock a second ETRN starts nothing.
 */
class EtrnTest extends WithPeers {
  Path dump;

  /** A sandbox whose connection isp1 sends to a fresh smtp-sink; nothing is online. */
  Sandbox box(String name, String extra) throws Exception {
    int port = Peers.freePort();
    dump = peers.smtpSink("127.0.0.1", port);
    Path route = tmp.resolve(name + "-isp1.route");
    Files.writeString(route, "mail_host = 127.0.0.1:" + port + "\n");
    return new Sandbox(tmp.resolve(name), "query_routes.isp1 = \"" + route + "\"\n" + extra);
  }

  /** Queues a message for {@code rcpt}; it stays queued (no connection is online). */
  static String queue(Sandbox sb, String rcpt, String subject) throws Exception {
    sb.run(
            "Subject: " + subject + "\n\nhi\n",
            "masq-inject",
            "-odq",
            "-f",
            "joe@test.example",
            rcpt)
        .expect(0);
    List<String> ids = sb.queuedIds();
    assertEquals(1, ids.size(), "queued: " + ids);
    return ids.get(0);
  }

  static final String ETRN =
      """
      import smtplib, sys
      s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
      code, ext = s.ehlo()
      assert (b"\\nETRN" in ext) == (sys.argv[4] == "offered"), ext
      code, msg = s.docmd("ETRN", sys.argv[2])
      assert code == int(sys.argv[3]), (code, msg)
      s.quit()
      print(msg.decode())
      """;

  /** ETRN NODE from a client that EHLO offered ETRN; asserts the reply code, returns its text. */
  static String etrn(int port, String node, String code) throws Exception {
    return etrn(port, node, code, "offered");
  }

  static String etrn(int port, String node, String code, String offered) throws Exception {
    return Sandbox.python(ETRN, Integer.toString(port), node, code, offered).expect(0).out();
  }

  /**
   * Waits until the queue is empty and the run ETRN started is over: its lock is free (the run
   * writes to the spool and the log after the mail reached the sink, and the temporary directory
   * goes after the test).
   */
  static void awaitEmptyQueue(Sandbox sb, String lockName) throws InterruptedException {
    Path lock = sb.spool.resolve("runs/" + lockName + ".lock");
    Await.until(
        "an empty queue and the run over",
        () -> {
          try {
            return sb.queuedIds().isEmpty()
                && (!Files.exists(lock)
                    || Sandbox.exec(
                                List.of("flock", "-n", lock.toString(), "true"),
                                new byte[0],
                                Map.of())
                            .exit()
                        == 0);
          } catch (java.io.IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
  }

  @Test
  void etrnRouteFromSwaksSendsTheQueueOfThatRoute() throws Exception {
    Sandbox sb = box("box", "");
    queue(sb, "anna@far.example", "waiting for isp1");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      Sandbox.Run r =
          Peers.swaksTo(srv.port, "--to", "anna@far.example", "--quit-after", "EHLO").expect(0);
      assertTrue(r.out().contains("250-ETRN") || r.out().contains("250 ETRN"), r.out());
      // swaks has no ETRN of its own: the session is Python's
      String said = etrn(srv.port, "#isp1", "250");
      assertTrue(said.startsWith("2.0.0 queuing for node #isp1 started"), said);
      Peers.awaitDump(dump, "Subject: waiting for isp1", "X-Rcpt-Args: <anna@far.example>");
      awaitEmptyQueue(sb, "route.isp1");
      assertTrue(
          sb.log().contains("ETRN #isp1 from 127.0.0.1: masq-deliver --route isp1"), sb.log());
      // an unknown route
      said = etrn(srv.port, "#nosuch", "459");
      assertTrue(said.contains("node #nosuch not allowed: no such route"), said);
      // syntax, order, and the form that is not supported
      String more =
          """
          import smtplib, sys
          s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
          code, msg = s.docmd("ETRN", "#isp1")
          assert code == 503, ("before EHLO", code, msg)
          s.ehlo()
          for arg, want in (("", 501), ("@far.example", 501), ("bad..domain", 501)):
              code, msg = s.docmd("ETRN", arg)
              assert code == want, (arg, code, msg)
          s.mail("joe@test.example")
          code, msg = s.docmd("ETRN", "#isp1")
          assert code == 503, ("in a transaction", code, msg)
          s.quit()
          """;
      Sandbox.python(more, Integer.toString(srv.port)).expect(0);
    }
  }

  @Test
  void etrnFromOutsideRelayNetsIsRefused() throws Exception {
    Sandbox sb = box("outside", "relay_nets = 192.0.2.0/24\n");
    String id = queue(sb, "anna@far.example", "stays");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      String said = etrn(srv.port, "#isp1", "459", "hidden");
      assertTrue(said.startsWith("4.7.1 node #isp1 not allowed: client not in relay_nets"), said);
    }
    assertEquals(List.of(id), sb.queuedIds());
    assertTrue(sb.log().contains("ETRN #isp1 from 127.0.0.1 refused: not in relay_nets"), sb.log());
  }

  @Test
  void oneRunPerRouteAtATime() throws Exception {
    Sandbox sb = box("locked", "");
    queue(sb, "anna@far.example", "after the lock");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      // a run for isp1 is going (this process holds the route's lock the way a run does)
      Path lock = sb.spool.resolve("runs/route.isp1.lock");
      Files.createDirectories(lock.getParent());
      Process holder =
          new ProcessBuilder(
                  Sandbox.PYTHON,
                  "-c",
                  "import fcntl, sys\n"
                      + "f = open(sys.argv[1], 'a')\n"
                      + "fcntl.flock(f, fcntl.LOCK_EX)\n"
                      + "print('locked', flush=True)\n"
                      + "sys.stdin.read()\n",
                  lock.toString())
              .redirectErrorStream(true)
              .start();
      try {
        assertEquals(
            "locked",
            new java.io.BufferedReader(
                    new java.io.InputStreamReader(
                        holder.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
                .readLine());
        etrn(srv.port, "#isp1", "250");
        // nothing is started while the lock is held: the run ETRN forked off before its reply
        // (flock -n on the lock, then masq-deliver) ends without sending
        Await.until(
            "the end of the run ETRN started",
            () ->
                ProcessHandle.allProcesses()
                    .noneMatch(p ->
                        p.pid() != holder.pid()
                            && p.info().commandLine().orElse("").contains(lock.toString())));
        assertEquals(1, sb.queuedIds().size(), "sent although a run held the route's lock");
      } finally {
        holder.destroy();
        holder.waitFor(10, TimeUnit.SECONDS);
      }
      etrn(srv.port, "#isp1", "250");
      Peers.awaitDump(dump, "Subject: after the lock");
      awaitEmptyQueue(sb, "route.isp1");
    }
  }

  @Test
  void etrnDomainSendsTheQueueOfThatDomain() throws Exception {
    Sandbox sb = box("domain", "online_file = \"" + tmp.resolve("online") + "\"\n");
    Files.writeString(tmp.resolve("online"), "isp1\n");
    sb.run("Subject: for far\n\nhi\n", "masq-inject", "-odq", "anna@far.example").expect(0);
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      String said = etrn(srv.port, "far.example", "250");
      assertTrue(said.startsWith("2.0.0 queuing for node far.example started"), said);
      Peers.awaitDump(dump, "Subject: for far", "X-Rcpt-Args: <anna@far.example>");
      awaitEmptyQueue(sb, "domain.far.example");
      assertTrue(
          sb.log().contains("ETRN far.example from 127.0.0.1: masq-deliver --domain far.example"),
          sb.log());
    }
  }
}
