package masq.tests.remote;

import static masq.tests.remote.Msgs.msg;
import static masq.tests.remote.Msgs.outcomes;
import static masq.tests.remote.Msgs.send;
import static masq.tests.remote.Msgs.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import masq.deliver.remote.RecipientResult;
import masq.deliver.remote.RemoteSettings;
import masq.route.AuthMechanism;
import masq.spool.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP client against a recording aiosmtpd server: per-recipient replies, SIZE, 8BITMIME,
 * STARTTLS and SMTPS with a test CA, AUTH PLAIN/LOGIN/CRAM-MD5, and the ways TLS and AUTH fail.
 */
class AiosmtpdTest extends WithPeers {
  /** The mechanisms aiosmtpd (smtpd.py) takes; the others are tested with Dovecot. */
  static final List<AuthMechanism> AIOSMTPD_MECHANISMS =
      List.of(AuthMechanism.PLAIN, AuthMechanism.LOGIN, AuthMechanism.CRAM_MD5);

  @TempDir static Path pkiDir;
  static Peers.Pki good;
  static Peers.Pki otherCa;
  static Peers.Pki wrongName;

  int port;

  @BeforeAll
  static void makePki() throws Exception {
    Peers p = new Peers(pkiDir);
    good = p.pki("good", "IP:127.0.0.1,DNS:localhost");
    otherCa = p.pki("other", "IP:127.0.0.1,DNS:localhost");
    wrongName = p.pki("wrongname", "DNS:smtp.elsewhere.example");
  }

  @BeforeEach
  void start() throws Exception {
    port = Peers.freePort();
  }

  TestRoute to() {
    return settings("isp").mailHost("127.0.0.1").mailPort(port);
  }

  @Test
  void fourXxAndFiveXxPerRecipientInOneTransactionAndMessagesShareTheConnection() throws Exception {
    Path rec = peers.aiosmtpd(port);
    List<RecipientResult> rs =
        send(
            to().build(),
            msg(
                "P1",
                "joe@home.example",
                "body \u00e9t\u00e9\n",
                "ok@far.example",
                "temp1@far.example",
                "bad1@far.example"),
            msg("P2", "joe@home.example", "second\n", "ok2@far.example"));
    assertEquals(
        List.of(
            "P1 bad1@far.example FAILED",
            "P1 ok@far.example DELIVERED",
            "P1 temp1@far.example DEFERRED",
            "P2 ok2@far.example DELIVERED"),
        outcomes(rs));
    for (RecipientResult r : rs) {
      String want =
          switch (r.recipient().localPart()) {
            case "temp1" -> "451 4.2.1 mailbox busy, try later";
            case "bad1" -> "550 5.1.1 no such user here";
            default -> "250 2.0.0 queued as";
          };
      assertTrue(r.reply().startsWith(want), r.reply());
    }
    List<String> ev = Peers.events(rec);
    assertEquals(2, ev.size(), ev.toString());
    String peer0 = ev.get(0).replaceAll(".*peer=", "");
    assertEquals(peer0, ev.get(1).replaceAll(".*peer=", ""), "one connection: " + ev);
    List<String> ms = Peers.messages(rec);
    assertTrue(ms.get(0).contains("\"rcpt_tos\": [\"ok@far.example\"]"), ms.get(0));
    assertTrue(ms.get(0).contains("BODY=8BITMIME") && ms.get(0).contains("SIZE="), ms.get(0));
    assertFalse(ms.get(1).contains("BODY=8BITMIME"), ms.get(1));
  }

