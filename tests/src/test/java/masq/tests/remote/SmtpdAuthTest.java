package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.tests.Await;
import masq.tests.Sandbox;
import masq.tests.SmtpPeer;
import org.junit.jupiter.api.Test;

/**
 * SMTP AUTH on masq-smtpd (masq-smtpd(8)) with real clients: swaks (--auth PLAIN and LOGIN after
 * --tls) and Python's smtplib (SMTP with STARTTLS, SMTP_SSL on a --listen-smtps address), against
 * users written by {@code masq-smtpd --add-user}. The client (127.0.0.1) is outside relay_nets, so
 * it may relay only once logged in; relayed mail goes out over a permanent route to smtp-sink,
 * where its Received: line is read.
 */
class SmtpdAuthTest extends WithPeers {
  static final String PASSWORD = "s3cret pw!";

  Path[] cert;
  Path users;
  Path dump;

  /**
   * A sandbox with a certificate, smtp_auth_file, relay_nets that leave out loopback, a permanent
   * route to a fresh smtp-sink, and the user alice (written by --add-user, 1000 iterations).
   */
  Sandbox box() throws Exception {
    cert = SmtpPeer.selfSignedCertificate(tmp);
    users = tmp.resolve("users");
    int port = Peers.freePort();
    dump = peers.smtpSink("127.0.0.1", port);
    Path route = tmp.resolve("out.route");
    Files.writeString(route, "mail_host = 127.0.0.1:" + port + "\n");
    Sandbox sb =
        new Sandbox(
            tmp.resolve("box"),
            "tls_cert_file = \""
                + cert[0]
                + "\"\ntls_key_file = \""
                + cert[1]
                + "\"\nsmtp_auth_file = \""
                + users
                + "\"\nrelay_nets = 192.0.2.0/24\npermanent_routes = \""
                + route
                + "\"\n");
    sb.run(PASSWORD + "\n", "masq-smtpd", "--add-user", "alice", "--iterations", "1000").expect(0);
    return sb;
  }

  /**
   * Waits until the masq-deliver runs the server started have ended (they write to the spool and
   * the log after the mail reached the sink, and the temporary directory goes after the test).
   */
  static void awaitRunsOver(SmtpPeer.Listener srv) throws InterruptedException {
    Await.until(
        "the end of masq-smtpd's masq-deliver runs",
        () -> srv.process.descendants().findAny().isEmpty());
  }

