package masq.route;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import masq.address.Address;
import org.junit.jupiter.api.Test;

class LocalityTest {
  private final Locality loc =
      new Locality(
          List.of("localhost", "pc", "*.home.lan"),
          List.of("friend@remote.org"),
          List.of("notme", "away@pc"),
          false,
          "pc.home.lan");

  @Test
  void domainsMatchLocalHostsCaselessly() {
    assertTrue(loc.isLocal(new Address("bob", "PC")));
    assertTrue(loc.isLocal(new Address("bob", "Box.Home.Lan")));
    assertTrue(loc.isLocal(new Address("bob", null)), "unqualified is local");
    assertFalse(loc.isLocal(new Address("bob", "example.com")));
  }

  @Test
  void addressListsOverrideTheDomain() {
    assertTrue(loc.isLocal(new Address("friend", "REMOTE.org")));
    assertFalse(loc.isLocal(new Address("friendly", "remote.org")));
    assertFalse(loc.isLocal(new Address("notme", "pc.home.lan")), "qualified with host_name");
    assertFalse(loc.isLocal(new Address("away", "pc")));
    assertTrue(loc.isLocal(new Address("Away", "pc")), "local parts are case-sensitive by default");
  }

  @Test
  void caselessMatchingIgnoresCaseOfLocalParts() {
    Locality c = new Locality(List.of("pc"), List.of(), List.of("away@pc"), true, "pc");
    assertFalse(c.isLocal(new Address("AWAY", "pc")));
  }
}
