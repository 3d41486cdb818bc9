package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.tests.Await;
import masq.tests.Sandbox;
import masq.tests.SmtpPeer;
import org.junit.jupiter.api.Test;

/**
 * TLS failures in masq's words, end to end: the real masq-deliver against real TLS servers on
 * loopback (aiosmtpd with a self-signed, an expired and a wrong-host certificate, capped at TLS
 * 1.1, with a cipher the JDK refuses; a server that closes during the handshake; a plain server
 * behind tls = smtps). Every text a user sees (the log, {@code masq-deliver -v}, {@code masq-queue
 * show} and {@code status}, the notifier's reason, the delay warning) names what happened and what
 * to set, with the certificate's subject, issuer, dates and fingerprint when one was refused, and
 * no Java class name. The advice works: the fingerprint it gives, or the certificate as
 * tls_trust_file, lets the mail go.
 */
class TlsTroubleTest extends WithPeers {
  /** Everything a user sees of one failed run: log, -v, show, status, notifier events. */
  record Seen(String log, String verbose, String show, String status, String events) {
    String all() {
      return String.join("\n", log, verbose, show, status, events);
    }
  }

  int port;

  /** A route file isp.route to 127.0.0.1:port with {@code options} (one per line). */
  Path route(String options) throws Exception {
    Path r = tmp.resolve("isp.route");
    Files.writeString(r, "mail_host = \"127.0.0.1:" + port + "\"\n" + options);
    return r;
  }

  /** A sandbox with isp.route as a permanent route, the event recorder and {@code extra}. */
  Sandbox box(String options, String extra) throws Exception {
    Path notes = Files.createDirectories(tmp.resolve("notes"));
    return new Sandbox(
        tmp.resolve("sb"),
        "do_queue = true\nmbox_default = mbox\npermanent_routes = \""
            + route(options)
            + "\"\nnotify_command = \""
            + NotifyRecorder.recorder(notes)
            + "\"\n"
            + extra);
  }

  /** Queues a message to anna@far.example, runs masq-deliver -v and collects what it said. */
  Seen fail(Sandbox box) throws Exception {
    box.run("Subject: tls\n\nhello\n", "masq-inject", "anna@far.example").expect(0);
    String id = box.queuedIds().get(0);
    Sandbox.Run v = box.run("", "masq-deliver", "-v").expect(0);
    assertEquals(List.of(id), box.queuedIds(), "deferred, still queued");
    Sandbox.Run show = box.run("", "masq-queue", "show", id).expect(0);
    Sandbox.Run status = box.run("", "masq-queue", "status");
    List<String> ev = NotifyRecorder.events(tmp.resolve("notes"), 1);
    assertEquals(1, ev.size(), ev.toString());
    assertTrue(
        ev.get(0).startsWith("tls-failure|" + id + "|anna@far.example|isp|TLS with "), ev.get(0));
    Seen s =
        new Seen(
            box.log(), v.out() + v.stderr(), show.out() + show.stderr(), status.out(), ev.get(0));
    assertNoJava(s.all());
    return s;
  }

  /** What a user sees holds no Java class name. */
  static void assertNoJava(String text) {
    for (String bad : List.of("java.", "javax.", "sun.", "Exception", "PKIX")) {
      assertFalse(text.contains(bad), "'" + bad + "' in: " + text);
    }
  }

