package masq.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * masq-rewrite end to end: the real {@code bin/masq-rewrite} as a process, its output compared byte
 * for byte with the expected files in {@code tests/src/test/resources/rewrite/}.
 */
class RewriteCommandTest {
  static final Path DATA = Sandbox.HOME.resolve("tests/src/test/resources/rewrite");
  Sandbox box;

  @BeforeEach
  void setUp(@TempDir Path dir) throws Exception {
    Path route = dir.resolve("isp1.route");
    Files.copy(DATA.resolve("isp1.route"), route);
    // it holds auth_secret: readable by its owner only, as masq.route(5) asks
    Files.setPosixFilePermissions(
        route, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    box =
        new Sandbox(
            dir,
            "local_hosts = localhost;home.lan;test.example\n"
                + "query_routes.isp1 = \""
                + route
                + "\"\n");
  }

  static byte[] data(String name) throws Exception {
    return Files.readAllBytes(DATA.resolve(name));
  }

  static void assertBytes(byte[] expected, byte[] actual) {
    assertArrayEquals(
        expected,
        actual,
        () ->
            "expected:\n"
                + new String(expected, StandardCharsets.ISO_8859_1)
                + "\nactual:\n"
                + new String(actual, StandardCharsets.ISO_8859_1));
  }

  @Test
  void rewritesTheRouteHeadersAndKeepsEveryOtherByte() throws Exception {
    Sandbox.Run r = box.run(data("mixed.in"), "masq-rewrite", "--route", "isp1").expect(0);
    assertBytes(data("mixed.out"), r.stdout());
    assertEquals(
        "masq-rewrite: warning: Reply-To: cannot parse 'not an address'; left as it is\n",
        r.stderr());
  }

  @Test
  void envelopeShowsMailFromAndTheRecipientsThatUseTheRoute() throws Exception {
    Sandbox.Run r =
        box.run(data("mixed.in"), "masq-rewrite", "--route", "isp1", "--envelope", "-f", "john")
            .expect(0);
    assertBytes(data("mixed-envelope.out"), r.stdout());
    assertTrue(r.stderr().contains("note: <john@test.example> is local"), r.stderr());
  }

  @Test
  void recipientArgumentsAndRouteConditions() throws Exception {
    Sandbox.Run r =
        box.run(
                "From: ann\n\nhi\n",
                "masq-rewrite",
                "--route",
                "isp1",
                "--envelope",
                "-f",
                "<>",
                "a@b.example",
                "c@blocked.example")
            .expect(0);
    assertEquals("MAIL FROM:<>\nRCPT TO:<a@b.example>\n\nFrom: ann@isp1.example\n\nhi\n", r.out());
    assertTrue(
        r.stderr().contains("<c@blocked.example> matches '*@blocked.example' of denied_recipients"),
        r.stderr());
  }

  @Test
  void anAddressBehindAnUnclosedQuoteIsStillRewritten() throws Exception {
    // before: the unclosed quote made the mailbox invisible, and the LAN address left as it was
    Sandbox.Run r =
        box.run(
                "From: \"John <john@home.lan>\nReply-To: Ann <ann@home.lan\n\nhi\n",
                "masq-rewrite",
                "--route",
                "isp1")
            .expect(0);
    assertEquals(
        "From: \"John <jsmith@isp1.example>\nReply-To: Ann <ann@isp1.example\n\nhi\n", r.out());
    assertTrue(
        r.stderr().contains("From: read <john@home.lan> in spite of unclosed '\"'"), r.stderr());
  }

  @Test
  void anUnreadableHeaderThatMayHoldALanAddressIsAnError() throws Exception {
    Sandbox.Run r =
        box.run("From: <john@home.lan junk>\n\nhi\n", "masq-rewrite", "--route", "isp1").expect(65);
    assertEquals(
        "masq-rewrite: unreadable address in From: header: '<john@home.lan junk>' (text inside"
            + " <...>): route isp1 would not send this message (masq-deliver defers it)\n",
        r.stderr());
    assertEquals(0, r.stdout().length);
  }

  @Test
  void aMessageNoRuleTouchesComesOutUnchanged() throws Exception {
    Sandbox.Run r = box.run(data("untouched.in"), "masq-rewrite", "--route", "isp1").expect(0);
    assertBytes(data("untouched.in"), r.stdout());
    assertEquals("", r.stderr());
  }

  @Test
  void queuedMessageWithItsEnvelope() throws Exception {
    box.run(
            "From: john\nTo: x@far.example\nSubject: queued\n\nbody\n",
            "masq-inject",
            "-odq",
            "-f",
            "john",
            "x@far.example",
            "bob@test.example")
        .expect(0);
    String id = box.queuedIds().get(0);
    String stored = box.message(id);
    Sandbox.Run r =
        box.run(new byte[0], "masq-rewrite", "--route", "isp1", "--id", id, "--envelope").expect(0);
    String expected =
        "MAIL FROM:<jsmith@isp1.example>\nRCPT TO:<x@far.example>\n\n"
            + stored.replace("From: john\n", "From: John Smith <jsmith@isp1.example>\n");
    assertBytes(expected.getBytes(StandardCharsets.ISO_8859_1), r.stdout());
    assertTrue(r.stderr().contains("<bob@test.example> is local"), r.stderr());
    // -f wins over the queued return path; the spool is not changed
    r =
        box.run(
                new byte[0],
                "masq-rewrite",
                "--route",
                "isp1",
                "--id",
                id,
                "--envelope",
                "-f",
                "ann@elsewhere.example")
            .expect(0);
    assertTrue(r.out().startsWith("MAIL FROM:<ann@elsewhere.example>\n"), r.out());
    assertEquals(stored, box.message(id));
  }

  @Test
  void verboseShowsTheRouteWithoutItsSecret() throws Exception {
    Sandbox.Run r = box.run(new byte[0], "masq-rewrite", "--route", "isp1", "-v").expect(0);
    assertTrue(r.stderr().contains("  mail_host = mail.isp1.example\n"), r.stderr());
    assertTrue(r.stderr().contains("  auth_name = login\n"), r.stderr());
    assertTrue(r.stderr().contains("  map_outgoing_addresses = *: *@isp1.example\n"), r.stderr());
    assertFalse(r.stderr().contains("very secret"), r.stderr());
    assertEquals("", r.out());
  }

  @Test
  void verboseShowsTheTlsOptionsButNoKey() throws Exception {
    Path key = box.dir.resolve("client.key");
    Files.writeString(
        key, "-----BEGIN PRIVATE KEY-----\nS3CR3TKEYMATERIAL\n-----END PRIVATE KEY-----\n");
    Files.writeString(
        box.dir.resolve("isp1.route"),
        "tls = starttls\ntls_fingerprint = "
            + "ab".repeat(32)
            + "\ntls_client_cert_file = client.pem\ntls_client_key_file = client.key\n"
            + "tls_min_version = 1.3\nmax_recipients_per_message = 100\n",
        java.nio.file.StandardOpenOption.APPEND);
    Sandbox.Run r = box.run(new byte[0], "masq-rewrite", "--route", "isp1", "-v").expect(0);
    String fp = "AB:".repeat(31) + "AB";
    assertTrue(r.stderr().contains("  tls_fingerprint = " + fp + "\n"), r.stderr());
    assertTrue(r.stderr().contains("  tls_client_key_file = " + key + "\n"), r.stderr());
    assertTrue(r.stderr().contains("  tls_min_version = TLSv1.3\n"), r.stderr());
    assertTrue(r.stderr().contains("  max_recipients_per_message = 100\n"), r.stderr());
    assertTrue(r.stderr().contains("  max_messages_per_connection = (no limit)\n"), r.stderr());
    assertFalse(r.stderr().contains("S3CR3T"), r.stderr());
  }

  @Test
  void errorsAreOneLineWithSysexitsCodes() throws Exception {
    Path bad = box.dir.resolve("bad.route");
    Files.writeString(bad, "mail_host = ok.example\n\nmap_h_from_addresses = john: John Smith\n");
    Path syntax = box.dir.resolve("syntax.route");
    Files.writeString(syntax, "# comment\nmail_host smtp.example\n");
    Object[][] table = {
      {64, "--route NAME is required", new String[] {}},
      {64, "unknown option --frob", new String[] {"--route", "isp1", "--frob"}},
      {64, "--id needs a value", new String[] {"--route", "isp1", "--id"}},
      {69, "unknown route 'nope' (known: isp1)", new String[] {"--route", "nope"}},
      {
        78,
        bad + ":3: map_h_from_addresses: rule 'john: John Smith': replacement is not one address",
        new String[] {"--route", bad.toString()}
      },
      {78, syntax + ":2: syntax error", new String[] {"--route", syntax.toString()}},
      {
        67,
        "no such message: ../../etc/passwd",
        new String[] {"--route", "isp1", "--id", "../../etc/passwd"}
      },
      {
        67,
        "no such message: Vc1Qf2b-00y8-00",
        new String[] {"--route", "isp1", "--id", "Vc1Qf2b-00y8-00"}
      },
      {65, "invalid address 'a b@c'", new String[] {"--route", "isp1", "-f", "a b@c"}},
      {66, "no input", new String[] {"--route", "isp1"}},
    };
    for (Object[] row : table) {
      String[] args = (String[]) row[2];
      Sandbox.Run r = box.run(new byte[0], "masq-rewrite", args);
      String what = String.join(" ", args) + " -> " + r.stderr();
      assertEquals(row[0], r.exit(), what);
      assertTrue(r.stderr().startsWith("masq-rewrite: "), what);
      assertTrue(r.stderr().contains((String) row[1]), what);
      assertEquals(1, r.stderr().lines().count(), what);
      assertFalse(r.stderr().contains("Exception"), what);
      assertEquals(0, r.stdout().length, what);
    }
    Sandbox.Run r = box.run("From: a\u0000b\n\n", "masq-rewrite", "--route", "isp1").expect(65);
    assertTrue(r.stderr().contains("NUL"), r.stderr());
  }

  @Test
  void theBodyIsStreamedNotHeld() throws Exception {
    byte[] head = "From: john\nSubject: big\n\n".getBytes(StandardCharsets.US_ASCII);
    byte[] in = new byte[head.length + 96 * 1024 * 1024];
    System.arraycopy(head, 0, in, 0, head.length);
    for (int i = head.length; i < in.length; i++) {
      in[i] = (byte) ((i % 71 == 0) ? '\n' : 'a' + i % 26);
    }
    List<String> cmd =
        List.of(
            Sandbox.bin("masq-rewrite").toString(), "-C", box.conf.toString(), "--route", "isp1");
    Sandbox.Run r =
        Sandbox.exec(cmd, in, Map.of("jvm_flags", "-Xmx48m -XX:+UseSerialGC")).expect(0);
    byte[] outHead =
        "From: John Smith <jsmith@isp1.example>\nSubject: big\n\n"
            .getBytes(StandardCharsets.US_ASCII);
    assertEquals(in.length - head.length + outHead.length, r.stdout().length);
    assertArrayEquals(outHead, Arrays.copyOf(r.stdout(), outHead.length));
    MessageDigest a = MessageDigest.getInstance("SHA-256");
    a.update(in, head.length, in.length - head.length);
    MessageDigest b = MessageDigest.getInstance("SHA-256");
    b.update(r.stdout(), outHead.length, r.stdout().length - outHead.length);
    assertArrayEquals(a.digest(), b.digest());
  }

  /** The example route and the table of masq.route(5), run as documented. */
  @Test
  void theManPageExamplesHold(@TempDir Path dir) throws Exception {
    Path route = dir.resolve("isp1.route");
    Files.copy(Sandbox.HOME.resolve("examples/isp1.route"), route);
    Files.setPosixFilePermissions(
        route, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Sandbox pc =
        new Sandbox(dir, "host_name = pc.home.lan\nquery_routes.isp1 = \"" + route + "\"\n");
    String[][] table = {
      {"From: john", "From: John Smith <jsmith@isp1.example>"},
      {"From: Johnny <john@pc.home.lan>", "From: Johnny <jsmith@isp1.example>"},
      {"From: john (on the laptop)", "From: jsmith@isp1.example (on the laptop)"},
      {"Sender: ann", "Sender: ann@isp1.example"},
      {"Reply-To: ann, x@example.org", "Reply-To: ann@isp1.example, x@example.org"},
      {"From: someone@example.org", "From: someone@example.org"},
    };
    for (String[] row : table) {
      Sandbox.Run r = pc.run(row[0] + "\n\nbody\n", "masq-rewrite", "--route", "isp1").expect(0);
      assertEquals(row[1] + "\n\nbody\n", r.out(), row[0]);
    }
    Sandbox.Run r =
        pc.run(
                "From: john\n\n",
                "masq-rewrite",
                "--route",
                "isp1",
                "--envelope",
                "-f",
                "john",
                "bob@example.org",
                "x@nas.home.lan")
            .expect(0);
    assertTrue(
        r.out().startsWith("MAIL FROM:<jsmith@isp1.example>\nRCPT TO:<bob@example.org>\n\n"),
        r.out());
    assertTrue(r.stderr().contains("denied_recipients"), r.stderr());
    for (String example :
        List.of(
            "lan.route",
            "isp2-tunnel.route",
            "gmail.route",
            "microsoft365.route",
            "fastmail.route")) {
      pc.run(
              "From: a\n\n",
              "masq-rewrite",
              "--strict",
              "--route",
              Sandbox.HOME.resolve("examples").resolve(example).toString())
          .expect(0);
    }
  }
}
