package masq.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import masq.smtp.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * masq-smtpd end to end: the real launcher as a standalone server (--listen) or in inetd mode, with
 * Python's smtplib, swaks and raw sockets as clients.
 */
class SmtpdTest {
  @TempDir Path tmp;

  /** The one message in the queue (asserts there is exactly one). */
  private static String onlyId(Sandbox sb) throws IOException {
    List<String> ids = sb.queuedIds();
    assertEquals(1, ids.size(), "queued: " + ids);
    return ids.get(0);
  }

  @Test
  void smtplibDeliversAnEightBitBodyByteExact() throws Exception {
    Sandbox sb = new Sandbox(tmp, "");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      String script =
          """
          import smtplib, sys
          body = b"Subject: 8bit\\r\\nContent-Type: text/plain; charset=utf-8\\r\\n\\r\\nGr\\xc3\\xbc\\xc3\\x9fe \\xff\\xfe\\r\\n.leading dot\\r\\n\\r\\nlast line\\r\\n"
          s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="pc.python")
          code, ext = s.ehlo()
          assert b"8BITMIME" in ext and b"PIPELINING" in ext and b"ENHANCEDSTATUSCODES" in ext, ext
          r = s.sendmail("alice@pc.lan", ["bob@test.example"], body, mail_options=["BODY=8BITMIME"])
          assert r == {}, r
          s.quit()
          """;
      Sandbox.python(script, Integer.toString(srv.port)).expect(0);
      String id = onlyId(sb);
      byte[] stored = SpoolFiles.data(sb.spool.resolve("queue"), id);
      String text = new String(stored, StandardCharsets.ISO_8859_1);
      int blank = text.indexOf("\n\n");
      byte[] body = java.util.Arrays.copyOfRange(stored, blank + 2, stored.length);
      byte[] want = {
        'G',
        'r',
        (byte) 0xc3,
        (byte) 0xbc,
        (byte) 0xc3,
        (byte) 0x9f,
        'e',
        ' ',
        (byte) 0xff,
        (byte) 0xfe,
        '\n',
        '.',
        'l',
        'e',
        'a',
        'd',
        'i',
        'n',
        'g',
        ' ',
        'd',
        'o',
        't',
        '\n',
        '\n',
        'l',
        'a',
        's',
        't',
        ' ',
        'l',
        'i',
        'n',
        'e',
        '\n'
      };
      assertArrayEquals(want, body, text);
      assertTrue(
          text.startsWith("Received: from pc.python ([127.0.0.1])\n\tby test.example with ESMTP"),
          text);
      String env = sb.envelope(id);
      assertTrue(
          env.contains("protocol\tESMTP\n")
              && env.contains("client\t127.0.0.1\n")
              && env.contains("helo\tpc.python\n")
              && env.contains("sender\t<alice@pc.lan>\n"),
          env);
      assertTrue(env.contains("<bob@test.example>"), env);
      assertTrue(
          sb.log().contains(id + " <= alice@pc.lan") && sb.log().contains("host=127.0.0.1"),
          sb.log());
    }
  }

  @Test
  void swaksWithPipelining() throws Exception {
    Sandbox sb = new Sandbox(tmp, "");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      Sandbox.Run r =
          Sandbox.exec(
              List.of(
                  "swaks",
                  "--server",
                  "127.0.0.1:" + srv.port,
                  "--pipeline",
                  "--from",
                  "carol@pc.lan",
                  "--to",
                  "bob@test.example,dave@example.net",
                  "--helo",
                  "laptop.lan",
                  "--header",
                  "Subject: pipelined",
                  "--body",
                  "hello from swaks"),
              new byte[0],
              Map.of());
      r.expect(0);
      String id = onlyId(sb);
      assertTrue(sb.envelope(id).contains("<dave@example.net>"), "loopback may relay");
      assertTrue(sb.message(id).contains("Subject: pipelined"), sb.message(id));
      assertTrue(sb.message(id).contains("hello from swaks"));
    }
  }

  @Test
  void pipelinedCommandsAreAnsweredInOrder() throws Exception {
    Sandbox sb = new Sandbox(tmp, "relay_nets = 127.0.0.1/32\n");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq");
        SmtpPeer.Client c = new SmtpPeer.Client(srv.port, "127.0.0.2")) {
      c.reply();
      assertTrue(c.cmd("EHLO pipe").text().contains("PIPELINING"));
      // RFC 2920: a whole transaction in one write, then the data and the next ones
      c.send(
          "MAIL FROM:<a@pc.lan>\r\nRCPT TO:<far@example.net>\r\nRCPT TO:<bob@test.example>\r\n"
              + "RCPT TO:<carol@test.example>\r\nDATA\r\n");
      List<Integer> codes = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        codes.add(c.reply().code());
      }
      assertEquals(List.of(250, 554, 250, 250, 354), codes);
      c.send(
          "Subject: one\r\n\r\nfirst\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<bob@test.example>\r\nDATA\r\n");
      codes.clear();
      for (int i = 0; i < 4; i++) {
        codes.add(c.reply().code());
      }
      assertEquals(List.of(250, 250, 250, 354), codes);
      c.send("Subject: two\r\n\r\nsecond\r\n.\r\nRSET\r\nNOOP\r\nQUIT\r\n");
      codes.clear();
      for (int i = 0; i < 4; i++) {
        codes.add(c.reply().code());
      }
      assertEquals(List.of(250, 250, 250, 221), codes);
      assertTrue(c.closedByServer());
    }
    List<String> ids = sb.queuedIds();
    assertEquals(2, ids.size());
    assertTrue(sb.envelope(ids.get(0)).contains("<carol@test.example>"));
    assertTrue(sb.envelope(ids.get(1)).contains("sender\t<>\n"), sb.envelope(ids.get(1)));
  }

  @Test
  void starttlsWithSwaksAndSmtplib() throws Exception {
    Path[] ck = SmtpPeer.selfSignedCertificate(tmp);
    Sandbox sb =
        new Sandbox(
            tmp.resolve("sb"),
            "tls_cert_file = \"" + ck[0] + "\"\ntls_key_file = \"" + ck[1] + "\"\n");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      Sandbox.exec(
              List.of(
                  "swaks",
                  "--server",
                  "127.0.0.1:" + srv.port,
                  "--tls",
                  "--from",
                  "carol@pc.lan",
                  "--to",
                  "bob@test.example",
                  "--body",
                  "over tls"),
              new byte[0],
              Map.of())
          .expect(0);
      String script =
          """
          import smtplib, ssl, sys
          ctx = ssl.create_default_context(cafile=sys.argv[2])
          s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="pc.python")
          s.ehlo()
          assert s.has_extn("starttls")
          s.starttls(context=ctx)
          code, ext = s.ehlo()
          assert code == 250 and b"STARTTLS" not in ext, ext
          s.sendmail("alice@pc.lan", ["bob@test.example"], b"Subject: tls\\r\\n\\r\\nsecret\\r\\n")
          s.quit()
          """;
      Sandbox.python(script, Integer.toString(srv.port), ck[0].toString()).expect(0);
      assertEquals(2, sb.queuedIds().size());
    }
    // without a certificate STARTTLS is neither offered nor accepted
    Sandbox plain = new Sandbox(tmp.resolve("plain"), "");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(plain, Map.of(), "-odq");
        SmtpPeer.Client c = new SmtpPeer.Client(srv.port)) {
      c.reply();
      assertFalse(c.cmd("EHLO x").text().contains("STARTTLS"));
      assertEquals(502, c.cmd("STARTTLS").code());
    }
  }

  @Test
  void commandsPipelinedBeforeTheTlsHandshakeAreDiscarded() throws Exception {
    Path[] ck = SmtpPeer.selfSignedCertificate(tmp);
    Sandbox sb =
        new Sandbox(
            tmp.resolve("sb"),
            "tls_cert_file = \"" + ck[0] + "\"\ntls_key_file = \"" + ck[1] + "\"\n");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      // the injected MAIL would be answered inside TLS if it were kept
      String script =
          """
          import socket, ssl, sys
          s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
          f = s.makefile("rb")
          def reply():
              lines = []
              while True:
                  l = f.readline()
                  lines.append(l)
                  if l[3:4] != b"-":
                      return b"".join(lines)
          reply(); s.sendall(b"EHLO x\\r\\n"); reply()
          s.sendall(b"STARTTLS\\r\\nMAIL FROM:<evil@x.y>\\r\\n")
          assert reply().startswith(b"220")
          ctx = ssl.create_default_context(cafile=sys.argv[2])
          t = ctx.wrap_socket(s, server_hostname="test.example")
          t.sendall(b"MAIL FROM:<a@b.c>\\r\\n")
          r = t.recv(1000)
          assert r.startswith(b"503"), r  # no EHLO after TLS yet: the injected MAIL was not run
          """;
      Sandbox.python(script, Integer.toString(srv.port), ck[0].toString()).expect(0);
    }
  }

  @Test
  void clientSilentInTheTlsHandshakeIsDisconnected() throws Exception {
    // the watchdog does not see the handshake: the socket's own timeout must end it
    Path[] ck = SmtpPeer.selfSignedCertificate(tmp);
    Sandbox sb =
        new Sandbox(
            tmp.resolve("sb"),
            "smtp_timeout = 1s\ntls_cert_file = \""
                + ck[0]
                + "\"\ntls_key_file = \""
                + ck[1]
                + "\"\n");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      String script =
          """
          import socket, sys, time
          s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
          s.settimeout(30)
          f = s.makefile("rb")
          def reply():
              while True:
                  l = f.readline()
                  if l[3:4] != b"-":
                      return l
          reply(); s.sendall(b"EHLO x\\r\\n"); reply()
          s.sendall(b"STARTTLS\\r\\n")
          assert reply().startswith(b"220")
          t0 = time.monotonic()
          while s.recv(100):  # perhaps a TLS alert, then the close; a timeout here raises
              pass
          took = time.monotonic() - t0
          assert 0.5 < took < 15, took
          """;
      Sandbox.python(script, Integer.toString(srv.port)).expect(0);
      try (SmtpPeer.Client c = new SmtpPeer.Client(srv.port)) {
        assertEquals(220, c.reply().code()); // the server goes on
      }
    }
  }

  @Test
  void loadFromSmtpSource() throws Exception {
    Sandbox sb = new Sandbox(tmp, "");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      Sandbox.Run r =
          Sandbox.exec(
              List.of(
                  "smtp-source",
                  "-s",
                  "10",
                  "-m",
                  "2000",
                  "-f",
                  "load@pc.lan",
                  "-t",
                  "bob@test.example",
                  "127.0.0.1:" + srv.port),
              new byte[0],
              Map.of());
      r.expect(0);
      assertEquals("", r.stderr().strip());
      List<String> ids = sb.queuedIds();
      assertEquals(2000, ids.size());
      assertEquals(2000, new java.util.HashSet<>(ids).size());
      assertEquals(2000, sb.log().lines().filter(l -> l.contains(" <= load@pc.lan")).count());
      Sandbox.Run check = sb.run("", "masq-queue", "check");
      check.expect(0);
    }
  }

  /** SMTP smuggling: a fake end of data followed by a second message in the same DATA. */
  @ParameterizedTest
  @ValueSource(strings = {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n"})
  void smuggledEndOfDataIsNeverTaken(String fake) throws Exception {
    Sandbox sb = new Sandbox(tmp, "");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq");
        SmtpPeer.Client c = new SmtpPeer.Client(srv.port)) {
      c.startData();
      c.send(
          "Subject: first\r\n\r\nhello"
              + fake
              + "MAIL FROM:<admin@test.example>\r\n"
              + "RCPT TO:<victim@test.example>\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\n");
      Reply r = c.reply();
      assertEquals(554, r.code(), r.toString());
      assertEquals(250, c.cmd("NOOP").code(), "the smuggled commands were data, not commands");
      assertEquals(0, sb.queuedIds().size());
      // the session goes on normally
      c.cmd("MAIL FROM:<a@pc.lan>");
      c.cmd("RCPT TO:<bob@test.example>");
      c.cmd("DATA");
      c.send("Subject: fine\r\n\r\nok\r\n.\r\n");
      assertEquals(250, c.reply().code());
      assertFalse(sb.message(onlyId(sb)).contains("smuggled"));
    }
  }

  @Test
  void hostileCommandLines() throws Exception {
    Sandbox sb = new Sandbox(tmp, "");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      try (SmtpPeer.Client c = new SmtpPeer.Client(srv.port)) {
        c.reply();
        c.send("X".repeat(1 << 20) + "\r\n");
        Reply r = c.reply();
        assertEquals(500, r.code(), r.toString());
        assertTrue(r.text().contains("too long"));
        // out of order
        assertEquals(503, c.cmd("MAIL FROM:<a@pc.lan>").code(), "MAIL before EHLO");
        assertEquals(250, c.cmd("EHLO x").code());
        assertEquals(503, c.cmd("RCPT TO:<bob@test.example>").code(), "RCPT before MAIL");
        assertEquals(503, c.cmd("DATA").code(), "DATA before MAIL");
        assertEquals(250, c.cmd("MAIL FROM:<a@pc.lan>").code());
        assertEquals(503, c.cmd("MAIL FROM:<a@pc.lan>").code(), "nested MAIL");
        assertEquals(503, c.cmd("DATA").code(), "DATA without RCPT");
        assertEquals(501, c.cmd("RCPT TO:<bob>").code(), "unqualified");
        assertEquals(554, c.cmd("DATA").code(), "all recipients refused");
        assertEquals(501, c.cmd("RCPT TO:<bad address@x>").code());
        assertEquals(555, c.cmd("RCPT TO:<bob@test.example> XFOO=1").code(), "unknown parameter");
        assertEquals(250, c.cmd("RSET").code());
        assertEquals(252, c.cmd("VRFY bob").code());
        assertEquals(214, c.cmd("HELP").code());
        assertEquals(500, c.cmd("FOO").code());
      }
      // binary garbage: error replies, then 421 and the connection is closed
      try (SmtpPeer.Client c = new SmtpPeer.Client(srv.port)) {
        c.reply();
        byte[] junk = new byte[64 * 1024];
        new java.util.Random(42).nextBytes(junk);
        c.send(junk);
        int code;
        do {
          code = c.reply().code();
        } while (code == 500);
        assertEquals(421, code);
        assertTrue(c.closedByServer());
      }
      // the server is still there
      try (SmtpPeer.Client c = new SmtpPeer.Client(srv.port)) {
        assertEquals(220, c.reply().code());
        assertEquals(221, c.cmd("QUIT").code());
      }
      assertTrue(srv.process.isAlive());
      assertFalse(srv.output().contains("Exception"), srv.output());
    }
  }

  @Test
  void nulBytesAndAnUnwritableSpoolAreRefusedAndTheSessionGoesOn() throws Exception {
    Sandbox sb = new Sandbox(tmp, "");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq");
        SmtpPeer.Client c = new SmtpPeer.Client(srv.port)) {
      c.startData();
      c.send("Subject: nul\r\n\r\nbefore\0after\r\n.\r\n");
      Reply r = c.reply();
      assertEquals(554, r.code(), r.toString());
      assertTrue(r.text().contains("NUL"), r.toString());
      assertEquals(0, sb.queuedIds().size());
      // the spool's tmp/ made unusable while the server runs: 451, a temporary failure
      Path tmpDir = sb.spool.resolve("tmp");
      Files.delete(tmpDir);
      Files.writeString(tmpDir, "not a directory");
      c.cmd("MAIL FROM:<a@pc.lan>");
      c.cmd("RCPT TO:<bob@test.example>");
      c.cmd("DATA");
      c.send("Subject: later\r\n\r\nbody\r\n.\r\n");
      r = c.reply();
      assertEquals(451, r.code(), r.toString());
      assertTrue(r.text().startsWith("4.3.0"), r.toString());
      assertEquals(0, sb.queuedIds().size());
      Files.delete(tmpDir);
      Files.createDirectory(tmpDir);
      c.cmd("MAIL FROM:<a@pc.lan>");
      c.cmd("RCPT TO:<bob@test.example>");
      c.cmd("DATA");
      c.send("Subject: again\r\n\r\nbody\r\n.\r\n");
      assertEquals(250, c.reply().code());
      assertTrue(sb.message(onlyId(sb)).contains("Subject: again"));
    }
  }

  @Test
  void clientThatDiesMidDataLeavesNothing() throws Exception {
    Sandbox sb = new Sandbox(tmp, "");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      try (SmtpPeer.Client c = new SmtpPeer.Client(srv.port)) {
        c.startData();
        c.send("Subject: half\r\n\r\n" + "line of text\r\n".repeat(10_000));
      }
      // the server's log line says it has finished with the session
      Await.until(
          "the log line of the client gone mid-DATA",
          () -> sb.log().contains("went away in the middle of DATA"));
      assertEquals(0, sb.queuedIds().size());
      try (var s = Files.list(sb.spool.resolve("tmp"))) {
        assertEquals(0, s.count(), "nothing left in tmp/");
      }
      sb.run("", "masq-queue", "check").expect(0);
    }
  }

  @Test
  void idleClientIsDisconnectedWith421() throws Exception {
    Sandbox sb = new Sandbox(tmp, "smtp_timeout = 2s\n");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      try (SmtpPeer.Client c = new SmtpPeer.Client(srv.port)) {
        c.reply();
        c.cmd("EHLO x");
        long t0 = System.nanoTime();
        Reply r = c.reply();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(421, r.code());
        assertTrue(r.text().startsWith("4.4.2"), r.toString());
        assertTrue(ms >= 1500 && ms < 20_000, ms + " ms"); // smtp_timeout = 2s, not for ever
        assertTrue(c.closedByServer());
      }
      // stalled in the middle of DATA: 421 and nothing queued
      try (SmtpPeer.Client c = new SmtpPeer.Client(srv.port)) {
        c.startData();
        c.send("Subject: stalled\r\n\r\nsome");
        assertEquals(421, c.reply().code());
      }
      assertEquals(0, sb.queuedIds().size());
    }
  }

  @Test
  void limitsOnRecipientsAndSize() throws Exception {
    Sandbox sb = new Sandbox(tmp, "max_recipients = 3\nmax_msg_size = 2000\n");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq");
        SmtpPeer.Client c = new SmtpPeer.Client(srv.port)) {
      c.reply();
      assertTrue(c.cmd("EHLO x").text().contains("SIZE 2000"));
      assertEquals(552, c.cmd("MAIL FROM:<a@pc.lan> SIZE=5000").code());
      assertEquals(250, c.cmd("MAIL FROM:<a@pc.lan> SIZE=500").code());
      for (int i = 1; i <= 3; i++) {
        assertEquals(250, c.cmd("RCPT TO:<u" + i + "@test.example>").code());
      }
      Reply r = c.cmd("RCPT TO:<u4@test.example>");
      assertEquals(452, r.code());
      assertTrue(r.text().startsWith("4.5.3"), r.toString());
      c.cmd("DATA");
      c.send("Subject: small\r\n\r\nok\r\n.\r\n");
      assertEquals(250, c.reply().code());
      assertEquals(3, sb.envelope(onlyId(sb)).lines().filter(l -> l.startsWith("rcpt\t")).count());
      // too large in DATA (no SIZE= given): 552, nothing queued, session goes on
      c.cmd("MAIL FROM:<a@pc.lan>");
      c.cmd("RCPT TO:<u1@test.example>");
      c.cmd("DATA");
      c.send(
          "Subject: big\r\n\r\n"
              + "0123456789012345678901234567890123456789\r\n".repeat(100)
              + ".\r\n");
      r = c.reply();
      assertEquals(552, r.code());
      assertTrue(r.text().startsWith("5.3.4"), r.toString());
      assertEquals(1, sb.queuedIds().size());
      assertEquals(250, c.cmd("NOOP").code());
    }
  }

  @Test
  void relayingFromOutsideRelayNetsIsDenied() throws Exception {
    Sandbox sb = new Sandbox(tmp, "relay_nets = 127.0.0.1/32; ::1\n");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      try (SmtpPeer.Client c = new SmtpPeer.Client(srv.port, "127.0.0.2")) {
        c.reply();
        c.cmd("EHLO outsider");
        c.cmd("MAIL FROM:<a@pc.lan>");
        Reply r = c.cmd("RCPT TO:<someone@example.net>");
        assertEquals(554, r.code());
        assertTrue(r.text().startsWith("5.7.1"), r.toString());
        assertEquals(250, c.cmd("RCPT TO:<bob@test.example>").code(), "local mail from anyone");
        c.cmd("DATA");
        c.send("Subject: in\r\n\r\nhi\r\n.\r\n");
        assertEquals(250, c.reply().code());
      }
      assertTrue(sb.envelope(onlyId(sb)).contains("client\t127.0.0.2\n"));
      assertTrue(
          sb.log().contains("relaying to <someone@example.net> for 127.0.0.2 denied"), sb.log());
    }
    // relay_nets naming 127.0.0.2 lets it relay
    Sandbox open = new Sandbox(tmp.resolve("open"), "relay_nets = 127.0.0.2/32\n");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(open, Map.of(), "-odq");
        SmtpPeer.Client c = new SmtpPeer.Client(srv.port, "127.0.0.2")) {
      c.reply();
      c.cmd("EHLO outsider");
      c.cmd("MAIL FROM:<a@pc.lan>");
      assertEquals(250, c.cmd("RCPT TO:<someone@example.net>").code());
    }
  }
}
