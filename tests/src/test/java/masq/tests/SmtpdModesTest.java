package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import masq.smtp.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * masq-smtpd's process life: inetd mode (socat, pipes, the client address from the socket or the
 * environment), graceful SIGTERM, kill -9 under load, immediate delivery, start-up errors.
 */
class SmtpdModesTest {
  @TempDir Path tmp;

  private static final String SESSION =
      "EHLO pc.lan\r\nMAIL FROM:<a@pc.lan>\r\nRCPT TO:<bob@test.example>\r\n"
          + "RCPT TO:<far@example.net>\r\nDATA\r\nSubject: inetd\r\n\r\nbody\r\n.\r\nQUIT\r\n";

  /** Runs SESSION from {@code from}; returns the reply codes. */
  private static List<Integer> session(int port, String from) throws IOException {
    List<Integer> codes = new ArrayList<>();
    try (SmtpPeer.Client c = new SmtpPeer.Client(port, from)) {
      codes.add(c.reply().code());
      for (String line : SESSION.split("\r\n")) {
        if (line.equals("DATA")) {
          codes.add(c.cmd("DATA").code());
          c.send("Subject: inetd\r\n\r\nbody\r\n.\r\n");
          codes.add(c.reply().code());
          continue;
        }
        if (line.startsWith("Subject")
            || line.isEmpty()
            || line.equals("body")
            || line.equals(".")) {
          continue;
        }
        codes.add(c.cmd(line).code());
      }
    }
    return codes;
  }

  @Test
  void nothingButSmtpReachesAClientWhoseSocketIsAlsoStderr() throws Exception {
    // classic inetd hands the connection over as descriptors 0, 1 and 2: a configuration warning
    // (here an unknown option) or -v output on stderr would reach the client before the greeting
    Sandbox sb = new Sandbox(tmp, "relay_nets = 127.0.0.1/32\nfrobnicate = 1\n");
    int port = SmtpPeer.freePort();
    Process socat =
        SmtpPeer.socat(
            sb,
            port,
            "EXEC:" + Sandbox.bin("masq-smtpd") + " -v -C " + sb.conf + " -odq,nofork,stderr");
    try {
      try (Socket s = new Socket("127.0.0.1", port)) {
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        String first = in.readLine();
        assertTrue(first.startsWith("220 "), "first line the client reads: " + first);
      }
      assertEquals(List.of(220, 250, 250, 250, 250, 354, 250, 221), session(port, "127.0.0.1"));
    } finally {
      SmtpPeer.stop(socat);
    }
    assertEquals(1, sb.queuedIds().size());
  }

  @Test
  void inetdModeWithTheClientAddressFromTheEnvironment() throws Exception {
    Sandbox sb = new Sandbox(tmp, "relay_nets = 127.0.0.1/32\n");
    int port = SmtpPeer.freePort();
    // as tcpserver does: the client address in TCPREMOTEIP, the session on a socketpair
    Process socat =
        SmtpPeer.socat(
            sb,
            port,
            "SYSTEM:TCPREMOTEIP=$SOCAT_PEERADDR exec "
                + Sandbox.bin("masq-smtpd")
                + " -C "
                + sb.conf
                + " -odq");
    try {
      assertEquals(List.of(220, 250, 250, 250, 250, 354, 250, 221), session(port, "127.0.0.1"));
      assertEquals(
          List.of(220, 250, 250, 250, 554, 354, 250, 221),
          session(port, "127.0.0.2"),
          "127.0.0.2 is outside relay_nets");
    } finally {
      SmtpPeer.stop(socat);
    }
    List<String> ids = sb.queuedIds();
    assertEquals(2, ids.size());
    assertTrue(sb.envelope(ids.get(0)).contains("client\t127.0.0.1\n"));
    assertTrue(sb.envelope(ids.get(1)).contains("client\t127.0.0.2\n"));
    assertFalse(sb.envelope(ids.get(1)).contains("far@example.net"));
    assertTrue(
        sb.message(ids.get(1)).startsWith("Received: from pc.lan ([127.0.0.2])\n"),
        sb.message(ids.get(1)));
  }

