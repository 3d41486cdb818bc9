package masq.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import masq.MasqException;
import masq.address.Address;
import masq.config.Config;
import org.junit.jupiter.api.Test;

class RelayPolicyTest {
  private static RelayPolicy policy(String conf) throws MasqException {
    return new RelayPolicy(
        Config.parse("host_name = pc.lan\n" + conf, Path.of("/x/masq.conf"), Map.of(), false));
  }

  @Test
  void defaultRelayNetsAreLoopbackOnly() throws MasqException {
    RelayPolicy p = policy("");
    assertTrue(p.mayRelay("127.0.0.1"));
    assertTrue(p.mayRelay("127.0.0.2"));
    assertTrue(p.mayRelay("::1"));
    assertTrue(p.mayRelay(null), "a local client (pipe)");
    assertFalse(p.mayRelay("192.168.1.5"));
    assertFalse(p.mayRelay("::2"));
  }

  @Test
  void cidrMatchingIpv4AndIpv6() throws MasqException {
    RelayPolicy p = policy("relay_nets = 192.168.1.0/24; 10.0.0.0/9; fd00::/8; 172.16.5.5\n");
    assertTrue(p.mayRelay("192.168.1.254"));
    assertFalse(p.mayRelay("192.168.2.1"));
    assertTrue(p.mayRelay("10.127.0.1"));
    assertFalse(p.mayRelay("10.128.0.1"));
    assertTrue(p.mayRelay("fd12:3456::1"));
    assertFalse(p.mayRelay("fe80::1"));
    assertTrue(p.mayRelay("172.16.5.5"));
    assertFalse(p.mayRelay("172.16.5.6"));
    assertFalse(p.mayRelay("127.0.0.1"), "loopback is no longer listed");
    assertFalse(p.mayRelay("not-an-ip"));
  }

  @Test
  void doRelayLetsEveryoneRelay() throws MasqException {
    assertTrue(policy("do_relay = true\n").mayRelay("203.0.113.9"));
  }

  @Test
  void badNetworkIsAConfigurationError() {
    MasqException e = assertThrows(MasqException.class, () -> policy("relay_nets = 10.0.0.0/33\n"));
    assertEquals(78, e.exitCode());
    assertThrows(MasqException.class, () -> policy("relay_nets = example.com\n"));
    assertNull(RelayPolicy.parseNet("1.2.3/8"));
  }

  @Test
  void localAddresses() throws MasqException {
    RelayPolicy p =
        policy(
            "local_hosts = localhost; *.lan\nnot_local_addresses = guest@pc.lan\n"
                + "local_addresses = bob@example.org\n");
    assertTrue(p.isLocal(new Address("a", "PC.LAN")));
    assertTrue(p.isLocal(new Address("a", "localhost")));
    assertFalse(p.isLocal(new Address("guest", "pc.lan")));
    assertTrue(p.isLocal(new Address("bob", "example.org")));
    assertFalse(p.isLocal(new Address("alice", "example.org")));
    assertTrue(p.mayReceive(new Address("a", "pc.lan"), "203.0.113.9"));
    assertFalse(p.mayReceive(new Address("a", "example.net"), "203.0.113.9"));
  }
}
