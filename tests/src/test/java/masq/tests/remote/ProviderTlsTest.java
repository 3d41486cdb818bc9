package masq.tests.remote;

import static masq.tests.remote.Msgs.msg;
import static masq.tests.remote.Msgs.outcomes;
import static masq.tests.remote.Msgs.send;
import static masq.tests.remote.Msgs.settings;
import static masq.tests.remote.Peers.events;
import static masq.tests.remote.Peers.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import masq.deliver.remote.RecipientResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS a provider can be pinned to (masq.route(5)), against aiosmtpd with STARTTLS: a pinned
 * certificate or public key without any CA, a wrong pin (deferred before MAIL FROM), a client
 * certificate the server requires, tls_min_version against a server capped at TLS 1.2; and direct
 * MX delivery through dnsmasq to one server that offers STARTTLS and one that does not (tls = may,
 * the default there), with the outcome in each result's log line.
 */
class ProviderTlsTest extends WithPeers {
  /** The server's certificate (from a test CA the JDK does not trust) and the client's. */
  static Peers.Pki server;

  static Peers.Pki client;

  int port;

  @BeforeAll
  static void makePki(@TempDir Path dir) throws Exception {
    server = new Peers(dir).pki("server", "IP:127.0.0.1,DNS:localhost");
    client = new Peers(dir).pki("client", "DNS:laptop.test");
  }

  @BeforeEach
  void start() throws Exception {
    port = Peers.freePort();
  }

  @AfterEach
  void systemDns() {
    System.clearProperty(Peers.DNS_SERVER);
  }

  TestRoute to() {
    return settings("isp").mailHost("127.0.0.1").mailPort(port).option("tls", "starttls");
  }

  Path starttls(String... more) throws Exception {
    List<String> o =
        new ArrayList<>(
            List.of("--starttls", server.serverCert().toString(), server.serverKey().toString()));
    o.addAll(List.of(more));
    return peers.aiosmtpd(port, o.toArray(new String[0]));
  }

