package masq.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DSN (RFC 3461) and SMTPUTF8 (RFC 6531) at masq-smtpd and masq-inject, end to end: Python's
 * smtplib and swaks as clients of the real masq-smtpd, the parameters checked in the spool, the
 * notices masq-deliver writes read back by Python's email parser, and UTF-8 addresses and headers
 * delivered byte for byte into a Maildir.
 *
 * <p>Debian's swaks (20201014) has no {@code --dsn-*} or SMTPUTF8 options; it writes what {@code
 * --from}/{@code --to} give between {@code <} and {@code >}, so a test passes parameters after the
 * address: the closing {@code >} then ends the last parameter's value (valid xtext).
 */
class SmtpdDsnTest {
  @TempDir Path tmp;

  static final String PY = "/usr/bin/python3";
  static final String NORDIC = "j\u00f8ran@ex.example";
  static final String CHINESE = "\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a";

  private static Sandbox.Run python(String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PY, "-c", script));
    cmd.addAll(List.of(args));
    return Sandbox.exec(cmd, new byte[0], Map.of());
  }

  /** Runs the Python {@code script} with the port of a masq-smtpd --listen -odq of {@code sb}. */
  private static void smtplib(Sandbox sb, String script, String... args) throws Exception {
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      List<String> a = new ArrayList<>(List.of(Integer.toString(srv.port)));
      a.addAll(List.of(args));
      python(script, a.toArray(String[]::new)).expect(0);
    }
  }

  /** A sandbox whose aliases loop (loop1 always fails) and whose local hosts are UTF-8 too. */
  private Sandbox sandbox(String extra) throws Exception {
    Path aliases = Files.writeString(tmp.resolve("aliases"), "loop1: loop2\nloop2: loop1\n");
    return new Sandbox(
        tmp.resolve("box"),
        "alias_file = \""
            + aliases
            + "\"\nlocal_hosts = \"test.example;ex.example;\u4f8b\u5b50.\u5e7f\u544a\"\n"
            + extra);
  }

  private static String envelopeOf(Sandbox sb, String subject) throws Exception {
    for (String id : sb.queuedIds()) {
      if (sb.message(id).contains("Subject: " + subject + "\n")) {
        return sb.envelope(id);
      }
    }
    throw new AssertionError("no message " + subject + " queued: " + sb.queuedIds());
  }

  @Test
  void smtplibDsnParametersAreKeptAndTheBounceCarriesThem() throws Exception {
    Sandbox sb = sandbox("");
    String script =
        """
        import smtplib, sys
        s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
        code, ext = s.ehlo()
        assert b"\\nDSN" in ext and b"SMTPUTF8" in ext, ext
        s.mail("alice@test.example", ["RET=HDRS", "ENVID=QQ314159+2Bx"])
        r = s.rcpt("loop1@test.example", ["NOTIFY=FAILURE,DELAY", "ORCPT=rfc822;old+2Bloop@old.example"])
        assert r[0] == 250, r
        r = s.rcpt("bob@test.example", ["NOTIFY=SUCCESS"])
        assert r[0] == 250, r
        r = s.data(b"Subject: one\\r\\n\\r\\nthe body\\r\\n")
        assert r[0] == 250, r
        r = s.sendmail("carol@test.example", ["loop1@test.example"], b"Subject: never\\r\\n\\r\\nx\\r\\n",
                       rcpt_options=["NOTIFY=NEVER"])
        assert r == {}, r
        s.quit()
        """;
    smtplib(sb, script);
    String env = envelopeOf(sb, "one");
    assertTrue(env.contains("\nret\tHDRS\nenvid\tQQ314159+x\n"), env);
    assertTrue(
        env.contains(
            "rcpt\tP\t0\t0\t<loop1@test.example>\t\t\tFAILURE,DELAY\trfc822;old+loop@old.example\n"),
        env);
    assertTrue(env.contains("rcpt\tP\t0\t0\t<bob@test.example>\t\t\tSUCCESS\t\n"), env);
    assertTrue(envelopeOf(sb, "never").contains("<loop1@test.example>\t\t\tNEVER\t\n"));

    sb.run("", "masq-deliver").expect(0);
    // alice: one bounce (loop1) and one success report (bob); carol (NOTIFY=NEVER): nothing
    assertFalse(Files.exists(sb.mailDir.resolve("carol")), "NOTIFY=NEVER: no bounce; " + sb.log());
    assertTrue(sb.log().contains(" no bounce sent: NOTIFY does not ask for it"), sb.log());
    List<MimeCheck.Report> rs = MimeCheck.python("mbox", sb.mailDir.resolve("alice"));
    assertEquals(2, rs.size(), sb.log());
    MimeCheck.Report failure = null;
    MimeCheck.Report success = null;
    for (MimeCheck.Report r : rs) {
      assertEquals(List.of(), r.problems());
      String type = r.headers().get("Content-Type").replace("\"", ""); // Python quotes it
      assertTrue(
          type.startsWith("multipart/report;") && type.contains("report-type=delivery-status;"),
          type);
      if (r.statusFields().contains("Action: failed")) {
        failure = r;
      } else {
        success = r;
      }
    }
    assertTrue(failure != null && success != null, rs.toString());
    assertTrue(
        failure.statusFields().contains("Original-Envelope-Id: QQ314159+x"), failure.toString());
    assertTrue(
        failure.statusFields().contains("Original-Recipient: rfc822; old+loop@old.example"),
        failure.toString());
    assertTrue(
        failure.statusFields().contains("Final-Recipient: rfc822; loop1@test.example"),
        failure.toString());
    // RET=HDRS: the headers only, although the bounce template would return the whole message
    assertEquals(MimeCheck.HEADERS_ONLY_NOTICE, failure.parts());
    assertTrue(success.statusFields().contains("Action: delivered"), success.toString());
    assertTrue(success.statusFields().contains("Status: 2.0.0"), success.toString());
    assertTrue(success.statusFields().contains("Original-Envelope-Id: QQ314159+x"));
    assertTrue(
        success.statusFields().contains("Final-Recipient: rfc822; bob@test.example"),
        success.toString());
    assertFalse(
        success.statusFields().stream().anyMatch(f -> f.contains("loop1")),
        "only bob asked for SUCCESS: " + success);
    assertTrue(Files.exists(sb.mailDir.resolve("bob")), "bob got the message");
    assertEquals(List.of(), sb.queuedIds(), "all done: " + sb.log());
  }

  @Test
  void notifyWithoutDelayGetsNoWarningAndDefaultsStillWarn() throws Exception {
    // a remote recipient and a route that defers: warnings after warn_intervals 0s
    int port = SmtpPeer.freePort(); // nothing listens: connection refused, deferred
    Path route =
        Files.writeString(tmp.resolve("isp.route"), "mail_host = 127.0.0.1:" + port + "\n");
    Sandbox sb =
        sandbox(
            "permanent_routes = \"" + route + "\"\nwarn_intervals = \"1s\"\nmax_defer_time = 1d\n");
    String script =
        """
        import smtplib, sys
        s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
        s.sendmail("alice@test.example", ["far@far.example"], b"Subject: nodelay\\r\\n\\r\\nx\\r\\n",
                   rcpt_options=["NOTIFY=FAILURE"])
        s.sendmail("dora@test.example", ["far@far.example"], b"Subject: default\\r\\n\\r\\nx\\r\\n")
        s.quit()
        """;
    smtplib(sb, script);
    // each round makes the messages older than the interval (a run masq-smtpd started may still
    // write its own envelope over that)
    Await.until(
        "no NOTIFY: warned",
        () -> {
          for (String id : sb.queuedIds()) {
            sb.backdate(id, 1100);
          }
          sb.run("", "masq-deliver").expect(0);
          return Files.exists(sb.mailDir.resolve("dora"));
        });
    MimeCheck.Report w = MimeCheck.clean("mbox", sb.mailDir.resolve("dora"));
    assertTrue(w.statusFields().contains("Action: delayed"), w.toString());
    assertFalse(Files.exists(sb.mailDir.resolve("alice")), "NOTIFY=FAILURE: no warning");
    assertTrue(sb.log().contains(" no warning sent: NOTIFY does not ask for it"), sb.log());
  }

  @Test
  void badDsnParametersAre501WithAnEnhancedCode() throws Exception {
    Sandbox sb = sandbox("");
    String script =
        """
        import smtplib, sys
        s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
        s.ehlo()
        def mail(params):
            r = s.docmd("MAIL FROM:<a@test.example> " + params)
            s.rset()
            return r
        for p in ["RET=ALL", "RET=FULL RET=HDRS", "ENVID=a=b", "ENVID=a+2", "ENVID=" + "x" * 101,
                  "ENVID=+0A"]:
            code, text = mail(p)
            assert code == 501 and text.startswith(b"5.5.4 "), (p, code, text)
        code, text = mail("FOO=1")
        assert code == 555, (code, text)
        s.docmd("MAIL FROM:<a@test.example>")
        for p in ["NOTIFY=BOGUS", "NOTIFY=NEVER,SUCCESS", "NOTIFY=SUCCESS,SUCCESS", "NOTIFY=",
                  "ORCPT=nosemicolon", "ORCPT=rfc822;a=b", "ORCPT=;x@y", "ORCPT=rfc822;+0Ax",
                  "NOTIFY=DELAY NOTIFY=DELAY"]:
            code, text = s.docmd("RCPT TO:<b@test.example> " + p)
            assert code == 501 and text.startswith(b"5.5.4 "), (p, code, text)
        code, text = s.docmd("RCPT TO:<b@test.example> notify=delay,failure orcpt=RFC822;b@x")
        assert code == 250, (code, text)
        s.quit()
        """;
    smtplib(sb, script);
  }

  /** Runs swaks against {@code server} with {@code args}. */
  private static Sandbox.Run swaks(String server, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("swaks", "--server", server));
    cmd.addAll(List.of(args));
    return Sandbox.exec(cmd, new byte[0], Map.of());
  }

  @Test
  void swaksPassesDsnParametersAndUtf8NeedsSmtputf8() throws Exception {
    Sandbox sb = sandbox("");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      String server = "127.0.0.1:" + srv.port;
      // without SMTPUTF8 a UTF-8 address is refused (RFC 6531 section 3.5)
      Sandbox.Run r =
          swaks(server, "--from", "alice@test.example", "--to", NORDIC, "--quit-after", "RCPT");
      assertTrue(r.out().contains("<** 553 5.6.7 "), r.out());
      r = swaks(server, "--from", NORDIC, "--to", "bob@test.example", "--quit-after", "MAIL");
      assertTrue(r.out().contains("<** 553 5.6.7 "), r.out());
      // with it, and DSN parameters
      swaks(
              server,
              "--from",
              NORDIC + "> SMTPUTF8 RET=FULL ENVID=swaks",
              "--to",
              CHINESE + "> NOTIFY=NEVER ORCPT=utf-8;\\x{7528}\\x{6237}@old.example",
              "--header",
              "Subject: swaks",
              "--body",
              "hello")
          .expect(0);
    }
    String env = envelopeOf(sb, "swaks");
    assertTrue(env.contains("\nsender\t<" + NORDIC + ">\n"), env);
    assertTrue(env.contains("\nprotocol\tUTF8SMTP\n"), env);
    assertTrue(env.contains("\nret\tFULL\nenvid\tswaks>\nsmtputf8\t1\n"), env);
    assertTrue(
        env.contains(
            "rcpt\tP\t0\t0\t<" + CHINESE + ">\t\t\tNEVER\tutf-8;\u7528\u6237@old.example>\n"),
        env);
  }

  @Test
  void utf8AddressesAndHeadersReachAMaildirByteForByte() throws Exception {
    Sandbox sb = sandbox("mbox_default = maildir\n");
    byte[] message =
        ("From: J\u00f8ran <"
                + NORDIC
                + ">\r\nTo: \u674e\u56db <"
                + CHINESE
                + ">\r\nSubject: hei p\u00e5 deg \u4f60\u597d\r\n\r\nbody \u00f8\r\n")
            .getBytes(StandardCharsets.UTF_8);
    Path msg = Files.write(tmp.resolve("msg"), message);
    String script =
        """
        import smtplib, sys
        s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
        data = open(sys.argv[2], "rb").read()
        r = s.sendmail(sys.argv[3], [sys.argv[4], sys.argv[3]], data,
                       mail_options=["SMTPUTF8", "BODY=8BITMIME"])
        assert r == {}, r
        s.quit()
        """;
    smtplib(sb, script, msg.toString(), NORDIC, CHINESE);
    sb.run("", "masq-deliver").expect(0);
    byte[] want =
        new String(message, StandardCharsets.UTF_8)
            .replace("\r\n", "\n")
            .getBytes(StandardCharsets.UTF_8);
    for (String user : List.of("j\u00f8ran", "\u7528\u6237")) {
      Path dir = sb.mailDir.resolve(user).resolve("new");
      List<Path> files;
      try (var s = Files.list(dir)) {
        files = s.toList();
      }
      assertEquals(1, files.size(), "one message in " + dir + "; " + sb.log());
      byte[] got = Files.readAllBytes(files.get(0));
      String text = new String(got, StandardCharsets.UTF_8);
      assertTrue(text.contains("Return-path: <" + NORDIC + ">\n"), text);
      assertTrue(text.contains("by test.example with UTF8SMTP"), text);
      // the client's header section and body, as they came (CRLF stored as LF)
      int from = text.indexOf("From: J");
      int end = text.indexOf("\nDate: ");
      byte[] head = text.substring(from, end + 1).getBytes(StandardCharsets.UTF_8);
      byte[] wantHead =
          new String(want, StandardCharsets.UTF_8)
              .split("\n\n")[0]
              .concat("\n")
              .getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(wantHead, head, text);
      assertTrue(text.endsWith("\n\nbody \u00f8\n"), text);
    }
  }

  @Test
  void injectTakesDsnOptionsAndUtf8Addresses() throws Exception {
    Sandbox sb = sandbox("");
    sb.run(
            "Subject: inj\n\nx\n",
            "masq-inject",
            "-odq",
            "-N",
            "success,Delay",
            "-R",
            "hdrs",
            "-Vmy-envelope-1",
            CHINESE,
            "bob@test.example")
        .expect(0);
    String env = envelopeOf(sb, "inj");
    assertTrue(env.contains("\nret\tHDRS\nenvid\tmy-envelope-1\nsmtputf8\t1\n"), env);
    assertTrue(env.contains("<" + CHINESE + ">\t\t\tSUCCESS,DELAY\t\n"), env);
    assertTrue(env.contains("<bob@test.example>\t\t\tSUCCESS,DELAY\t\n"), env);
    for (String[] bad :
        List.of(
            new String[] {"-N", "never,success"},
            new String[] {"-N", "sometimes"},
            new String[] {"-R", "all"},
            new String[] {"-V", "tab\there"})) {
      Sandbox.Run r = sb.run("Subject: x\n\nx\n", "masq-inject", bad[0], bad[1], "bob");
      r.expect(64);
      assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
      assertTrue(r.stderr().startsWith("masq-inject: "), r.stderr());
    }
    // -N never: the failure is not bounced
    sb.run("Subject: quiet\n\nx\n", "masq-inject", "-N", "never", "loop1").expect(0);
    assertFalse(Files.exists(sb.mailDir.resolve(System.getProperty("user.name"))), sb.log());
    assertTrue(sb.log().contains(" no bounce sent: NOTIFY does not ask for it"), sb.log());
  }
}