  @Test
  void inetdModeOnAnInheritedSocket() throws Exception {
    Path[] ck = SmtpPeer.selfSignedCertificate(tmp);
    Path cert = ck[0];
    Path key = ck[1];
    Sandbox sb =
        new Sandbox(
            tmp.resolve("sb"),
            "relay_nets = 127.0.0.1/32\ntls_cert_file = \""
                + cert
                + "\"\ntls_key_file = \""
                + key
                + "\"\n");
    int port = SmtpPeer.freePort();
    // nofork: masq-smtpd gets the TCP socket itself on stdin/stdout, as from inetd or systemd
    Process socat =
        SmtpPeer.socat(
            sb, port, "EXEC:" + Sandbox.bin("masq-smtpd") + " -C " + sb.conf + " -odq,nofork");
    try {
      assertEquals(List.of(220, 250, 250, 250, 554, 354, 250, 221), session(port, "127.0.0.2"));
      // STARTTLS works on the inherited socket too
      Sandbox.Run r =
          Sandbox.exec(
              List.of(
                  "swaks",
                  "--server",
                  "127.0.0.1:" + port,
                  "--tls",
                  "--from",
                  "carol@pc.lan",
                  "--to",
                  "bob@test.example",
                  "--body",
                  "tls in inetd mode"),
              new byte[0],
              Map.of());
      r.expect(0);
      assertTrue(r.out().contains("TLS started"), r.out());
    } finally {
      SmtpPeer.stop(socat);
    }
    assertTrue(sb.envelope(sb.queuedIds().get(0)).contains("client\t127.0.0.2\n"));
    assertEquals(2, sb.queuedIds().size());
  }

  @Test
  void inetdModeOnAPipeIsALocalClientUnlessTheEnvironmentSaysOtherwise() throws Exception {
    Sandbox sb = new Sandbox(tmp, "");
    Sandbox.Run r = sb.run(SESSION, "masq-smtpd", "-odq").expect(0);
    assertTrue(r.out().contains("250 2.1.5 recipient <far@example.net> OK"), r.out());
    assertTrue(r.out().startsWith("220 test.example ESMTP"), r.out());
    assertTrue(r.out().endsWith("221 2.0.0 test.example closing connection\r\n"), r.out());
    assertEquals("", r.stderr());
    String id = sb.queuedIds().get(0);
    assertTrue(sb.message(id).startsWith("Received: by test.example (masq"), sb.message(id));
    assertTrue(sb.envelope(id).contains("ident\t"));

    Sandbox remote = new Sandbox(tmp.resolve("remote"), "");
    List<String> cmd =
        List.of(Sandbox.bin("masq-smtpd").toString(), "-C", remote.conf.toString(), "-odq");
    Sandbox.Run r2 =
        Sandbox.exec(
            cmd, SESSION.getBytes(StandardCharsets.US_ASCII), Map.of("REMOTE_HOST", "192.0.2.7"));
    r2.expect(0);
    assertTrue(r2.out().contains("554 5.7.1 relaying to <far@example.net> denied"), r2.out());
    assertTrue(remote.envelope(remote.queuedIds().get(0)).contains("client\t192.0.2.7\n"));
  }

  @Test
  void inetdSessionDatesInTheLocalZone() throws Exception {
    // an inetd session takes the zone's offset at its start (not its rules): still local time
    Sandbox sb = new Sandbox(tmp, "");
    List<String> cmd =
        List.of(Sandbox.bin("masq-smtpd").toString(), "-C", sb.conf.toString(), "-odq");
    java.time.Instant before = java.time.Instant.now();
    Sandbox.exec(cmd, SESSION.getBytes(StandardCharsets.US_ASCII), Map.of("TZ", "America/St_Johns"))
        .expect(0);
    java.time.ZoneId zone = java.time.ZoneId.of("America/St_Johns"); // -0330 or -0230 (DST)
    java.util.Set<String> offsets = new java.util.HashSet<>();
    for (java.time.Instant t : List.of(before, java.time.Instant.now())) {
      int m = zone.getRules().getOffset(t).getTotalSeconds() / 60;
      offsets.add(
          String.format("%s%02d%02d", m < 0 ? "-" : "+", Math.abs(m) / 60, Math.abs(m) % 60));
    }
    String msg = sb.message(sb.queuedIds().get(0));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\AReceived: [^;]*; \\w{3}, [^\\n]* ([+-][0-9]{4})\\n")
            .matcher(msg);
    assertTrue(m.find(), msg);
    assertTrue(offsets.contains(m.group(1)), m.group() + " not in " + offsets);
  }

  @Test
  void inetdIdleTimeoutOnAPipe() throws Exception {
    Sandbox sb = new Sandbox(tmp, "smtp_timeout = 1s\n");
    ProcessBuilder pb =
        new ProcessBuilder(Sandbox.bin("masq-smtpd").toString(), "-C", sb.conf.toString());
    Process p = pb.start();
    p.getOutputStream().write("EHLO x\r\n".getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().flush();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "still running after the timeout");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertTrue(out.contains("\r\n421 4.4.2 test.example timeout"), out);
    p.getOutputStream().close();
  }