  /** SHA-256 of the certificate's public key (SPKI), plain hex. */
  static String spki(Path cert) throws Exception {
    try (InputStream in = Files.newInputStream(cert)) {
      X509Certificate c =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded()));
    }
  }

  @Test
  void aPinnedCertificateOrPublicKeyIsEnoughWithoutTheCa() throws Exception {
    Path rec = starttls();
    String certPin = Peers.opensslFingerprint(server.serverCert());
    assertEquals(95, certPin.length(), certPin);
    // the JDK does not trust the test CA and no tls_trust_file is set: the pin alone decides
    List<RecipientResult> rs =
        send(
            to().option("tls_fingerprint", "00".repeat(32) + "; " + certPin).build(),
            msg("P1", "joe@home.example", "pinned\n", "ok@far.example"));
    assertEquals(List.of("P1 ok@far.example DELIVERED"), outcomes(rs));
    assertTrue(rs.get(0).logLine("route=isp").contains(" tls=TLSv1.3 250 "), rs.toString());
    rs =
        send(
            to().option("tls_fingerprint", spki(server.serverCert()).toUpperCase()).build(),
            msg("P2", "joe@home.example", "pinned key\n", "ok@far.example"));
    assertEquals(List.of("P2 ok@far.example DELIVERED"), outcomes(rs));
    List<String> ms = messages(rec);
    assertEquals(2, ms.size(), ms.toString());
    assertTrue(ms.stream().allMatch(m -> m.contains("\"tls\": 1")), ms.toString());
    // tls_verify = true asks for the CA check as well: the pin alone is not enough then
    rs =
        send(
            to().option("tls_fingerprint", certPin).option("tls_verify", true).build(),
            msg("P3", "joe@home.example", "x\n", "ok@far.example"));
    assertEquals(List.of("P3 ok@far.example DEFERRED"), outcomes(rs));
    assertEquals(2, events(rec).size(), events(rec).toString());
  }

  @Test
  void aWrongPinDefersBeforeAnythingIsSentAndNamesTheServersFingerprints() throws Exception {
    Path rec = starttls();
    List<RecipientResult> rs =
        send(
            to().option("tls_fingerprint", "ab".repeat(32)).build(),
            msg("W1", "joe@home.example", "secret\n", "ok@far.example"));
    assertEquals(List.of("W1 ok@far.example DEFERRED"), outcomes(rs));
    String why = rs.get(0).reply();
    assertTrue(why.startsWith("TLS with [127.0.0.1]:" + port + " failed: "), why);
    assertTrue(why.contains("no tls_fingerprint matches"), why);
    assertTrue(why.contains(Peers.opensslFingerprint(server.serverCert())), why);
    String spkiColons = spki(server.serverCert()).toUpperCase().replaceAll("(..)(?!$)", "$1:");
    assertTrue(why.contains("public key's (SPKI) " + spkiColons), why);
    assertFalse(why.contains("AB:AB:AB"), "only the server's fingerprints: " + why);
    assertTrue(
        why.contains("(subject \"CN=masq test server\"; issuer \"CN=masq test CA server\""), why);
    assertTrue(why.endsWith("check the new one and add its fingerprint to tls_fingerprint"), why);
    assertEquals(List.of(), events(rec), "the server saw no MAIL FROM");
    assertEquals(List.of(), messages(rec));
  }

  @Test
  void aClientCertificateTheServerRequires() throws Exception {
    Path rec = starttls("--client-ca", client.caCert().toString());
    TestRoute pinned = to().option("tls_fingerprint", spki(server.serverCert()));
    List<RecipientResult> rs =
        send(
            pinned
                .option("tls_client_cert_file", client.serverCert())
                .option("tls_client_key_file", client.serverKey())
                .build(),
            msg("C1", "joe@home.example", "with cert\n", "ok@far.example"));
    assertEquals(List.of("C1 ok@far.example DELIVERED"), outcomes(rs));
    assertEquals(1, messages(rec).size());
    rs =
        send(
            to().option("tls_fingerprint", spki(server.serverCert())).build(),
            msg("C2", "joe@home.example", "without\n", "ok@far.example"));
    assertEquals(List.of("C2 ok@far.example DEFERRED"), outcomes(rs));
    assertTrue(
        rs.get(0).reply().startsWith("TLS with [127.0.0.1]:" + port + " failed"), rs.toString());
    assertEquals(1, events(rec).size(), "no MAIL FROM without the certificate: " + events(rec));
    // a key file that is not a key defers, naming the option and the file
    Path notKey = tmp.resolve("not.key");
    Files.writeString(notKey, "hello\n");
    rs =
        send(
            to().option("tls_fingerprint", spki(server.serverCert()))
                .option("tls_client_cert_file", client.serverCert())
                .option("tls_client_key_file", notKey)
                .build(),
            msg("C3", "joe@home.example", "x\n", "ok@far.example"));
    assertEquals(List.of("C3 ok@far.example DEFERRED"), outcomes(rs));
    assertTrue(rs.get(0).reply().contains("tls_client_key_file " + notKey), rs.get(0).reply());
  }

  @Test
  void tlsMinVersionAgainstAServerCappedAtTls12() throws Exception {
    Path rec = starttls("--tls-max", "1.2");
    TestRoute r = to().option("tls_verify", false);
    List<RecipientResult> rs =
        send(
            r.option("tls_min_version", "1.3").build(),
            msg("V1", "joe@home.example", "x\n", "ok@far.example"));
    assertEquals(List.of("V1 ok@far.example DEFERRED"), outcomes(rs));
    assertTrue(rs.get(0).reply().startsWith("TLS with "), rs.get(0).reply());
    assertEquals(List.of(), events(rec));
    rs =
        send(
            to().option("tls_verify", false).build(),
            msg("V2", "joe@home.example", "x\n", "ok@far.example"));
    assertEquals(List.of("V2 ok@far.example DELIVERED"), outcomes(rs));
    assertEquals("TLSv1.2", rs.get(0).tls());
    // tls = may: the failed handshake gets one more connection, in clear, as Postfix's may does
    List<String> log = new ArrayList<>();
    rs =
        send(
            settings("isp")
                .mailHost("127.0.0.1")
                .mailPort(port)
                .option("tls", "may")
                .option("tls_min_version", "TLSv1.3")
                .build(),
            log,
            msg("V3", "joe@home.example", "x\n", "ok@far.example"));
    assertEquals(List.of("V3 ok@far.example DELIVERED"), outcomes(rs));
    assertEquals("none", rs.get(0).tls());
    assertTrue(log.toString().contains("tls = may: trying again without TLS"), log.toString());
    List<String> ms = messages(rec);
    assertTrue(ms.get(ms.size() - 1).contains("\"tls\": 0"), ms.toString());
  }

  @Test
  void directMxUsesStarttlsWhenOfferedAndSaysSo() throws Exception {
    Path rec = starttls(); // 127.0.0.1, offers STARTTLS
    Path sink = peers.smtpSink("127.0.0.3", port); // does not
    int dns = Peers.freePort();
    peers.dnsmasq(
        dns,
        "--mx-host=secure.test,mx.secure.test,10",
        "--host-record=mx.secure.test,127.0.0.1",
        "--mx-host=plain.test,mx.plain.test,10",
        "--host-record=mx.plain.test,127.0.0.3");
    System.setProperty(Peers.DNS_SERVER, "dns://127.0.0.1:" + dns);
    List<RecipientResult> rs =
        send(
            settings("direct").option("smtp_port", port).build(),
            msg("M1", "joe@home.example", "hello\n", "a@secure.test", "b@plain.test"));
    assertEquals(List.of("M1 a@secure.test DELIVERED", "M1 b@plain.test DELIVERED"), outcomes(rs));
    for (RecipientResult r : rs) {
      String line = r.logLine("route=direct");
      String want = r.recipient().domain().equals("secure.test") ? " tls=TLSv1.3 " : " tls=none ";
      assertTrue(line.contains(want), line);
    }
    assertTrue(messages(rec).get(0).contains("\"tls\": 1"), messages(rec).toString());
    assertTrue(
        String.join("", Peers.waitDumps(sink, 1)).contains("<b@plain.test>"), sink.toString());
  }
}
