package masq.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import masq.Exit;
import masq.MasqException;
import org.junit.jupiter.api.Test;

/** online_probe, online_probe_timeout and max_size as route files give them. */
class LinkPolicyTest {
  @Test
  void defaultsAreNoProbeAndNoLimit() throws Exception {
    LinkPolicy p = RouteTest.parse("mail_host = smtp.example\n").linkPolicy();
    assertFalse(p.onlineProbe());
    assertEquals(Duration.ofSeconds(3), p.probeTimeout());
    assertEquals(0, p.maxSize());
    assertEquals(0, p.limit(0));
    assertEquals(5000, p.limit(5000));
  }

  @Test
  void aProbeOfAMailHostOrOfTheMxOfAnAllowedDomain() throws Exception {
    LinkPolicy p =
        RouteTest.parse(
                "mail_host = smtp.example:587\nonline_probe = true\nonline_probe_timeout = 1s\n"
                    + "max_size = 1M\n")
            .linkPolicy();
    assertTrue(p.onlineProbe());
    assertEquals(Duration.ofSeconds(1), p.probeTimeout());
    assertNull(p.probeDomain());
    assertEquals(1 << 20, p.maxSize());
    assertEquals(1 << 20, p.limit(0));
    assertEquals(1000, p.limit(1000));
    assertEquals(1 << 20, p.limit(5 << 20));
    LinkPolicy mx =
        RouteTest.parse("allowed_recipients = \"*@*.lan;*@corp.example\"\nonline_probe = true\n")
            .linkPolicy();
    assertEquals("corp.example", mx.probeDomain());
  }

  @Test
  void aProbeTheRouteCannotMakeIsAConfigurationErrorNamingTheLine() {
    for (String text :
        new String[] {
          "online_probe = true\n",
          "allowed_recipients = \"*@*\"\nonline_probe = true\n",
          "pipe = \"/bin/cat\"\nonline_probe = true\n",
          "mail_host = h\nonline_probe_timeout = soon\n",
          "mail_host = h\nmax_size = lots\n",
        }) {
      MasqException e = assertThrows(MasqException.class, () -> RouteTest.parse(text), text);
      assertEquals(Exit.CONFIG, e.exitCode());
      assertTrue(e.getMessage().startsWith("/etc/masq/isp.route:"), e.getMessage());
    }
  }

  @Test
  void sizesForPeople() {
    assertEquals("812 bytes", LinkPolicy.human(812));
    assertEquals("2 kB", LinkPolicy.human(2048));
    assertEquals("4.4 kB", LinkPolicy.human(4536));
    assertEquals("1 MB", LinkPolicy.human(1 << 20));
    assertEquals("2.1 MB", LinkPolicy.human(2_200_000));
    assertEquals("3 GB", LinkPolicy.human(3L << 30));
  }
}
