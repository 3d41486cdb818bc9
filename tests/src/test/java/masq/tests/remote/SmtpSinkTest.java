package masq.tests.remote;

import static masq.tests.remote.Msgs.msg;
import static masq.tests.remote.Msgs.outcomes;
import static masq.tests.remote.Msgs.send;
import static masq.tests.remote.Msgs.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import masq.deliver.remote.OutgoingMessage;
import masq.deliver.remote.RecipientResult;
import masq.deliver.remote.RemoteSettings;
import masq.spool.Outcome;
import masq.tests.Await;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SMTP client against Postfix's smtp-sink as the smart host (mail_host), and wrapper routes.
 */
class SmtpSinkTest extends WithPeers {
  int port;
  Path dump;

  @BeforeEach
  void start() throws Exception {
    port = Peers.freePort();
    dump = peers.smtpSink("127.0.0.1", port);
  }

  @Test
  void severalMessagesPipelinedOverOneConnectionWithEnvelopeHeadersAndDotStuffing()
      throws Exception {
    RemoteSettings s = settings("isp").mailHost("127.0.0.1").mailPort(port).build();
    OutgoingMessage a =
        msg(
            "M1",
            "joe@home.example",
            "line one\n.leading dot\n..two dots\n.\nend\n",
            "anna@far.example",
            "bob@other.example");
    OutgoingMessage b = msg("M2", "", "bounce body\n", "carl@far.example");
    OutgoingMessage c = msg("M3", "joe@home.example", "no final newline", "dora@far.example");
    List<RecipientResult> rs = send(s, a, b, c);
    assertEquals(
        List.of(
            "M1 anna@far.example DELIVERED",
            "M1 bob@other.example DELIVERED",
            "M2 carl@far.example DELIVERED",
            "M3 dora@far.example DELIVERED"),
        outcomes(rs));
    for (RecipientResult r : rs) {
      assertTrue(r.host().equals("[127.0.0.1]:" + port), r.host());
      assertTrue(r.reply().startsWith("250"), r.reply());
      assertTrue(
          r.logLine("route=isp").contains(" => " + r.recipient() + " route=isp host=[127.0.0.1]:"),
          r.logLine("route=isp"));
    }
    List<String> d = Peers.waitDumps(dump, 3);
    assertEquals(3, d.size(), d.toString());
    String all = String.join("\n=====\n", d);
    assertTrue(all.contains("X-Helo-Args: client.test"), all);
    assertTrue(all.contains("X-Mail-Args: <joe@home.example>"), all);
    assertTrue(
        all.contains("X-Rcpt-Args: <anna@far.example>\nX-Rcpt-Args: <bob@other.example>"), all);
    assertTrue(all.contains("X-Mail-Args: <>"), all);
    assertTrue(
        all.contains(
            "Subject: test M1\nMessage-ID: <M1@test.example>\n\nline one\n"
                + ".leading dot\n..two dots\n.\nend\n"),
        all);
    assertTrue(all.contains("no final newline"), all);
  }

  @Test
  void withoutPipeliningTheSameArrives() throws Exception {
    RemoteSettings s =
        settings("isp").mailHost("127.0.0.1").option("do_pipelining", false).mailPort(port).build();
    List<RecipientResult> rs =
        send(
            s,
            msg("N1", "joe@home.example", "hi\n", "a@x.example", "b@x.example"),
            msg("N2", "joe@home.example", "hi\n", "c@x.example"));
    assertEquals(
        List.of("N1 a@x.example DELIVERED", "N1 b@x.example DELIVERED", "N2 c@x.example DELIVERED"),
        outcomes(rs));
    assertEquals(2, Peers.waitDumps(dump, 2).size());
  }

  @Test
  void nothingListeningDefersAndConnectErrorFailFails() throws Exception {
    int dead = Peers.freePort();
    TestRoute s = settings("isp").mailHost("127.0.0.1").mailPort(dead);
    List<RecipientResult> rs = send(s.build(), msg("D1", "joe@home.example", "x\n", "a@x.example"));
    assertEquals(List.of("D1 a@x.example DEFERRED"), outcomes(rs));
    assertTrue(
        rs.get(0).reply().contains("cannot connect to 127.0.0.1:" + dead), rs.get(0).reply());
    rs =
        send(
            s.option("connect_error_fail", true).build(),
            msg("D2", "joe@home.example", "x\n", "a@x.example"));
    assertEquals(List.of("D2 a@x.example FAILED"), outcomes(rs));
  }