  @Test
  void withAndWithoutPipeliningEveryRecipientRefusedMeansNoMessage() throws Exception {
    Path rec = peers.aiosmtpd(port);
    for (boolean pipelining : new boolean[] {true, false}) {
      String id = pipelining ? "R1" : "R2";
      List<RecipientResult> rs =
          send(
              to().option("do_pipelining", pipelining).build(),
              msg(id, "joe@home.example", "x\n", "temp2@far.example", "bad2@far.example"),
              msg(id + "b", "joe@home.example", "x\n", "temp3@far.example", "ok3@far.example"));
      assertEquals(
          List.of(
              id + " bad2@far.example FAILED",
              id + " temp2@far.example DEFERRED",
              id + "b ok3@far.example DELIVERED",
              id + "b temp3@far.example DEFERRED"),
          outcomes(rs));
    }
    List<String> ms = Peers.messages(rec);
    assertEquals(2, ms.size(), ms.toString()); // only the R1b and R2b messages had a taker
    for (String m : ms) {
      assertTrue(m.contains("\"rcpt_tos\": [\"ok3@far.example\"]"), m);
    }
  }

  @Test
  void aMessageOverTheServersSizeLimitFailsWithoutBeingSent() throws Exception {
    Path rec = peers.aiosmtpd(port, "--size", "300");
    List<RecipientResult> rs =
        send(
            to().build(),
            msg("S1", "joe@home.example", "x".repeat(1000) + "\n", "ok@far.example"),
            msg("S2", "joe@home.example", "small\n", "ok@far.example"));
    assertEquals(List.of("S1 ok@far.example FAILED", "S2 ok@far.example DELIVERED"), outcomes(rs));
    assertTrue(rs.get(0).reply().contains("exceeds the limit of 300"), rs.get(0).reply());
    assertEquals(1, Peers.events(rec).size(), Peers.events(rec).toString());
  }

  @Test
  void starttlsWithAPrivateCaAndEachAuthMechanism() throws Exception {
    Path rec =
        peers.aiosmtpd(
            port,
            "--starttls",
            good.serverCert().toString(),
            good.serverKey().toString(),
            "--auth",
            "masq:s3cret pass");
    int n = 0;
    for (AuthMechanism mech : AIOSMTPD_MECHANISMS) {
      RemoteSettings s =
          to().option("tls", "starttls")
              .option("tls_trust_file", good.caCert())
              .auth(mech, "masq", "s3cret pass")
              .build();
      List<RecipientResult> rs =
          send(s, msg("A" + mech, "joe@home.example", "secret\n", "ok@far.example"));
      assertEquals(List.of("A" + mech + " ok@far.example DELIVERED"), outcomes(rs));
      n++;
    }
    List<String> ms = Peers.messages(rec);
    assertEquals(n, ms.size());
    for (String m : ms) {
      assertTrue(m.contains("\"tls\": 1") && m.contains("\"auth\": 1"), m);
    }
  }

  @Test
  void aWrongPasswordDefersWithTheServersReply() throws Exception {
    Path rec =
        peers.aiosmtpd(
            port,
            "--starttls",
            good.serverCert().toString(),
            good.serverKey().toString(),
            "--auth",
            "masq:right");
    for (AuthMechanism mech : AIOSMTPD_MECHANISMS) {
      RemoteSettings s =
          to().option("tls", "starttls")
              .option("tls_trust_file", good.caCert())
              .auth(mech, "masq", "wrong")
              .build();
      List<RecipientResult> rs = send(s, msg("B1", "joe@home.example", "x\n", "ok@far.example"));
      assertEquals(Outcome.DEFERRED, rs.get(0).outcome(), rs.toString());
      assertTrue(
          rs.get(0).reply().contains("535 5.7.8 Authentication credentials invalid"),
          rs.get(0).reply());
      assertFalse(rs.get(0).reply().contains("wrong"), "the secret stays out of results");
    }
    assertEquals(List.of(), Peers.events(rec));
  }