  /** swaks with STARTTLS, as alice, with {@code extra}. */
  static Sandbox.Run swaks(int port, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("--tls", "--from", "alice@pc.lan"));
    cmd.addAll(List.of("--auth-user", "alice"));
    cmd.addAll(List.of(extra));
    return Peers.swaksTo(port, cmd.toArray(new String[0]));
  }

  @Test
  void swaksPlainAndLoginAfterStarttlsRelayAndTheReceivedLineSaysEsmtpsaAndTheLogin()
      throws Exception {
    Sandbox sb = box();
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of())) {
      swaks(
              srv.port,
              "--auth",
              "PLAIN",
              "--auth-password",
              PASSWORD,
              "--to",
              "anna@far.example",
              "--header",
              "Subject: via plain")
          .expect(0);
      swaks(
              srv.port,
              "--auth",
              "LOGIN",
              "--auth-password",
              PASSWORD,
              "--to",
              "bob@far.example",
              "--header",
              "Subject: via login")
          .expect(0);
      Peers.awaitDump(dump, "Subject: via plain", "X-Rcpt-Args: <anna@far.example>");
      Peers.awaitDump(dump, "Subject: via login", "X-Rcpt-Args: <bob@far.example>");
      awaitRunsOver(srv);
      for (String d : Peers.dumps(dump)) {
        String m = d.replace("\r\n", "\n");
        assertTrue(
            m.contains(
                "([127.0.0.1])\n\t(Authenticated sender: alice)\n\tby test.example with ESMTPSA"),
            m);
      }
      String log = sb.log();
      assertTrue(log.contains("127.0.0.1 authenticated as alice (PLAIN)"), log);
      assertTrue(log.contains("127.0.0.1 authenticated as alice (LOGIN)"), log);
      assertTrue(log.contains("with ESMTPSA auth=alice"), log);
    }
  }

  @Test
  void authIsOfferedOnlyAfterStarttlsAndRelayingNeedsIt() throws Exception {
    Sandbox sb = box();
    String script =
        """
        import base64, smtplib, ssl, sys
        ctx = ssl.create_default_context(cafile=sys.argv[2])
        s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="laptop.roaming")
        code, ext = s.ehlo()
        assert code == 250 and b"STARTTLS" in ext and b"AUTH" not in ext, ext
        plain = base64.b64encode(b"\\0alice\\0" + sys.argv[3].encode()).decode()
        code, msg = s.docmd("AUTH", "PLAIN " + plain)
        assert code == 538 and msg.startswith(b"5.7.11"), (code, msg)
        s.starttls(context=ctx)
        code, ext = s.ehlo()
        assert code == 250 and b"AUTH PLAIN LOGIN" in ext and b"STARTTLS" not in ext, ext
        s.mail("alice@pc.lan")
        code, msg = s.rcpt("anna@far.example")
        assert code == 554 and msg.startswith(b"5.7.1"), (code, msg)
        code, msg = s.rcpt("bob@test.example")
        assert code == 250, (code, msg)
        code, msg = s.docmd("AUTH", "PLAIN " + plain)
        assert code == 503, ("AUTH inside a transaction", code, msg)
        s.rset()
        code, msg = s.docmd("AUTH", "CRAM-MD5")
        assert code == 504, (code, msg)
        code, msg = s.docmd("AUTH", "PLAIN " + plain)
        assert code == 235 and msg.startswith(b"2.7.0"), (code, msg)
        code, msg = s.docmd("AUTH", "PLAIN " + plain)
        assert code == 503, ("a second AUTH", code, msg)
        r = s.sendmail("alice@pc.lan", ["anna@far.example"], b"Subject: relayed\\r\\n\\r\\nhi\\r\\n")
        assert r == {}, r
        s.quit()
        """;
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of())) {
      Sandbox.python(script, Integer.toString(srv.port), cert[0].toString(), PASSWORD).expect(0);
      Peers.awaitDump(dump, "Subject: relayed", "X-Rcpt-Args: <anna@far.example>");
      awaitRunsOver(srv);
      String m = Peers.all(dump).replace("\r\n", "\n");
      assertTrue(
          m.contains(
              "from laptop.roaming ([127.0.0.1])\n\t(Authenticated sender: alice)\n"
                  + "\tby test.example with ESMTPSA"),
          m);
      assertTrue(sb.log().contains("relaying to <anna@far.example> for 127.0.0.1 denied"));
    }
  }

  @Test
  void aWrongPasswordGets535AfterAPauseThatGrowsAndIsLoggedWithoutThePassword() throws Exception {
    Sandbox sb = box();
    String script =
        """
        import base64, smtplib, ssl, sys, time
        ctx = ssl.create_default_context(cafile=sys.argv[2])
        s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
        s.starttls(context=ctx)
        s.ehlo()
        wrong = base64.b64encode(b"\\0alice\\0not-the-password-42").decode()
        t = time.monotonic()
        code, msg = s.docmd("AUTH", "PLAIN " + wrong)
        first = time.monotonic() - t
        assert code == 535 and msg.startswith(b"5.7.8"), (code, msg)
        t = time.monotonic()
        code, msg = s.docmd("AUTH", "PLAIN " + wrong)
        second = time.monotonic() - t
        assert code == 535, (code, msg)
        nobody = base64.b64encode(b"\\0mallory\\0x").decode()
        code, msg = s.docmd("AUTH", "PLAIN " + nobody)
        assert code == 535, (code, msg)
        s.mail("alice@pc.lan")
        code, msg = s.rcpt("anna@far.example")
        assert code == 554, ("no relaying after failed logins", code, msg)
        s.quit()
        print(first, second)
        """;
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of())) {
      Sandbox.Run r =
          Sandbox.python(script, Integer.toString(srv.port), cert[0].toString()).expect(0);
      String[] t = r.out().strip().split(" ");
      assertTrue(Double.parseDouble(t[0]) >= 1.0, "first failure answered after " + t[0] + " s");
      assertTrue(Double.parseDouble(t[1]) >= 2.0, "second failure answered after " + t[1] + " s");
      Sandbox.Run sw =
          swaks(srv.port, "--auth", "LOGIN", "--auth-password", "wrong", "--to", "a@far.example");
      assertNotEquals(0, sw.exit(), sw.out());
      assertTrue(sw.out().contains("535 5.7.8"), sw.out());
      String log = sb.log();
      assertTrue(log.contains("PLAIN authentication failed for 127.0.0.1: user alice"), log);
      assertTrue(log.contains("PLAIN authentication failed for 127.0.0.1: user mallory"), log);
      assertTrue(log.contains("LOGIN authentication failed for 127.0.0.1: user alice"), log);
      assertFalse(log.contains("not-the-password-42"), log);
      assertEquals(List.of(), sb.queuedIds());
    }
  }

  @Test
  void smtpsListenerWithSmtplibSmtpSsl() throws Exception {
    Sandbox sb = box();
    int smtps = Peers.freePort();
    String script =
        """
        import smtplib, ssl, sys
        ctx = ssl.create_default_context(cafile=sys.argv[2])
        s = smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[1]), context=ctx)
        code, ext = s.ehlo()
        assert code == 250 and b"AUTH PLAIN LOGIN" in ext and b"STARTTLS" not in ext, ext
        s.login("alice", sys.argv[3])
        r = s.sendmail("alice@pc.lan", ["anna@far.example"], b"Subject: smtps\\r\\n\\r\\nhi\\r\\n")
        assert r == {}, r
        s.quit()
        """;
    try (SmtpPeer.Listener srv =
        new SmtpPeer.Listener(sb, Map.of(), "--listen-smtps", "127.0.0.1:" + smtps)) {
      Await.port("127.0.0.1", smtps, null);
      Sandbox.python(script, Integer.toString(smtps), cert[0].toString(), PASSWORD).expect(0);
      Peers.awaitDump(dump, "Subject: smtps", "X-Rcpt-Args: <anna@far.example>");
      awaitRunsOver(srv);
      assertTrue(
          Peers.all(dump)
              .replace("\r\n", "\n")
              .contains("(Authenticated sender: alice)\n\tby test.example with ESMTPSA"),
          Peers.all(dump));
    }
    // without a certificate there is no SMTPS
    Sandbox bare = new Sandbox(tmp.resolve("bare"), "");
    Sandbox.Run r = bare.run("", "masq-smtpd", "--listen-smtps", "127.0.0.1:" + smtps);
    assertEquals(78, r.exit(), r.stderr());
    assertTrue(r.stderr().startsWith("masq-smtpd: --listen-smtps needs tls_cert_file"), r.stderr());
  }

  @Test
  void addUserWritesTheDocumentedLineFromStdinReplacesItAndRefusesAPasswordInArgv()
      throws Exception {
    Sandbox sb = box();
    String alice = Files.readString(users);
    // the default iteration count, the password from stdin
    sb.run("first pw\n", "masq-smtpd", "--add-user", "bob").expect(0);
    List<String> lines = Files.readAllLines(users);
    assertEquals(2, lines.size(), lines.toString());
    assertEquals(alice.strip(), lines.get(0), "alice's line is kept as it was");
    String bob = lines.get(1);
    assertTrue(bob.matches("bob:pbkdf2-sha256:100000:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/]{43}="), bob);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
    // the line is PBKDF2-HMAC-SHA256 as any other implementation computes it
    String check =
        """
        import base64, hashlib, sys
        name, scheme, n, salt, want = sys.argv[1].split(":")
        got = hashlib.pbkdf2_hmac("sha256", sys.argv[2].encode(), base64.b64decode(salt), int(n))
        assert base64.b64encode(got).decode() == want
        """;
    Sandbox.python(check, bob, "first pw").expect(0);
    Sandbox.python(check, lines.get(0), PASSWORD).expect(0);
    // a new password replaces the line; the old one no longer logs in
    sb.run("second pw\n", "masq-smtpd", "--add-user", "bob", "--iterations", "1000").expect(0);
    lines = Files.readAllLines(users);
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(1).startsWith("bob:pbkdf2-sha256:1000:"), lines.toString());
    String login =
        """
        import smtplib, ssl, sys
        ctx = ssl.create_default_context(cafile=sys.argv[2])
        s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
        s.starttls(context=ctx)
        try:
            s.login("bob", "first pw")
            raise SystemExit("the old password still works")
        except smtplib.SMTPAuthenticationError as e:
            assert e.smtp_code == 535, e
        s.login("bob", "second pw")
        s.quit()
        """;
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of())) {
      Sandbox.python(login, Integer.toString(srv.port), cert[0].toString()).expect(0);
    }
    // a password on the command line is refused, and nothing changes
    String before = Files.readString(users);
    Sandbox.Run r = sb.run("", "masq-smtpd", "--add-user", "carol", "hunter2");
    assertEquals(64, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("never from the command line"), r.stderr());
    assertFalse(r.stderr().contains("Exception"), r.stderr());
    r = sb.run("", "masq-smtpd", "--add-user", "carol", "--password", "hunter2");
    assertEquals(64, r.exit(), r.stderr());
    r = sb.run("", "masq-smtpd", "--add-user", "carol");
    assertEquals(66, r.exit(), "no password on stdin: " + r.stderr());
    r = sb.run("x\n", "masq-smtpd", "--add-user", "car:ol");
    assertEquals(64, r.exit(), r.stderr());
    assertEquals(before, Files.readString(users));
    // without smtp_auth_file there is nowhere to write
    Sandbox none = new Sandbox(tmp.resolve("none"), "");
    r = none.run("pw\n", "masq-smtpd", "--add-user", "dave");
    assertEquals(78, r.exit(), r.stderr());
    assertTrue(r.stderr().startsWith("masq-smtpd: smtp_auth_file is not set"), r.stderr());
  }

  @Test
  void addUserAtATerminalAsksTwiceWithoutEcho() throws Exception {
    Sandbox sb = box();
    // a pseudo-terminal: argv is the two answers, the exit code wanted, then the command
    String driver =
        """
        import os, pty, sys
        first, second, want = sys.argv[1].encode(), sys.argv[2].encode(), int(sys.argv[3])
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(sys.argv[4], sys.argv[4:])
        out = b""
        def expect(s):
            global out
            while s not in out:
                d = os.read(fd, 1024)
                if not d:
                    raise SystemExit("EOF before %r: %r" % (s, out))
                out += d
        expect(b"Password for carol: ")
        os.write(fd, first + b"\\n")
        expect(b"Again: ")
        os.write(fd, second + b"\\n")
        try:
            while True:
                d = os.read(fd, 1024)
                if not d:
                    break
                out += d
        except OSError:
            pass
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == want, (status, out)
        assert first not in out and second not in out, ("echoed", out)
        """;
    String cmd = Sandbox.bin("masq-smtpd").toString();
    String conf = sb.conf.toString();
    Sandbox.python(driver, "tty pw 1", "tty pw 2", "65", cmd, "-C", conf, "--add-user", "carol")
        .expect(0);
    assertFalse(Files.readString(users).contains("carol:"), "two different answers change nothing");
    Sandbox.python(driver, "tty pw", "tty pw", "0", cmd, "-C", conf, "--add-user", "carol", "-v")
        .expect(0);
    String carol =
        Files.readAllLines(users).stream().filter(l -> l.startsWith("carol:")).findFirst().get();
    Sandbox.python(
            """
            import base64, hashlib, sys
            name, scheme, n, salt, want = sys.argv[1].split(":")
            got = hashlib.pbkdf2_hmac("sha256", b"tty pw", base64.b64decode(salt), int(n))
            assert base64.b64encode(got).decode() == want
            """,
            carol)
        .expect(0);
  }
}