  /** The reason of the log's deferral line for anna, and each other view holds it too. */
  static String reason(Seen s) {
    String line =
        s.log()
            .lines()
            .filter(l -> l.contains(" == anna@far.example route=isp "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no deferral in the log: " + s.log()));
    String why = line.substring(line.indexOf("TLS with "));
    assertTrue(s.verbose().contains(why), "-v: " + s.verbose());
    assertTrue(s.show().contains(why), "show: " + s.show());
    assertTrue(s.events().endsWith("|" + why), "notifier: " + s.events());
    assertTrue(s.status().contains("(TLS with [127.0.0.1]:"), "status: " + s.status());
    return why;
  }

  /** The certificate as the reason must show it: subject, issuer, dates, fingerprint. */
  static void assertShowsCertificate(String why, Path cert, String subject, String issuer)
      throws Exception {
    assertTrue(why.contains("subject \"" + subject + "\""), why);
    assertTrue(why.contains("issuer \"" + issuer + "\""), why);
    assertTrue(
        why.matches(".*; valid \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d to .* UTC;.*"), why);
    assertTrue(why.contains("SHA-256 fingerprint " + Peers.opensslFingerprint(cert)), why);
  }

  @Test
  void aSelfSignedCertificateNamesItselfAndTheAdviceGivenLetsTheMailGo() throws Exception {
    port = Peers.freePort();
    Path[] cert = SmtpPeer.selfSignedCertificate(Files.createDirectories(tmp.resolve("self")));
    Path rec = peers.aiosmtpd(port, "--starttls", cert[0].toString(), cert[1].toString());
    Sandbox box = box("tls = starttls\n", "warn_intervals = 1s\n");
    Seen s = fail(box);
    String why = reason(s);
    String fp = Peers.opensslFingerprint(cert[0]);
    assertTrue(
        why.startsWith(
            "TLS with [127.0.0.1]:"
                + port
                + " failed: untrusted certificate: self-signed, not among the system's CAs ("),
        why);
    assertShowsCertificate(why, cert[0], "CN=test.example", "CN=test.example");
    assertTrue(why.contains("pin it with tls_fingerprint = " + fp), why);
    assertTrue(why.contains("tls_trust_file"), why);
    assertTrue(why.contains("tls_verify = false"), why);
    assertEquals(List.of(), Peers.events(rec), "no MAIL FROM without a trusted TLS");

    // the delay warning tells the sender the same
    String id = box.queuedIds().get(0);
    box.backdate(id, 1050);
    box.run("", "masq-deliver").expect(0);
    String warning =
        Files.readString(
                box.mailDir.resolve(System.getProperty("user.name")), StandardCharsets.ISO_8859_1)
            .replaceAll("\r?\n[ \t]+", " ");
    assertTrue(warning.contains("Action: delayed"), warning);
    assertTrue(warning.contains("untrusted certificate: self-signed"), warning);
    assertTrue(warning.replaceAll(":\\s+", ":").contains(fp), "broken between pairs: " + warning);
    assertNoJava(warning);

    // the fingerprint it gave is enough
    route("tls = starttls\ntls_fingerprint = \"" + fp + "\"\n");
    box.run("", "masq-deliver").expect(0);
    assertEquals(List.of(), box.queuedIds(), box.log());
    // and so is the certificate as tls_trust_file
    route("tls = starttls\ntls_trust_file = \"" + cert[0] + "\"\n");
    box.run("Subject: again\n\nhello\n", "masq-inject", "bob@far.example").expect(0);
    box.run("", "masq-deliver").expect(0);
    assertEquals(List.of(), box.queuedIds(), box.log());
    assertEquals(2, Peers.messages(rec).size());
  }

  /**
   * The reason a route gives for a server with a certificate of the test CA {@code ca} for {@code
   * san}, signed at {@code signedAt} (null: now); with the CA as tls_trust_file when {@code
   * trusted}. Checks that it starts with the peer and {@code what}, shows the certificate and gives
   * {@code advice}.
   */
  String caSigned(
      String ca, String san, String signedAt, boolean trusted, String what, String advice)
      throws Exception {
    port = Peers.freePort();
    Peers.Pki pki = peers.pki(ca, san, signedAt);
    peers.aiosmtpd(port, "--starttls", pki.serverCert().toString(), pki.serverKey().toString());
    String trust = trusted ? "tls_trust_file = \"" + pki.caCert() + "\"\n" : "";
    String why = reason(fail(box("tls = starttls\n" + trust, "")));
    assertTrue(why.startsWith("TLS with [127.0.0.1]:" + port + " failed: " + what + " ("), why);
    assertShowsCertificate(why, pki.serverCert(), "CN=masq test server", "CN=masq test CA " + ca);
    assertTrue(why.contains(advice), why);
    return why;
  }

  @Test
  void anExpiredCertificateSaysWhenItExpired() throws Exception {
    String why =
        caSigned(
            "old",
            "IP:127.0.0.1",
            "2020-01-01 00:00:00",
            true,
            "certificate expired on 2020-01-03 00:00:00 UTC",
            "must renew it");
    assertTrue(why.matches(".*meanwhile tls_fingerprint = [0-9A-F:]{95} accepts .*"), why);
  }

  @Test
  void aCertificateForAnotherHostNamesTheNamesItIsFor() throws Exception {
    caSigned(
        "other",
        "DNS:other.test,IP:127.0.0.2",
        null,
        true,
        "certificate for other.test, 127.0.0.2, not for 127.0.0.1",
        "set mail_host to a name the certificate is for");
  }

  @Test
  void aCaNotTrustedIsNamedWithTheTrustFileToSet() throws Exception {
    caSigned(
        "private",
        "IP:127.0.0.1",
        null,
        false,
        "untrusted certificate: issued by \"CN=masq test CA private\", a CA not among the"
            + " system's CAs",
        "put its certificate (PEM) in the file tls_trust_file names");
  }

  /** openssl s_server with implicit TLS, a self-signed certificate and {@code options}. */
  void sServer(String... options) throws Exception {
    port = Peers.freePort();
    Path[] cert = SmtpPeer.selfSignedCertificate(Files.createDirectories(tmp.resolve("self")));
    peers.sServer(port, cert[0], cert[1], options);
  }

  @Test
  void aServerWithOnlyTls11IsOldTls() throws Exception {
    sServer("-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
    String why = reason(fail(box("tls = smtps\ntls_verify = false\n", "")));
    assertTrue(
        why.startsWith(
            "TLS with [127.0.0.1]:"
                + port
                + " failed: old TLS only: the server speaks no TLS version newer than 1.1"),
        why);
    assertTrue(why.contains("must be upgraded"), why);
  }

  @Test
  void aServerWithoutTls13AndTlsMinVersion13() throws Exception {
    sServer("-tls1_2");
    String why = reason(fail(box("tls = smtps\ntls_verify = false\ntls_min_version = 1.3\n", "")));
    assertTrue(why.contains("failed: no TLS 1.3: "), why);
    assertTrue(why.contains("lower tls_min_version to 1.2"), why);
  }

  @Test
  void aServerWithOnlyACipherMasqRefusesHasNoCipherInCommon() throws Exception {
    // RSA key exchange without forward secrecy: the JDK refuses TLS_RSA_* suites
    sServer("-tls1_2", "-cipher", "AES128-SHA256");
    String why = reason(fail(box("tls = smtps\ntls_verify = false\n", "")));
    assertTrue(
        why.contains("failed: no TLS cipher in common with the server (alert handshake_failure)"),
        why);
  }

  @Test
  void aServerThatClosesDuringTheHandshake() throws Exception {
    port = Peers.freePort();
    peers.tlsDrop(port);
    String why = reason(fail(box("tls = starttls\n", "")));
    assertTrue(
        why.startsWith(
            "TLS with [127.0.0.1]:"
                + port
                + " failed: server closed the connection during the TLS handshake"),
        why);
  }

  @Test
  void smtpsToAPlainServerSaysToUseStarttls() throws Exception {
    port = Peers.freePort();
    peers.aiosmtpd(port);
    String why = reason(fail(box("tls = smtps\n", "")));
    assertTrue(why.contains("failed: no TLS on this port"), why);
    assertTrue(why.contains("set tls = starttls"), why);
  }

  /** The smtpd log line for a failed handshake, once it is there. */
  static String smtpdLine(Sandbox sb, String reason) throws Exception {
    Await.until(
        "the smtpd line for " + reason,
        () -> {
          try {
            return sb.log().contains(reason);
          } catch (java.io.IOException e) {
            return false;
          }
        });
    return sb.log().lines().filter(l -> l.contains(reason)).findFirst().orElseThrow();
  }

  @Test
  void masqSmtpdSaysWhyAClientsHandshakeFailed() throws Exception {
    Path[] cert = SmtpPeer.selfSignedCertificate(Files.createDirectories(tmp.resolve("self")));
    Sandbox sb =
        new Sandbox(
            tmp.resolve("srv"),
            "tls_cert_file = \"" + cert[0] + "\"\ntls_key_file = \"" + cert[1] + "\"\n");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of())) {
      List<String> client =
          List.of("openssl", "s_client", "-starttls", "smtp", "-connect", "127.0.0.1:" + srv.port);
      // a client that does not trust the self-signed certificate
      List<String> strict = new ArrayList<>(client);
      strict.add("-verify_return_error"); // the system CAs only
      Sandbox.exec(strict, new byte[0], Map.of());
      String line =
          smtpdLine(
              sb,
              "smtpd: TLS handshake with 127.0.0.1 failed: the client refused the"
                  + " server's certificate (alert ");
      assertTrue(line.contains("tls_cert_file"), line);
      // a client that speaks only TLS 1.1
      List<String> old = new ArrayList<>(client);
      old.addAll(List.of("-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"));
      Sandbox.exec(old, new byte[0], Map.of());
      smtpdLine(sb, "failed: the client offers only TLS versions older than 1.2");
      assertNoJava(sb.log() + srv.output());
    }
  }
}
