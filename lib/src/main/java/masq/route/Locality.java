package masq.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import masq.Api;
import masq.address.Address;
import masq.address.Glob;
import masq.config.Config;

/**
 * Which recipients are local, as masqmail decides it (address.c {@code addr_is_local}): an address
 * is local when its domain matches {@code local_hosts} (fnmatch globs, ignoring case; an
 * unqualified address always counts) and it is not in {@code not_local_addresses}, or when it is in
 * {@code local_addresses}. Entries of both address lists are qualified with {@code host_name};
 * local parts compare exactly, or ignoring case with {@code caseless_matching}; domains always
 * ignore case.
 */
@Api
public final class Locality {
  private final List<String> localHosts;
  private final List<Address> localAddresses;
  private final List<Address> notLocalAddresses;
  private final boolean caseless;

  public Locality(
      List<String> localHosts,
      List<String> localAddresses,
      List<String> notLocalAddresses,
      boolean caseless,
      String hostName) {
    this.localHosts = List.copyOf(localHosts);
    this.localAddresses = addresses(localAddresses, hostName);
    this.notLocalAddresses = addresses(notLocalAddresses, hostName);
    this.caseless = caseless;
  }

  public static Locality of(Config cfg) {
    return new Locality(
        cfg.names().localHosts(),
        cfg.names().localAddresses(),
        cfg.names().notLocalAddresses(),
        cfg.mailboxes().caselessMatching(),
        cfg.names().hostName());
  }

  /** True when {@code domain} is this host: null or empty, or matching {@code local_hosts}. */
  public boolean isLocalDomain(String domain) {
    if (domain == null || domain.isEmpty()) {
      return true;
    }
    for (String pattern : localHosts) {
      if (Glob.matches(pattern, domain, true)) {
        return true;
      }
    }
    return false;
  }

  /** True when mail for {@code a} is delivered on this host. */
  public boolean isLocal(Address a) {
    if (contains(localAddresses, a)) {
      return true;
    }
    return isLocalDomain(a.domain()) && !contains(notLocalAddresses, a);
  }

  /**
   * True when a route's rewrite rules may change {@code a}: no domain, a domain in {@code
   * local_hosts}, or listed in {@code local_addresses}. {@code not_local_addresses} is ignored
   * here, as masqmail's rewriting ignores it; the null sender is never rewritten.
   */
  public boolean isRewritable(Address a) {
    if (a.isNull()) {
      return false;
    }
    return isLocalDomain(a.domain()) || contains(localAddresses, a);
  }

  /** masqmail's {@code addr_isequal}: local part exact (or caseless), domain caseless. */
  public boolean same(Address a, Address b) {
    boolean local =
        caseless
            ? a.localPart().equalsIgnoreCase(b.localPart())
            : a.localPart().equals(b.localPart());
    return local && a.domainLower().equals(b.domainLower());
  }

  private boolean contains(List<Address> list, Address a) {
    for (Address x : list) {
      if (same(x, a)) {
        return true;
      }
    }
    return false;
  }

  /** Splits at the last '@' (leniently: a list entry is not an envelope to be refused). */
  private static List<Address> addresses(List<String> items, String hostName) {
    List<Address> out = new ArrayList<>();
    for (String item : items) {
      String s = item.strip();
      if (s.startsWith("<") && s.endsWith(">")) {
        s = s.substring(1, s.length() - 1);
      }
      int at = s.lastIndexOf('@');
      out.add(
          at < 0
              ? new Address(s, hostName.toLowerCase(Locale.ROOT))
              : new Address(s.substring(0, at), s.substring(at + 1)));
    }
    return List.copyOf(out);
  }
}