  @Test
  void tlsRequiredButNotOfferedDefersAndNothingIsSentInClear() throws Exception {
    Path rec = peers.aiosmtpd(port);
    RemoteSettings s =
        to().option("tls", "starttls").option("tls_trust_file", good.caCert()).build();
    List<RecipientResult> rs =
        send(s, msg("T1", "joe@home.example", "private\n", "ok@far.example"));
    assertEquals(Outcome.DEFERRED, rs.get(0).outcome(), rs.toString());
    assertTrue(rs.get(0).reply().contains("does not offer STARTTLS"), rs.get(0).reply());
    assertEquals(List.of(), Peers.events(rec));
    assertEquals(List.of(), Peers.messages(rec));
    Path missing = tmp.resolve("no-such-ca.pem");
    rs =
        send(
            to().option("tls", "starttls").option("tls_trust_file", missing).build(),
            msg("T2", "joe@home.example", "private\n", "ok@far.example"));
    assertEquals(Outcome.DEFERRED, rs.get(0).outcome(), rs.toString());
    assertTrue(rs.get(0).reply().contains(missing.toString()), rs.get(0).reply());
  }

  @Test
  void anUntrustedOrMisnamedCertificateDefersUnlessVerificationIsOff() throws Exception {
    Path rec =
        peers.aiosmtpd(
            port, "--starttls", good.serverCert().toString(), good.serverKey().toString());
    for (RemoteSettings s :
        List.of(
            to().option("tls", "starttls").option("tls_trust_file", otherCa.caCert()).build(),
            to().option("tls", "starttls")
                .build())) { // the JDK's CAs do not know the test CA either
      List<RecipientResult> rs = send(s, msg("U1", "joe@home.example", "x\n", "ok@far.example"));
      assertEquals(Outcome.DEFERRED, rs.get(0).outcome(), rs.toString());
      assertTrue(
          rs.get(0).reply().startsWith("TLS with [127.0.0.1]:" + port + " failed"),
          rs.get(0).reply());
    }
    assertEquals(List.of(), Peers.events(rec));
    RemoteSettings off = to().option("tls", "starttls").option("tls_verify", false).build();
    assertEquals(
        List.of("U2 ok@far.example DELIVERED"),
        outcomes(send(off, msg("U2", "joe@home.example", "x\n", "ok@far.example"))));
    peers.close();

    peers = new Peers(tmp);
    port = Peers.freePort();
    rec =
        peers.aiosmtpd(
            port,
            "--starttls",
            wrongName.serverCert().toString(),
            wrongName.serverKey().toString());
    List<RecipientResult> rs =
        send(
            to().option("tls", "starttls").option("tls_trust_file", wrongName.caCert()).build(),
            msg("U3", "joe@home.example", "x\n", "ok@far.example"));
    assertEquals(Outcome.DEFERRED, rs.get(0).outcome(), rs.toString());
    assertTrue(rs.get(0).reply().contains("127.0.0.1"), rs.get(0).reply());
    assertEquals(List.of(), Peers.events(rec));
  }

  @Test
  void smtpsIsTlsFromTheFirstByte() throws Exception {
    Path rec =
        peers.aiosmtpd(
            port,
            "--smtps",
            good.serverCert().toString(),
            good.serverKey().toString(),
            "--auth",
            "masq:pw");
    RemoteSettings s =
        to().option("tls", "smtps")
            .option("tls_trust_file", good.caCert())
            .auth(AuthMechanism.PLAIN, "masq", "pw")
            .build();
    List<RecipientResult> rs = send(s, msg("X1", "joe@home.example", "x\n", "ok@far.example"));
    assertEquals(List.of("X1 ok@far.example DELIVERED"), outcomes(rs));
    assertTrue(Peers.messages(rec).get(0).contains("\"tls\": 1"), Peers.messages(rec).get(0));
    TestRoute plain = to(); // a plain client to a TLS port gets no greeting it can read
    rs =
        send(
            plain.timeouts(TestRoute.timeouts(java.time.Duration.ofSeconds(2))).build(),
            msg("X2", "joe@home.example", "x\n", "ok@far.example"));
    assertEquals(Outcome.DEFERRED, rs.get(0).outcome(), rs.toString());
  }
}
