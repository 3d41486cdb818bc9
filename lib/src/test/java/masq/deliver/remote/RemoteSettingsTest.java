package masq.deliver.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import masq.MasqException;
import masq.route.Route;
import org.junit.jupiter.api.Test;

/**
 * Route files (read by masq.route.Route) to RemoteSettings: defaults, every transport option, and
 * bad values (exit 78).
 */
class RemoteSettingsTest {
  static RemoteSettings parse(String text) throws MasqException {
    return RemoteSettings.fromRoute(
        Route.parse(text, Path.of("/etc/masq/isp.route"), true), "host.example");
  }

  @Test
  void defaultsAreMasqmails() throws MasqException {
    RemoteSettings s = parse("");
    assertEquals("isp", s.routeName());
    assertNull(s.mailHost());
    assertEquals(25, s.port());
    assertEquals(465, parse("tls = smtps\n").port());
    assertEquals(
        List.of(RemoteSettings.Resolver.DNS_MX, RemoteSettings.Resolver.BYNAME), s.resolveList());
    assertEquals("host.example", s.heloName());
    assertTrue(s.pipelining() && s.tlsVerify());
    assertEquals(RemoteSettings.Tls.NONE, s.tls());
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
    assertEquals("smtp.isp.example", s.mailHost());
    assertEquals(587, s.port());
    assertEquals(
        List.of(RemoteSettings.Resolver.BYNAME, RemoteSettings.Resolver.DNS_MX), s.resolveList());
    assertEquals("me.example", s.heloName());
    assertTrue(s.correctHelo() && s.instantHelo() && !s.pipelining() && !s.tlsVerify());
    assertEquals(RemoteSettings.Tls.STARTTLS, s.tls());
    assertEquals(Path.of("/etc/masq/ca.pem"), s.tlsTrustFile());
    assertEquals(RemoteSettings.AuthMechanism.CRAM_MD5, s.authName());
    assertTrue(s.connectErrorFail());
    RemoteSettings v6 = parse("mail_host = [IPv6:::1]:2525\n");
    assertEquals("[IPv6:::1]", v6.mailHost());
    assertEquals(2525, v6.port());
    assertEquals("[192.0.2.1]", parse("mail_host = [192.0.2.1]\n").mailHost());
    assertEquals(25, parse("mail_host = [192.0.2.1]\n").port());
    RemoteSettings p =
        parse(
            "pipe = \"/usr/bin/uux - -r -z -a$return_path gate!rmail ($rcpt)\"\n"
                + "pipe_fromline = true\npipe_fromhack = yes\n");
    assertTrue(p.pipe().startsWith("/usr/bin/uux") && p.pipeFromLine() && p.pipeFromHack());
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
