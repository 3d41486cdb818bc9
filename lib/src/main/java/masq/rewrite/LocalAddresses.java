package masq.rewrite;

import java.util.ArrayList;
import java.util.List;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.address.Glob;
import masq.config.Config;

/**
 * Which addresses are this host's, in the two senses masq needs here. For rewriting: an
 * address without a domain, with a domain in {@code local_hosts}, or listed in
 * {@code local_addresses} ({@code not_local_addresses} is ignored, as masqmail's rewriting
 * ignores it). For delivery: a domain in {@code local_hosts} and not in
 * {@code not_local_addresses}, or listed in {@code local_addresses} (masqmail's
 * {@code addr_is_local}).
 *
 * <p>(Kept small and private to rewriting; the delivery code's classification of recipients is
 * {@code masq.route.Locality}, and the two should become one.)
 */
public final class LocalAddresses {
  private final List<String> localHosts;
  private final List<Address> localAddresses;
  private final List<Address> notLocalAddresses;
  private final boolean caseless;

  public LocalAddresses(Config cfg) {
    this.localHosts = cfg.localHosts();
    this.localAddresses = parse(cfg.localAddresses(), cfg.hostName());
    this.notLocalAddresses = parse(cfg.notLocalAddresses(), cfg.hostName());
    this.caseless = cfg.caselessMatching();
  }

  private static List<Address> parse(List<String> items, String host) {
    List<Address> out = new ArrayList<>();
    for (String s : items) {
      try {
        out.add(AddressParser.parseEnvelope(s).qualify(host));
      } catch (AddressException e) {
        // not an address: it cannot match one
      }
    }
    return List.copyOf(out);
  }

  /** True when the route's rewrite rules may change {@code a}. The null sender never. */
  public boolean forRewriting(Address a) {
    if (a.isNull()) {
      return false;
    }
    return a.domain() == null || localDomain(a.domain()) || listed(localAddresses, a);
  }

  /** True when {@code a} is delivered on this host rather than over a route. */
  public boolean forDelivery(Address a) {
    if (a.isNull()) {
      return false;
    }
    if (listed(localAddresses, a)) {
      return true;
    }
    return (a.domain() == null || localDomain(a.domain())) && !listed(notLocalAddresses, a);
  }

  private boolean localDomain(String domain) {
    for (String g : localHosts) {
      if (Glob.matches(g, domain, true)) {
        return true;
      }
    }
    return false;
  }

  private boolean listed(List<Address> list, Address a) {
    for (Address l : list) {
      boolean local = caseless ? l.localPart().equalsIgnoreCase(a.localPart())
          : l.localPart().equals(a.localPart());
      if (local && l.domainLower().equals(a.domainLower())) {
        return true;
      }
    }
    return false;
  }
}
