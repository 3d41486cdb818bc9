package masq.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import masq.Exit;
import masq.MasqException;
import masq.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading route files: every option typed, every bad value a file:line error (exit 78). */
class RouteTest {
  static final Path FILE = Path.of("/etc/masq/isp.route");

  static Route parse(String text) throws MasqException {
    return Route.parse(text, FILE, false);
  }

  @Test
  void defaults() throws Exception {
    Route r = parse("");
    assertEquals("isp", r.name());
    assertNull(r.transport().mailHost());
    assertEquals(25, r.transport().port());
    assertEquals(List.of(Resolver.DNS_MX, Resolver.BYNAME), r.transport().resolveList());
    assertTrue(r.transport().doPipelining());
    assertFalse(r.transport().instantHelo());
    assertFalse(r.lastRoute());
    assertFalse(r.transport().connectErrorFail());
    assertEquals(TlsMode.MAY, r.transport().tls()); // direct MX: STARTTLS when offered
    assertTrue(r.transport().tlsVerify());
    assertNull(r.transport().auth().mechanism());
    assertNull(r.transport().wrapper());
    assertNull(r.transport().pipe());
    assertFalse(r.maps().rewrites());
  }

  @Test
  void everyOption() throws Exception {
    Route r =
        parse(
            """
            mail_host = "smtp.isp.example:587"
            smtp_port = 2525
            resolve_list = byname
            helo_name = pc.home.lan
            do_correct_helo = true
            instant_helo = yes
            do_pipelining = false
            tls = STARTTLS
            tls_verify = false
            tls_trust_file = ca.pem
            auth_name = CRAM-MD5
            auth_login = me
            auth_secret = "pa ss"
            pipe_fromline = true
            pipe_fromhack = true
            last_route = true
            connect_error_fail = true
            allowed_senders = *@home.lan; <>
            denied_recipients = *@*.internal
            map_h_from_addresses = john: John <j@isp.example>
            map_outgoing_addresses = *: *@isp.example
            """);
    assertEquals("smtp.isp.example", r.transport().mailHost());
    assertEquals(587, r.transport().port());
    assertEquals(List.of(Resolver.BYNAME), r.transport().resolveList());
    assertEquals("pc.home.lan", r.transport().heloName());
    assertTrue(r.transport().doCorrectHelo());
    assertTrue(r.transport().instantHelo());
    assertFalse(r.transport().doPipelining());
    assertEquals(TlsMode.STARTTLS, r.transport().tls());
    assertFalse(r.transport().tlsVerify());
    assertEquals(Path.of("/etc/masq/ca.pem"), r.transport().tlsTrustFile());
    assertEquals(AuthMechanism.CRAM_MD5, r.transport().auth().mechanism());
    assertEquals("me", r.transport().auth().login());
    assertEquals("pa ss", r.transport().auth().secret());
    assertTrue(
        parse("wrapper = \"/usr/bin/openssl s_client -quiet -connect 'smtp.isp.example:465'\"")
            .transport()
            .wrapper()
            .startsWith("/usr/bin/openssl"));
    assertEquals("[IPv6:::1]", parse("mail_host = [IPv6:::1]:2525").transport().mailHost());
    assertTrue(
        r.transport().pipeFromline()
            && r.transport().pipeFromhack()
            && r.lastRoute()
            && r.transport().connectErrorFail());
    assertEquals(2, r.conditions().allowedSenders().size());
    assertTrue(r.maps().rewrites());
    assertEquals(1, r.maps().rules(MapTarget.FROM).size());
    assertTrue(r.maps().outgoingRules().get(0).domainOnly());
    String d = r.describe();
    assertTrue(d.contains("auth_secret = (set, not shown)"), d);
    assertFalse(d.contains("pa ss"), d);
    assertTrue(d.contains("mail_host = smtp.isp.example:587"), d);
  }

