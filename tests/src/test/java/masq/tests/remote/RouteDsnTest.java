package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import masq.tests.Await;
import masq.tests.MimeCheck;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * DSN and SMTPUTF8 over a route, end to end: a message taken in by the real masq-smtpd from
 * Python's smtplib with DSN parameters or UTF-8 addresses, sent by masq-deliver to Postfix's
 * smtp-sink (which offers DSN but not SMTPUTF8; {@code -N}: no DSN either) or to aiosmtpd with
 * SMTPUTF8; what the peer received, and the notices the sender got, checked.
 */
class RouteDsnTest extends WithPeers {
  static final String NORDIC = "j\u00f8ran@ex.example";
  static final String CHINESE = "\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a";

  /** A sandbox with route isp to 127.0.0.1:port, its local hosts test.example and ex.example. */
  private Sandbox box(int port) throws Exception {
    Path route =
        Files.writeString(tmp.resolve("isp.route"), "mail_host = 127.0.0.1:" + port + "\n");
    return new Sandbox(
        tmp.resolve("box"),
        "query_routes.isp = \"" + route + "\"\nlocal_hosts = \"test.example;ex.example\"\n");
  }

  /** Sends through a masq-smtpd of {@code box} what {@code script} sends to port argv[1]. */
  private void smtpd(Sandbox box, String script, String... args) throws Exception {
    int port = Peers.freePort();
    Process p =
        box.start(tmp.resolve("smtpd.out"), "masq-smtpd", "--listen", "127.0.0.1:" + port, "-odq");
    try {
      Await.port("127.0.0.1", port, null);
      List<String> cmd =
          new java.util.ArrayList<>(
              List.of("/usr/bin/python3", "-c", script, Integer.toString(port)));
      cmd.addAll(List.of(args));
      Sandbox.exec(cmd, new byte[0], Map.of()).expect(0);
    } finally {
      p.destroy();
      p.waitFor();
    }
  }

  private static final String DSN_CLIENT =
      """
      import smtplib, sys
      s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
      s.ehlo()
      s.mail("alice@test.example", ["RET=HDRS", "ENVID=env+2Bid-7"])
      assert s.rcpt("far@far.example",
                    ["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;orig+2Bx@old.example"])[0] == 250
      assert s.rcpt("near@far.example")[0] == 250
      assert s.data(b"Subject: relayed\\r\\n\\r\\nbody\\r\\n")[0] == 250
      s.quit()
      """;