  @Test
  void sigtermLetsAMessageInProgressFinishAndSays421ToIdleClients() throws Exception {
    Sandbox sb = new Sandbox(tmp, "");
    SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq");
    try (srv;
        SmtpPeer.Client busy = new SmtpPeer.Client(srv.port);
        SmtpPeer.Client idle = new SmtpPeer.Client(srv.port)) {
      assertTrue(Files.readString(srv.pidFile).strip().equals(Long.toString(srv.process.pid())));
      busy.reply();
      idle.reply();
      idle.cmd("EHLO idle");
      busy.cmd("EHLO busy");
      busy.cmd("MAIL FROM:<a@pc.lan>");
      busy.cmd("RCPT TO:<bob@test.example>");
      busy.cmd("DATA");
      busy.send("Subject: in flight\r\n\r\nfirst half\r\n");
      srv.process.destroy(); // SIGTERM
      Reply r = idle.reply();
      assertEquals(421, r.code(), r.toString());
      // stopping has begun (the idle client got its 421); the message in progress still goes in
      busy.send("second half\r\n.\r\n");
      assertEquals(250, busy.reply().code(), "waits for the message in progress");
      assertEquals(421, busy.cmd("NOOP").code());
      assertTrue(srv.process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, srv.process.exitValue());
      assertFalse(Files.exists(srv.pidFile), "pid file removed");
    }
    assertTrue(sb.message(sb.queuedIds().get(0)).contains("first half\nsecond half\n"));
    assertTrue(sb.log().contains("smtpd: stopped"), sb.log());
  }

  @Test
  void killNineUnderLoadLosesNoAcknowledgedMessage() throws Exception {
    Sandbox sb = new Sandbox(tmp, "");
    SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq");
    Path acks = tmp.resolve("acks");
    // ten clients send messages with unique tokens and record each 250 with its queue ID
    String script =
        """
        import socket, sys, threading, time
        port = int(sys.argv[1]); out = open(sys.argv[2], "w"); lock = threading.Lock()
        def client(n):
            try:
                s = socket.create_connection(("127.0.0.1", port)); f = s.makefile("rb")
                def reply():
                    while True:
                        l = f.readline()
                        if not l: raise EOFError
                        if l[3:4] != b"-": return l
                reply(); s.sendall(b"EHLO c%d\\r\\n" % n); reply()
                for i in range(100000):
                    tok = "tok-%d-%d" % (n, i)
                    s.sendall(b"MAIL FROM:<a@pc.lan>\\r\\nRCPT TO:<bob@test.example>\\r\\nDATA\\r\\n")
                    reply(); reply(); reply()
                    s.sendall(("Subject: %s\\r\\n\\r\\n%s\\r\\n" % (tok, tok)).encode() + (b"x" * 60 + b"\\r\\n") * 50 + b".\\r\\n")
                    r = reply()
                    if r.startswith(b"250"):
                        with lock:
                            out.write("%s %s\\n" % (r.split(b"id=")[1].strip().decode(), tok)); out.flush()
            except Exception:
                pass
        ts = [threading.Thread(target=client, args=(n,)) for n in range(10)]
        [t.start() for t in ts]; [t.join(60) for t in ts]
        """;
    Process py =
        new ProcessBuilder(
                Sandbox.PYTHON, "-c", script, Integer.toString(srv.port), acks.toString())
            .redirectErrorStream(true)
            .start();
    // under load: once the clients have had a good many messages acknowledged
    Await.until(
        "more than 20 acknowledged messages",
        () -> Files.exists(acks) && Files.readAllLines(acks).size() > 20);
    srv.process.destroyForcibly(); // SIGKILL
    srv.process.waitFor();
    assertTrue(py.waitFor(60, TimeUnit.SECONDS));
    List<String> lines = Files.readAllLines(acks);
    assertTrue(lines.size() > 20, "only " + lines.size() + " messages acknowledged");
    for (String l : lines) {
      String[] f = l.split(" ");
      String msg = sb.message(f[0]);
      assertTrue(
          msg.contains("Subject: " + f[1] + "\n")
              && msg.endsWith("\n\n" + f[1] + "\n" + ("x".repeat(60) + "\n").repeat(50)),
          "message " + f[0] + " intact");
      String env = sb.envelope(f[0]);
      assertTrue(
          env.endsWith("end\n")
              && env.contains("size\t" + msg.getBytes(StandardCharsets.ISO_8859_1).length + "\n"),
          env);
    }
    Sandbox.Run check = sb.run("", "masq-queue", "check", "--repair");
    assertTrue(check.exit() == 0 || check.exit() == 1, check.stderr());
    for (String l : lines) {
      assertTrue(
          sb.queuedIds().contains(l.split(" ")[0]), "acknowledged message survives check --repair");
    }
    srv.close();
  }