  @Test
  void wrapperThroughSocatCarriesTheSession() throws Exception {
    RemoteSettings s =
        settings("wrapped").option("wrapper", "/usr/bin/socat - TCP:127.0.0.1:" + port).build();
    List<String> log = new ArrayList<>();
    List<RecipientResult> rs =
        send(
            s,
            log,
            msg("W1", "joe@home.example", "via socat\n", "w@x.example"),
            msg("W2", "joe@home.example", "again\n", "v@x.example"));
    assertEquals(List.of("W1 w@x.example DELIVERED", "W2 v@x.example DELIVERED"), outcomes(rs));
    assertEquals("wrapper '/usr/bin/socat - TCP:127.0.0.1:" + port + "'", rs.get(0).host());
    String all = String.join("\n", Peers.waitDumps(dump, 2));
    assertTrue(all.contains("via socat") && all.contains("X-Rcpt-Args: <v@x.example>"), all);
  }

  @Test
  void wrapperThatCannotConnectDefersAndItsStderrIsLogged() throws Exception {
    int dead = Peers.freePort();
    RemoteSettings s =
        settings("wrapped").option("wrapper", "/usr/bin/socat - TCP:127.0.0.1:" + dead).build();
    List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<RecipientResult> rs = send(s, log, msg("W3", "joe@home.example", "x\n", "w@x.example"));
    assertEquals(Outcome.DEFERRED, rs.get(0).outcome(), rs.toString());
    Await.until(
        "socat's stderr in the log: " + log,
        () -> log.stream().anyMatch(l -> l.contains("socat") && l.contains("Connection refused")));
    RemoteSettings missing =
        settings("wrapped")
            .option("wrapper", "/nonexistent/wrapper --x")
            .option("connect_error_fail", true)
            .build();
    rs = send(missing, msg("W4", "joe@home.example", "x\n", "w@x.example"));
    assertEquals(Outcome.FAILED, rs.get(0).outcome());
    assertTrue(rs.get(0).reply().startsWith("cannot run wrapper"), rs.get(0).reply());
  }

  @Test
  void instantHeloAndCorrectHelo() throws Exception {
    RemoteSettings s =
        settings("isp")
            .mailHost("127.0.0.1")
            .mailPort(port)
            .option("instant_helo", true)
            .option("do_correct_helo", true)
            .build();
    List<RecipientResult> rs = send(s, msg("H1", "joe@home.example", "x\n", "a@x.example"));
    assertEquals(List.of("H1 a@x.example DELIVERED"), outcomes(rs));
    String d = Peers.waitDumps(dump, 1).get(0);
    // the local address 127.0.0.1 by its name (localhost from /etc/hosts), not helo_name
    assertTrue(d.contains("X-Helo-Args: localhost") || d.contains("X-Helo-Args: [127.0.0.1]"), d);
  }

  @Test
  void aServerThatStaysSilentTimesOutAndDefers() throws Exception {
    try (java.net.ServerSocket silent =
        new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      RemoteSettings s =
          settings("isp")
              .mailHost("127.0.0.1")
              .mailPort(silent.getLocalPort())
              .timeouts(TestRoute.timeouts(java.time.Duration.ofMillis(300)))
              .build();
      long t0 = System.nanoTime();
      List<RecipientResult> rs =
          send(
              s,
              msg("T1", "joe@home.example", "x\n", "a@x.example"),
              msg("T2", "joe@home.example", "x\n", "b@x.example"));
      assertEquals(List.of("T1 a@x.example DEFERRED", "T2 b@x.example DEFERRED"), outcomes(rs));
      assertTrue(
          rs.get(0).reply().startsWith("timeout waiting for [127.0.0.1]:"), rs.get(0).reply());
      assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
    }
  }

  @Test
  void aWrapperThatHangsTimesOut() {
    Msgs.assertDeferredSoon(
        settings("wrapped").option("wrapper", "/bin/sleep 30"),
        java.time.Duration.ofMillis(300),
        "timeout waiting for wrapper");
  }

