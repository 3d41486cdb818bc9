package masq.tests.remote;

import static masq.tests.remote.Msgs.msg;
import static masq.tests.remote.Msgs.outcomes;
import static masq.tests.remote.Msgs.send;
import static masq.tests.remote.Msgs.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import masq.deliver.remote.RecipientResult;
import masq.deliver.remote.RemoteSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Direct delivery (no mail_host) with MX records served by dnsmasq on a loopback port: two MX hosts
 * where the first is down, preference order, implicit MX, an unknown domain, byname. The JVM's
 * lookups go to dnsmasq through JNDI's standard {@code java.naming.provider.url} property, set for
 * each test.
 */
class MxTest extends WithPeers {
  int port;
  int dns;
  Path sinkA;
  Path sinkB;

  @BeforeEach
  void start() throws Exception {
    port = Peers.freePort();
    dns = Peers.freePort();
    sinkA = peers.smtpSink("127.0.0.1", port);
    sinkB = peers.smtpSink("127.0.0.3", port);
    peers.dnsmasq(
        dns,
        "--mx-host=two.test,mx1.two.test,10",
        "--mx-host=two.test,mx2.two.test,20",
        "--host-record=mx1.two.test,127.0.0.2",
        "--host-record=mx2.two.test,127.0.0.1",
        "--mx-host=pref.test,low.pref.test,20",
        "--mx-host=pref.test,high.pref.test,10",
        "--host-record=low.pref.test,127.0.0.1",
        "--host-record=high.pref.test,127.0.0.3",
        "--host-record=plain.test,127.0.0.1",
        "--mx-host=xn--fsqu00a.test,mx2.two.test,10"); // 例子.test in A-labels
    // JNDI's standard property: the DNS server this JVM's lookups ask (masq sets none itself)
    System.setProperty(Peers.DNS_SERVER, "dns://127.0.0.1:" + dns);
  }

  @AfterEach
  void systemDns() {
    System.clearProperty(Peers.DNS_SERVER);
  }

  TestRoute direct() {
    return settings("direct").option("smtp_port", port).option("resolve_list", "dns_mx");
  }

  @Test
  void eachDomainGoesToItsBestReachableMx() throws Exception {
    List<RecipientResult> rs =
        send(
            direct().build(),
            msg(
                "X1",
                "joe@home.example",
                "hello\n",
                "a@two.test",
                "b@pref.test",
                "c@plain.test",
                "d@nx.test",
                "e@TWO.test"));
    assertEquals(
        List.of(
            "X1 a@two.test DELIVERED",
            "X1 b@pref.test DELIVERED",
            "X1 c@plain.test DELIVERED",
            "X1 d@nx.test DEFERRED",
            "X1 e@TWO.test DELIVERED"),
        outcomes(rs));
    for (RecipientResult r : rs) {
      String want =
          switch (r.recipient().localPart()) {
            case "a", "e" -> "mx2.two.test [127.0.0.1]:" + port; // mx1 (127.0.0.2) refuses
            case "b" -> "high.pref.test [127.0.0.3]:" + port; // preference 10 before 20
            case "c" -> "plain.test [127.0.0.1]:" + port; // no MX: its own address
            default -> "nx.test";
          };
      assertEquals(want, r.host(), r.toString());
    }
    String nx =
        rs.stream()
            .filter(r -> r.recipient().localPart().equals("d"))
            .findFirst()
            .orElseThrow()
            .reply();
    assertTrue(nx.startsWith("cannot resolve nx.test"), nx);
    String a = String.join("\n", Peers.waitDumps(sinkA, 2));
    assertTrue(a.contains("X-Rcpt-Args: <a@two.test>\nX-Rcpt-Args: <e@TWO.test>"), a);
    assertTrue(a.contains("X-Rcpt-Args: <c@plain.test>"), a);
    String b = String.join("\n", Peers.waitDumps(sinkB, 1));
    assertTrue(b.contains("X-Rcpt-Args: <b@pref.test>") && !b.contains("two.test"), b);
  }

  @Test
  void anInternationalisedDomainIsLookedUpAsALabels() throws Exception {
    List<RecipientResult> rs =
        send(direct().build(), msg("X9", "joe@home.example", "hello\n", "a@\u4f8b\u5b50.test"));
    assertEquals(List.of("X9 a@\u4f8b\u5b50.test DELIVERED"), outcomes(rs));
    assertTrue(rs.get(0).host().contains("mx2.two.test"), rs.get(0).host());
  }

  @Test
  void unresolvableFailsWithConnectErrorFailAndIpLiteralsNeedNoDns() throws Exception {
    List<RecipientResult> rs =
        send(
            direct().option("connect_error_fail", true).build(),
            msg("X2", "joe@home.example", "x\n", "d@nx.test", "lit@[127.0.0.3]"));
    assertEquals(List.of("X2 d@nx.test FAILED", "X2 lit@[127.0.0.3] DELIVERED"), outcomes(rs));
  }

  @Test
  void bynameUsesTheSystemResolver() throws Exception {
    RemoteSettings s =
        settings("byname")
            .mailHost("localhost")
            .option("smtp_port", port)
            .option("resolve_list", "byname")
            .build();
    List<RecipientResult> rs = send(s, msg("X3", "joe@home.example", "x\n", "z@anything.example"));
    assertEquals(List.of("X3 z@anything.example DELIVERED"), outcomes(rs));
  }
}