  @Test
  void aServerThatOffersDsnGetsTheParametersAndMasqSendsNoReport() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Sandbox box = box(port);
    smtpd(box, DSN_CLIENT);
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    List<String> d = Peers.dumps(dump);
    assertEquals(1, d.size(), box.log());
    String all = d.get(0);
    assertTrue(all.contains("X-Mail-Args: <alice@test.example> RET=HDRS ENVID=env+2Bid-7\n"), all);
    assertTrue(
        all.contains(
            "X-Rcpt-Args: <far@far.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;orig+2Bx@old.example\n"),
        all);
    assertTrue(all.contains("X-Rcpt-Args: <near@far.example>\n"), "no parameters asked: " + all);
    assertEquals(List.of(), box.queuedIds(), box.log());
    assertFalse(
        Files.exists(box.mailDir.resolve("alice")),
        "the next hop reports the delivery, not masq: " + box.log());
  }

  @Test
  void aServerWithoutDsnMeansARelayedReportWhenSuccessWasAsked() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port, "-N");
    Sandbox box = box(port);
    smtpd(box, DSN_CLIENT);
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    String all = String.join("", Peers.dumps(dump));
    assertTrue(all.contains("X-Mail-Args: <alice@test.example>\n"), "no DSN parameters: " + all);
    assertTrue(all.contains("X-Rcpt-Args: <far@far.example>\n"), all);
    box.run("", "masq-deliver").expect(0); // the report is local mail
    MimeCheck.Report r = MimeCheck.clean("mbox", box.mailDir.resolve("alice"));
    assertTrue(r.headers().get("Content-Type").contains("delivery-status"), r.toString());
    List<String> f = r.statusFields();
    assertTrue(f.contains("Action: relayed"), f.toString());
    assertTrue(f.contains("Original-Envelope-Id: env+id-7"), f.toString());
    assertTrue(f.contains("Original-Recipient: rfc822; orig+x@old.example"), f.toString());
    assertTrue(f.contains("Final-Recipient: rfc822; far@far.example"), f.toString());
    assertTrue(f.stream().anyMatch(x -> x.startsWith("Diagnostic-Code: smtp; 250")), f.toString());
    assertFalse(f.toString().contains("near@far.example"), "near did not ask: " + f);
    assertEquals(MimeCheck.HEADERS_ONLY_NOTICE, r.parts());
  }

  @Test
  void anOrcptIsStoredAndRelayedWithItsTypeAndBytes() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Sandbox box = box(port);
    String client =
        """
        import smtplib, sys
        s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
        s.ehlo()
        s.mail("alice@test.example")
        assert s.rcpt("one@far.example", ["ORCPT=rfc822;j+C3+A9@old.example"])[0] == 250
        assert s.rcpt("two@far.example", ["ORCPT=utf-8;\\\\x{7528}\\\\x{6237}+2B1@old.example"])[0] == 250
        assert s.data(b"Subject: orcpt\\r\\n\\r\\nbody\\r\\n")[0] == 250
        s.quit()
        """;
    smtpd(box, client);
    String env = box.envelope(box.queuedIds().get(0));
    // the xtext's bytes read as UTF-8: one character, not two Latin-1 ones
    assertTrue(env.contains("\trfc822;j\u00e9@old.example\n"), env);
    assertTrue(env.contains("\tutf-8;\u7528\u6237+1@old.example\n"), env);
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    String all = String.join("", Peers.dumps(dump));
    assertTrue(
        all.contains("X-Rcpt-Args: <one@far.example> ORCPT=rfc822;j+C3+A9@old.example\n"), all);
    assertTrue(
        all.contains(
            "X-Rcpt-Args: <two@far.example> ORCPT=utf-8;\\x{7528}\\x{6237}\\x{2B}1@old.example\n"),
        all);
  }

  private static final String UTF8_CLIENT =
      """
      import smtplib, sys
      s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
      data = ("From: J\\u00f8ran <%s>\\r\\nTo: %s\\r\\nSubject: hei \\u4f60\\u597d\\r\\n\\r\\n"
              "body \\u00f8\\r\\n" % (sys.argv[2], sys.argv[3])).encode()
      r = s.sendmail(sys.argv[2], [sys.argv[3]], data, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
      assert r == {}, r
      s.quit()
      """;

  @Test
  void smtputf8GoesToAServerThatOffersItByteForByte() throws Exception {
    int port = Peers.freePort();
    Path record = peers.aiosmtpd(port, "--smtputf8");
    Sandbox box = box(port);
    smtpd(box, UTF8_CLIENT, NORDIC, CHINESE);
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    assertEquals(List.of(), box.queuedIds(), box.log());
    Path json = record.resolve("msg-1.json");
    assertTrue(Files.exists(json), box.log());
    String check =
        """
        import json, sys
        d = json.load(open(sys.argv[1]))
        assert d["mail_from"] == sys.argv[2], d["mail_from"]
        assert d["rcpt_tos"] == [sys.argv[3]], d["rcpt_tos"]
        assert "SMTPUTF8" in [o.upper() for o in d["mail_options"]], d["mail_options"]
        data = d["data"].encode("latin-1").replace(b"\\r\\n", b"\\n")
        want = ("From: J\\u00f8ran <%s>\\nTo: %s\\nSubject: hei \\u4f60\\u597d\\n"
                % (sys.argv[2], sys.argv[3])).encode()
        assert want in data, data
        assert data.endswith("\\n\\nbody \\u00f8\\n".encode()), data
        """;
    Sandbox.exec(
            List.of("/usr/bin/python3", "-c", check, json.toString(), NORDIC, CHINESE),
            new byte[0],
            Map.of())
        .expect(0);
  }

  @Test
  void smtputf8ToAServerWithoutItFailsWith567InABounce() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Sandbox box = box(port);
    smtpd(box, UTF8_CLIENT, "alice@test.example", CHINESE);
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    assertEquals(List.of(), Peers.dumps(dump), "nothing sent, nothing altered");
    assertTrue(box.log().contains(" ** " + CHINESE + " "), box.log());
    box.run("", "masq-deliver").expect(0);
    List<MimeCheck.Report> rs = MimeCheck.python("mbox", box.mailDir.resolve("alice"));
    assertEquals(1, rs.size());
    MimeCheck.Report r = rs.get(0);
    // the original returns as RFC 6532's message/global, whose UTF-8 header fields Python's email
    // (3.11) reads as undecodable bytes: its only complaints, all inside the returned message
    for (String p : r.problems()) {
      assertTrue(
          p.startsWith("part 6 (text/plain) ")
              && (p.contains("UndecodableBytesDefect") || p.contains("NonASCIILocalPartDefect")),
          r.problems().toString());
    }
    assertEquals(
        List.of(
            "multipart/report 8bit",
            "text/plain 8bit", // it names the UTF-8 recipient (charset utf-8)
            "message/delivery-status ",
            "message/global 8bit",
            "text/plain "),
        r.parts());
    List<String> f = r.statusFields();
    assertTrue(f.contains("Action: failed"), f.toString());
    assertTrue(f.contains("Status: 5.6.7"), f.toString());
    assertTrue(f.stream().anyMatch(x -> x.contains("does not offer SMTPUTF8")), "the reason: " + f);
    // the report is US-ASCII: the UTF-8 recipient as RFC 6533's utf-8 type
    assertTrue(
        f.contains(
            "Final-Recipient: utf-8; \\x{7528}\\x{6237}@\\x{4F8B}\\x{5B50}.\\x{5E7F}\\x{544A}"),
        f.toString());
    String raw = Files.readString(box.mailDir.resolve("alice"), StandardCharsets.UTF_8);
    assertTrue(
        raw.contains("Subject: hei \u4f60\u597d"), "the original's headers returned: " + raw);
  }
}
