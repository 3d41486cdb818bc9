package masq.deliver.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import masq.MasqException;
import masq.route.AuthMechanism;
import masq.route.Resolver;
import masq.route.Route;
import masq.route.TlsMode;
import org.junit.jupiter.api.Test;

/**
 * Route files (read by masq.route.Route) to the transport's RemoteSettings: defaults (helo_name
 * falls back to host_name), every transport option, and bad values (exit 78).
 */
class RemoteSettingsTest {
  /**
   * The settings of route {@code r} written as {@code text}, on host me.example, each wait at most
   * {@code wait} (for the transport's tests).
   */
  static RemoteSettings settings(String text, Duration wait) {
    return settings(text, new RemoteSettings.Timeouts(wait, wait, wait, wait));
  }

  /** The settings of route {@code r} written as {@code text}, with masqmail's timeouts. */
  static RemoteSettings settings(String text) {
    return settings(text, RemoteSettings.Timeouts.MASQMAIL);
  }

  private static RemoteSettings settings(String text, RemoteSettings.Timeouts timeouts) {
    try {
      return new RemoteSettings(
          Route.parse(text, Path.of("/etc/masq/r.route"), true), "me.example", timeouts);
    } catch (MasqException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  static RemoteSettings parse(String text) throws MasqException {
    return RemoteSettings.fromRoute(
        Route.parse(text, Path.of("/etc/masq/isp.route"), true), "host.example");
  }

  @Test
  void defaultsAreMasqmails() throws MasqException {
    RemoteSettings s = parse("");
    assertEquals("isp", s.route().name());
    assertNull(s.transport().mailHost());
    assertEquals(25, s.transport().port());
    assertEquals(465, parse("tls = smtps\n").transport().port());
    assertEquals(List.of(Resolver.DNS_MX, Resolver.BYNAME), s.transport().resolveList());
    assertEquals("host.example", s.heloName());
    assertTrue(s.transport().doPipelining() && s.transport().tlsVerify());
    assertEquals(TlsMode.MAY, s.transport().tls()); // direct MX: STARTTLS when offered
    assertEquals(RemoteSettings.Timeouts.MASQMAIL, s.timeouts());
  }

  @Test
  void everyOption() throws MasqException {
    RemoteSettings s =
        parse(
            """
            mail_host = "smtp.isp.example:587"
            smtp_port = 2525
            resolve_list = "byname;dns_mx"
            helo_name = "me.example"
            do_correct_helo = true
            instant_helo = true
            do_pipelining = false
            tls = starttls
            tls_verify = false
            tls_trust_file = "ca.pem"
            auth_name = cram-md5
            auth_login = "joe"
            auth_secret = "pw"
            connect_error_fail = true
            """);
    assertEquals("smtp.isp.example", s.transport().mailHost());
    assertEquals(587, s.transport().port());
    assertEquals(List.of(Resolver.BYNAME, Resolver.DNS_MX), s.transport().resolveList());
    assertEquals("me.example", s.heloName());
    assertTrue(
        s.transport().doCorrectHelo()
            && s.transport().instantHelo()
            && !s.transport().doPipelining()
            && !s.transport().tlsVerify());
    assertEquals(TlsMode.STARTTLS, s.transport().tls());
    assertEquals(Path.of("/etc/masq/ca.pem"), s.transport().tlsTrustFile());
    assertEquals(AuthMechanism.CRAM_MD5, s.transport().auth().mechanism());
    assertTrue(s.transport().connectErrorFail());
    RemoteSettings v6 = parse("mail_host = [IPv6:::1]:2525\n");
    assertEquals("[IPv6:::1]", v6.transport().mailHost());
    assertEquals(2525, v6.transport().port());
    assertEquals("[192.0.2.1]", parse("mail_host = [192.0.2.1]\n").transport().mailHost());
    assertEquals(25, parse("mail_host = [192.0.2.1]\n").transport().port());
    RemoteSettings p =
        parse(
            "pipe = \"/usr/bin/uux - -r -z -a$return_path gate!rmail ($rcpt)\"\n"
                + "pipe_fromline = true\npipe_fromhack = yes\n");
    assertTrue(
        p.transport().pipe().startsWith("/usr/bin/uux")
            && p.transport().pipeFromline()
            && p.transport().pipeFromhack());
  }

  @Test
  void badValuesNameFileAndLine() {
    for (String bad :
        new String[] {
          "tls = maybe",
          "smtp_port = 0",
          "mail_host = h:99999",
          "resolve_list = dns_txt",
          "auth_name = digest",
          "auth_name = plain",
          "wrapper = \"socat - TCP:h:25\"\ntls = smtps",
          "do_pipelining = perhaps"
        }) {
      MasqException e = assertThrows(MasqException.class, () -> parse(bad), bad);
      assertEquals(78, e.exitCode());
      assertTrue(e.getMessage().startsWith("/etc/masq/isp.route:"), e.getMessage());
    }
  }
}