  @Test
  void immediateDeliveryStartsMasqDeliverUnlessQueueOnly() throws Exception {
    Path fakeBin = tmp.resolve("fakebin");
    Files.createDirectories(fakeBin);
    Path calls = tmp.resolve("calls");
    Path deliver = fakeBin.resolve("masq-deliver");
    Files.writeString(deliver, "#!/bin/sh\necho \"$*\" >> " + calls + "\n");
    deliver.toFile().setExecutable(true);
    Sandbox sb = new Sandbox(tmp.resolve("sb"), "");
    List<String> cmd = List.of(Sandbox.bin("masq-smtpd").toString(), "-C", sb.conf.toString());
    Sandbox.exec(
            cmd,
            SESSION.getBytes(StandardCharsets.US_ASCII),
            Map.of("MASQ_BIN", fakeBin.toString()))
        .expect(0);
    String id = sb.queuedIds().get(0);
    Await.until("masq-smtpd's masq-deliver --id", () -> Files.exists(calls));
    assertEquals("-C " + sb.conf + " --id " + id, Files.readString(calls).strip());

    Files.delete(calls);
    List<String> q =
        List.of(Sandbox.bin("masq-smtpd").toString(), "-C", sb.conf.toString(), "-odq");
    Sandbox.exec(
            q, SESSION.getBytes(StandardCharsets.US_ASCII), Map.of("MASQ_BIN", fakeBin.toString()))
        .expect(0);
    Sandbox dq = new Sandbox(tmp.resolve("dq"), "do_queue = true\n");
    Sandbox.exec(
            List.of(Sandbox.bin("masq-smtpd").toString(), "-C", dq.conf.toString()),
            SESSION.getBytes(StandardCharsets.US_ASCII),
            Map.of("MASQ_BIN", fakeBin.toString()))
        .expect(0);
    // a session without either, afterwards: once its masq-deliver has been started, the two
    // before it would have left their lines too
    Sandbox ctl = new Sandbox(tmp.resolve("ctl"), "");
    Sandbox.exec(
            List.of(Sandbox.bin("masq-smtpd").toString(), "-C", ctl.conf.toString()),
            SESSION.getBytes(StandardCharsets.US_ASCII),
            Map.of("MASQ_BIN", fakeBin.toString()))
        .expect(0);
    Await.until("the masq-deliver of the session without -odq", () -> Files.exists(calls));
    assertEquals(
        "-C " + ctl.conf + " --id " + ctl.queuedIds().get(0),
        Files.readString(calls).strip(),
        "no delivery with -odq or do_queue");

    // no masq-deliver at all: logged once, the mail stays queued
    Path empty = tmp.resolve("emptybin");
    Files.createDirectories(empty);
    Sandbox none = new Sandbox(tmp.resolve("none"), "");
    Sandbox.exec(
            List.of(Sandbox.bin("masq-smtpd").toString(), "-C", none.conf.toString()),
            SESSION.getBytes(StandardCharsets.US_ASCII),
            Map.of("MASQ_BIN", empty.toString()))
        .expect(0);
    assertEquals(1, none.queuedIds().size());
    assertTrue(none.log().contains("masq-deliver not found"), none.log());
  }

  @Test
  void startUpErrorsAreOneLineAndAnExitCode() throws Exception {
    Sandbox sb = new Sandbox(tmp, "relay_nets = 10.0.0.0/99\n");
    Sandbox.Run r = sb.run(SESSION, "masq-smtpd").expect(78);
    assertTrue(r.out().startsWith("421 4.3.0"), r.out());
    assertEquals(1, r.stderr().lines().count(), r.stderr());
    assertTrue(r.stderr().startsWith("masq-smtpd: relay_nets:"), r.stderr());

    Sandbox ok = new Sandbox(tmp.resolve("ok"), "");
    Sandbox.Run u = ok.run("", "masq-smtpd", "--listen", "nonsense:port").expect(64);
    assertFalse(u.stderr().contains("Exception"), u.stderr());
    ok.run("", "masq-smtpd", "--bogus").expect(64);
    Sandbox.Run h = ok.run("", "masq-smtpd", "--help").expect(0);
    assertTrue(h.out().startsWith("usage: masq-smtpd"));
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(ok, Map.of(), "-odq")) {
      Sandbox.Run busy = ok.run("", "masq-smtpd", "--listen", "127.0.0.1:" + srv.port).expect(69);
      assertEquals(1, busy.stderr().lines().count(), busy.stderr());
      assertTrue(busy.stderr().startsWith("masq-smtpd: cannot listen on"), busy.stderr());
    }
    Path cert = tmp.resolve("cert.pem");
    Files.writeString(cert, "not a certificate\n");
    Sandbox tls =
        new Sandbox(
            tmp.resolve("tls"),
            "tls_cert_file = \"" + cert + "\"\ntls_key_file = \"" + cert + "\"\n");
    Sandbox.Run t = tls.run(SESSION, "masq-smtpd").expect(78);
    assertFalse(t.stderr().contains("\tat "), t.stderr());
  }
}