  @Test
  void pinsClientCertificateTlsVersionAndLimits() throws Exception {
    String hex = "0123456789abcdef".repeat(4);
    String colons = hex.toUpperCase(java.util.Locale.ROOT).replaceAll("(..)(?!$)", "$1:");
    Route r =
        parse(
            "mail_host = smtp.isp.example\ntls = starttls\ntls_fingerprint = \""
                + colons
                + "; "
                + "ab".repeat(32)
                + "\"\ntls_client_cert_file = client.pem\ntls_client_key_file = client.key\n"
                + "tls_min_version = TLSv1.3\nmax_messages_per_connection = 10\n"
                + "max_recipients_per_message = 100");
    RouteTransport t = r.transport();
    assertEquals(List.of(hex, "ab".repeat(32)), t.tlsFingerprints());
    assertFalse(t.tlsVerify(), "a pin is enough by itself");
    assertEquals(Path.of("/etc/masq/client.key"), t.tlsClientKeyFile());
    assertEquals(List.of("TLSv1.3"), t.tlsProtocols());
    assertEquals(10, t.maxMessagesPerConnection());
    assertEquals(100, t.maxRecipientsPerMessage());
    String d = r.describe();
    assertTrue(d.contains("tls_fingerprint = " + colons + ";AB:AB:"), d);
    assertTrue(d.contains("tls_client_key_file = /etc/masq/client.key"), d);
    assertTrue(d.contains("max_recipients_per_message = 100"), d);
    assertTrue(
        parse("mail_host = h\ntls = smtps\ntls_verify = true\ntls_fingerprint = " + hex)
            .transport()
            .tlsVerify(),
        "both the CA check and the pin");
    Route dflt = parse("mail_host = h");
    assertEquals(TlsMode.NONE, dflt.transport().tls(), "a smart host keeps masqmail's default");
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), dflt.transport().tlsProtocols());
    assertEquals(0, dflt.transport().maxRecipientsPerMessage());
    assertEquals(TlsMode.MAY, parse("tls = may\nmail_host = h").transport().tls());
    assertEquals("TLSv1.2", parse("tls_min_version = 1.2").transport().tlsMinVersion());
  }

  @Test
  void ports() throws Exception {
    assertEquals(2525, parse("smtp_port = 2525").transport().port());
    assertEquals(465, parse("tls = smtps").transport().port());
    assertEquals(26, parse("tls = smtps\nmail_host = [192.0.2.1]:26").transport().port());
    assertEquals("[::1]", parse("mail_host = [::1]:2525").transport().mailHost());
    assertEquals("192.0.2.1", parse("mail_host = 192.0.2.1").transport().mailHost());
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of("mail_host = smtp.isp.example:0", 1, "port"),
        Arguments.of("mail_host = smtp.isp.example:99999", 1, "port"),
        Arguments.of("mail_host = :25", 1, "host"),
        Arguments.of("mail_host = bad host", 1, "host"),
        Arguments.of("\nsmtp_port = twenty-five", 2, "port"),
        Arguments.of("resolve_list = dns_mx; carrier_pigeon", 1, "carrier_pigeon"),
        Arguments.of("helo_name = not a name", 1, "host name"),
        Arguments.of("tls = ssl", 1, "none, may, starttls or smtps"),
        Arguments.of("tls_verify = maybe", 1, "true or false"),
        Arguments.of(
            "auth_name = digest-md5\nauth_login = a\nauth_secret = b",
            1,
            "plain, login, cram-md5, scram-sha-256, xoauth2 or oauthbearer"),
        Arguments.of("auth_name = plain", 1, "auth_login and auth_secret"),
        Arguments.of("auth_name = xoauth2\nauth_login = a", 1, "auth_secret_command"),
        Arguments.of(
            "auth_login = a\nauth_secret = b\nauth_secret_command = pass show x",
            3,
            "one of auth_secret, auth_secret_file and auth_secret_command"),
        Arguments.of("auth_secret_file = /etc/masq/secret", 1, "needs auth_login too"),
        Arguments.of("auth_secret_command = \"pass 'x\"\nauth_login = a", 1, "quote"),
        Arguments.of(
            "auth_login = a\nauth_secret_command = pass\nauth_secret_timeout = soon",
            3,
            "expected a time"),
        Arguments.of("auth_allow_plaintext = perhaps", 1, "true or false"),
        Arguments.of("wrapper = \"openssl 's_client\"", 1, "quote"),
        Arguments.of("pipe = \"\"", 1, "empty command"),
        Arguments.of("wrapper = nc x 25\npipe = cat", 2, "not both"),
        Arguments.of("pipe = cat\ntls = starttls", 2, "pipe"),
        Arguments.of("wrapper = \"socat - TCP:h:465\"\ntls = smtps", 2, "wrapper does TLS itself"),
        Arguments.of("last_route = sometimes", 1, "true or false"),
        Arguments.of("do_pipelining = 2", 1, "true or false"),
        Arguments.of("set_h_from_domain = not a domain", 1, "domain"),
        Arguments.of("allowed_senders = @example.com", 1, "empty local part"),
        Arguments.of("\n\nmap_h_from_addresses = john", 3, "pattern: replacement"),
        Arguments.of("map_h_from_addresses = john: John Smith", 1, "not one address"),
        Arguments.of("map_h_from_addresses = john: jsmith", 1, "lacks a domain"),
        Arguments.of("map_h_from_addresses = : j@x.example", 1, "empty pattern"),
        Arguments.of("map_h_from_addresses = john:", 1, "empty replacement"),
        Arguments.of("map_h_from_addresses = john: a@x.example, b@x.example", 1, "not one address"),
        Arguments.of("map_h_from_addresses = john: <>", 1, "not one address"),
        Arguments.of(
            "map_return_path_addresses = \"john: John\nX-Injected: yes <j@x.example>\"",
            1,
            "control character"),
        Arguments.of(
            "map_outgoing_addresses = john: J <j@x.example> trailing", 1, "not one address"),
        Arguments.of("mail_host smtp.isp.example", 1, "syntax error"),
        // pinning, client certificate, TLS version, provider limits
        Arguments.of("tls = starttls\ntls_fingerprint = abcd", 2, "not a SHA-256 fingerprint"),
        Arguments.of("tls = starttls\ntls_fingerprint = " + "A:B".repeat(32), 2, "not a SHA-256"),
        Arguments.of("mail_host = h\ntls_fingerprint = " + "ab".repeat(32), 2, "needs tls ="),
        Arguments.of("tls_fingerprint = " + "ab".repeat(32), 1, "with may"),
        Arguments.of("tls = starttls\ntls_client_cert_file = c.pem", 2, "go together"),
        Arguments.of("mail_host=h\ntls_client_cert_file=c\ntls_client_key_file=k", 2, "needs tls"),
        Arguments.of("tls_min_version = 1.1", 1, "expected 1.2 or 1.3"),
        Arguments.of("max_recipients_per_message = -1", 1, "whole number"),
        Arguments.of("max_messages_per_connection = many", 1, "whole number"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bad")
  void badValuesNameFileAndLine(String text, int line, String reason) {
    MasqException e = assertThrows(MasqException.class, () -> parse(text));
    assertEquals(Exit.CONFIG, e.exitCode());
    assertTrue(e.getMessage().startsWith(FILE + ":" + line + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  @Test
  void ruleFileErrorNamesTheIncludedFileAndLine(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("from.rules");
    Files.writeString(rules, "# rules\njohn: John <j@isp.example>\n\nbroken rule\n");
    MasqException e =
        assertThrows(MasqException.class, () -> parse("map_h_from_addresses = \"" + rules + "\""));
    assertTrue(
        e.getMessage().startsWith(rules + ":4: map_h_from_addresses: rule 'broken rule'"),
        e.getMessage());
    Files.writeString(rules, "john: John <j@isp.example>\nann: *@isp.example\n");
    Route r = parse("map_h_from_addresses = \"" + rules + "; bob: b@isp.example\"");
    assertEquals(
        List.of("john", "ann", "bob"),
        r.maps().rules(MapTarget.FROM).stream().map(MapRule::pattern).toList());
    assertEquals(rules + ":2", r.maps().rules(MapTarget.FROM).get(1).where());
  }

  @Test
  void unknownOptionsWarnOrFailWithStrict() throws Exception {
    Route r = parse("mail_host = x.example\nfrobnicate = 1\nprotocol = smtp\n");
    assertEquals(1, r.warnings().size(), r.warnings().toString());
    assertTrue(r.warnings().get(0).startsWith(FILE + ":2: unknown route option 'frobnicate'"));
    assertEquals(
        List.of(),
        parse("allowed_rcpt_domains = isp.example\nnot_allowed_mail_locals = root").warnings(),
        "masqmail 0.2's route conditions are read, not warned about");
    MasqException e =
        assertThrows(MasqException.class, () -> Route.parse("frobnicate = 1\n", FILE, true));
    assertEquals(Exit.CONFIG, e.exitCode());
  }

  @Test
  void dnsAIsTakenAsDnsMxWithAWarning() throws Exception {
    Route r = parse("resolve_list = dns_a; byname");
    assertEquals(List.of(Resolver.DNS_MX, Resolver.BYNAME), r.transport().resolveList());
    assertEquals(1, r.warnings().size());
  }

  @Test
  void routesByName(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("lan.route"), "mail_host = gw.home.lan\n");
    Files.writeString(dir.resolve("isp1.route"), "mail_host = smtp.isp1.example\n");
    Files.writeString(dir.resolve("isp2.route"), "mail_host = smtp.isp2.example\n");
    Files.writeString(dir.resolve("isp2b.route"), "mail_host = backup.isp2.example\n");
    Config cfg =
        Config.parse(
            "permanent_routes = lan.route\nquery_routes.dialup = isp1.route\n"
                + "query_routes.isp2 = isp2.route;isp2b.route\n",
            dir.resolve("masq.conf"),
            Map.of(),
            false);
    assertEquals("gw.home.lan", Routes.permanent(cfg, false).get(0).transport().mailHost());
    assertEquals(2, Routes.query(cfg, "isp2", false).size());
    assertEquals("smtp.isp1.example", Routes.named(cfg, "dialup", false).transport().mailHost());
    assertEquals("smtp.isp1.example", Routes.named(cfg, "isp1", false).transport().mailHost());
    assertEquals("gw.home.lan", Routes.named(cfg, "lan", false).transport().mailHost());
    assertEquals("backup.isp2.example", Routes.named(cfg, "isp2b", false).transport().mailHost());
    assertEquals("smtp.isp2.example", Routes.named(cfg, "isp2", false).transport().mailHost());
    assertEquals(
        "backup.isp2.example",
        Routes.named(cfg, dir.resolve("isp2b.route").toString(), false).transport().mailHost());
    MasqException e = assertThrows(MasqException.class, () -> Routes.named(cfg, "nope", false));
    assertEquals(Exit.UNAVAILABLE, e.exitCode());
    assertTrue(e.getMessage().contains("lan, dialup, isp1, isp2, isp2b"), e.getMessage());
    assertEquals(
        Exit.UNAVAILABLE,
        assertThrows(MasqException.class, () -> Routes.query(cfg, "nope", false)).exitCode());
  }

  /** masq.conf with lan permanent, connection home (home.route) and road (isp.route). */
  static Config laptop(Path dir, String queryRoutes) throws Exception {
    for (String n : List.of("lan", "home", "isp")) {
      Files.writeString(dir.resolve(n + ".route"), "mail_host = " + n + ".example\n");
    }
    return Config.parse(
        "permanent_routes = lan.route\n" + queryRoutes, dir.resolve("masq.conf"), Map.of(), false);
  }

  @Test
  void aConnectionByItsNameOrItsRouteFilesName(@TempDir Path dir) throws Exception {
    Config cfg = laptop(dir, "query_routes.home = home.route\nquery_routes.road = isp.route\n");
    assertEquals("road", Routes.connection(cfg, "road"));
    assertEquals("road", Routes.connection(cfg, "isp"));
    assertEquals("road", Routes.connection(cfg, "link=road"));
    assertEquals("road", Routes.connection(cfg, "route=isp"));
    assertEquals("home", Routes.connection(cfg, "home"));
    List<Route> road = Routes.query(cfg, "road", false);
    assertEquals("road", road.get(0).link());
    assertEquals("route=isp link=road", road.get(0).tag());
    assertEquals("route=lan", Routes.permanent(cfg, false).get(0).tag());
    assertNull(Routes.permanent(cfg, false).get(0).link());
    assertEquals("isp.example", Routes.named(cfg, "road", false).transport().mailHost());
    assertEquals("isp.example", Routes.named(cfg, "isp", false).transport().mailHost());

    MasqException e = assertThrows(MasqException.class, () -> Routes.connection(cfg, "nope"));
    assertEquals(Exit.UNAVAILABLE, e.exitCode());
    assertEquals("unknown route 'nope' (known: home, road, isp)", e.getMessage());
    e = assertThrows(MasqException.class, () -> Routes.connection(cfg, "lan"));
    assertEquals(
        "unknown route 'lan' (a permanent route is used on every run without --route;"
            + " known: home, road, isp)",
        e.getMessage());
    assertThrows(MasqException.class, () -> Routes.connection(cfg, "link=isp"));
    e = assertThrows(MasqException.class, () -> Routes.named(cfg, "nope", false));
    assertEquals("unknown route 'nope' (known: lan, home, road, isp)", e.getMessage());
    e = assertThrows(MasqException.class, () -> Routes.connection(cfg, "a\nb"));
    assertEquals("unknown route 'a\\nb' (known: home, road, isp)", e.getMessage(), "one line");
  }

  @Test
  void aRouteFileNamedLikeAnotherConnectionIsAmbiguous(@TempDir Path dir) throws Exception {
    Config cfg = laptop(dir, "query_routes.road = home.route\nquery_routes.home = isp.route\n");
    MasqException e = assertThrows(MasqException.class, () -> Routes.connection(cfg, "home"));
    assertEquals(Exit.USAGE, e.exitCode());
    assertEquals(
        "ambiguous route 'home': link=road (its route file home.route)"
            + " or link=home (query_routes.home); name one of these",
        e.getMessage());
    assertEquals("home", Routes.connection(cfg, "link=home"));
    assertEquals("road", Routes.connection(cfg, "route=home"));
    assertEquals("home", Routes.connection(cfg, "isp"));
    e = assertThrows(MasqException.class, () -> Routes.named(cfg, "home", false));
    assertEquals(Exit.USAGE, e.exitCode());
    assertTrue(e.getMessage().startsWith("ambiguous route 'home': link=home ("), e.getMessage());
    assertEquals("isp.example", Routes.named(cfg, "link=home", false).transport().mailHost());
    assertEquals("home.example", Routes.named(cfg, "route=home", false).transport().mailHost());
    e = assertThrows(MasqException.class, () -> Routes.connection(cfg, "nope"));
    assertEquals("unknown route 'nope' (known: road, isp)", e.getMessage(), "home is not one");
  }

  @Test
  void noQueryRoutesSaysSo(@TempDir Path dir) throws Exception {
    Config cfg = laptop(dir, "");
    MasqException e = assertThrows(MasqException.class, () -> Routes.connection(cfg, "isp"));
    assertEquals(
        "unknown route 'isp' (no query_routes in " + dir.resolve("masq.conf") + ")",
        e.getMessage());
  }

  @Test
  void theTransportNeverShowsTheSecret() throws Exception {
    Route r =
        parse(
            "mail_host = smtp.isp.example\nauth_name = login\nauth_login = john\n"
                + "auth_secret = \"very secret\"\n");
    String shown = r.transport().toString();
    assertFalse(shown.contains("very secret"), shown);
    assertTrue(shown.contains("secret=(hidden)") && shown.contains("login=john"), shown);
    assertFalse(r.describe().contains("very secret"), r.describe());
  }

  @Test
  void aSecretFromACommandOrAFileAndTheStrongestMechanismByDefault() throws Exception {
    Route r =
        parse(
            "auth_login = john\nauth_secret_command = \"pass show mail/isp\"\n"
                + "auth_secret_timeout = 2m\nauth_allow_plaintext = true\n");
    RouteAuth a = r.transport().auth();
    assertTrue(a.used());
    assertNull(a.mechanism(), "none named: the strongest both sides offer");
    assertEquals("pass show mail/isp", a.secretCommand());
    assertEquals(java.time.Duration.ofMinutes(2), a.secretTimeout());
    assertTrue(a.allowPlaintext());
    assertTrue(r.describe().contains("  auth_name = (the strongest both sides offer)\n"));
    assertTrue(r.describe().contains("  auth_secret_command = pass show mail/isp\n"));
    a =
        parse("auth_name = OAuthBearer\nauth_login = j\nauth_secret_file = tok\n")
            .transport()
            .auth();
    assertEquals(AuthMechanism.OAUTHBEARER, a.mechanism());
    assertEquals(Path.of("/etc/masq/tok"), a.secretFile(), "relative to the route file");
    assertEquals(java.time.Duration.ofSeconds(30), a.secretTimeout());
    assertFalse(a.allowPlaintext());
    assertFalse(parse("auth_login = j\n").transport().auth().used(), "no secret: no AUTH");
  }

  @Test
  void anInlineSecretInAFileOthersMayReadIsWarnedAbout(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("isp.route");
    Files.writeString(f, "auth_login = john\nauth_secret = s\n");
    Files.setPosixFilePermissions(
        f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    List<String> w = Route.load(f, false).warnings();
    assertEquals(1, w.size(), w.toString());
    assertTrue(
        w.get(0).startsWith(f + ": holds auth_secret and is readable by group or others"),
        w.get(0));
    Files.setPosixFilePermissions(
        f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertEquals(List.of(), Route.load(f, false).warnings());
    Files.writeString(f, "auth_login = john\nauth_secret_command = pass\n");
    Files.setPosixFilePermissions(
        f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(List.of(), Route.load(f, false).warnings(), "no secret in the file");
  }

  @Test
  void aSecretFileOthersMayReadIsWarnedAbout(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("isp.secret"), "s\n");
    Path f =
        Files.writeString(
            dir.resolve("isp.route"), "auth_login = john\nauth_secret_file = isp.secret\n");
    Files.setPosixFilePermissions(
        f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    for (String mode : List.of("rw-r-----", "rw----r--")) {
      Files.setPosixFilePermissions(
          secret, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
      assertEquals(
          List.of(
              secret
                  + ": auth_secret_file of "
                  + f
                  + ", is readable by group or others (chmod 600 it)"),
          Route.load(f, false).warnings(),
          mode);
    }
    Files.setPosixFilePermissions(
        secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertEquals(List.of(), Route.load(f, false).warnings(), "the route file itself holds none");
  }
}