  @Test
  void aServerThatStopsReadingDuringDataTimesOut() throws Exception {
    try (java.net.ServerSocket ss =
        new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      Thread server =
          Thread.ofVirtual()
              .start(() -> {
                try (java.net.Socket c = ss.accept()) {
                  var in =
                      new java.io.BufferedReader(
                          new java.io.InputStreamReader(
                              c.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
                  var out = c.getOutputStream();
                  out.write("220 stuck\r\n".getBytes());
                  for (String l = in.readLine(); l != null; l = in.readLine()) {
                    String reply =
                        l.startsWith("EHLO")
                            ? "250 stuck\r\n"
                            : l.equals("DATA") ? "354 go\r\n" : "250 ok\r\n";
                    out.write(reply.getBytes());
                    if (l.equals("DATA")) {
                      Thread.sleep(20_000); // and never read again
                    }
                  }
                } catch (Exception ignored) {
                  // the client gave up
                }
              });
      RemoteSettings s =
          settings("isp")
              .mailHost("127.0.0.1")
              .mailPort(ss.getLocalPort())
              .timeouts(TestRoute.timeouts(java.time.Duration.ofMillis(500)))
              .build();
      long t0 = System.nanoTime();
      List<RecipientResult> rs =
          send(
              s,
              msg(
                  "T4",
                  "joe@home.example",
                  "y".repeat(999) + "\n".repeat(1) + ("z".repeat(999) + "\n").repeat(20_000),
                  "a@x.example"));
      assertEquals(List.of("T4 a@x.example DEFERRED"), outcomes(rs));
      assertTrue(rs.get(0).reply().contains("timed out writing"), rs.get(0).reply());
      assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
      server.interrupt();
    }
  }

  @Test
  void aConnectionLostMidBatchDefersTheRest() throws Exception {
    int p2 = Peers.freePort();
    peers.smtpSink("127.0.0.1", p2, "-q", "rset"); // hangs up at the RSET before message 2
    RemoteSettings s = settings("isp").mailHost("127.0.0.1").mailPort(p2).build();
    List<RecipientResult> rs =
        send(
            s,
            msg("L1", "joe@home.example", "x\n", "a@x.example"),
            msg("L2", "joe@home.example", "x\n", "b@x.example"),
            msg("L3", "joe@home.example", "x\n", "c@x.example"));
    assertEquals(
        List.of("L1 a@x.example DELIVERED", "L2 b@x.example DEFERRED", "L3 c@x.example DEFERRED"),
        outcomes(rs));
    assertTrue(
        rs.get(1).reply().startsWith("connection closed by [127.0.0.1]:" + p2), rs.get(1).reply());
    assertTrue(rs.get(2).reply().startsWith("not sent: connection closed"), rs.get(2).reply());
  }

  @Test
  void anUnexpectedErrorBecomesADeferralForEveryRecipientLeft() throws Exception {
    RemoteSettings s = settings("isp").mailHost("127.0.0.1").mailPort(port).build();
    OutgoingMessage ok = msg("E1", "joe@home.example", "x\n", "a@x.example");
    OutgoingMessage broken =
        OutgoingMessage.of(
            "E2",
            ok.returnPath(),
            List.of(Msgs.addr("b@x.example"), Msgs.addr("c@x.example")),
            ok.headers(),
            () -> {
              throw new IllegalStateException("a bug");
            },
            false,
            10);
    OutgoingMessage after = msg("E3", "joe@home.example", "x\n", "d@x.example");
    List<RecipientResult> rs = send(s, ok, broken, after);
    assertEquals(
        List.of(
            "E1 a@x.example DELIVERED",
            "E2 b@x.example DEFERRED",
            "E2 c@x.example DEFERRED",
            "E3 d@x.example DEFERRED"),
        outcomes(rs));
    assertEquals("internal error: a bug", rs.get(3).reply());
  }

  @Test
  void aMessageFileThatVanishedIsDeferredAndTheNextOneStillGoes() throws Exception {
    RemoteSettings s = settings("isp").mailHost("127.0.0.1").mailPort(port).build();
    OutgoingMessage ok = msg("V2", "joe@home.example", "x\n", "b@x.example");
    OutgoingMessage gone =
        OutgoingMessage.of(
            "V1",
            ok.returnPath(),
            List.of(Msgs.addr("a@x.example")),
            ok.headers(),
            () -> {
              throw new java.nio.file.NoSuchFileException("/spool/queue/V1.msg");
            },
            false,
            10);
    List<RecipientResult> rs = send(s, gone, ok);
    assertEquals(List.of("V1 a@x.example DEFERRED", "V2 b@x.example DELIVERED"), outcomes(rs));
    assertEquals("cannot read message V1: no such file: /spool/queue/V1.msg", rs.get(0).reply());
    assertEquals(1, Peers.waitDumps(dump, 1).size());
  }
}
