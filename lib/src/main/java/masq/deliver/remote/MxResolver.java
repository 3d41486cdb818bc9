package masq.deliver.remote;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.regex.Pattern;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import masq.route.Resolver;

/**
 * Finds the addresses to try for a mail host or a recipient domain, as masqmail's {@code
 * resolve_list}: an IP literal ({@code 192.0.2.1}, {@code [192.0.2.1]}) is used as it is; otherwise
 * each resolver is asked in turn and the first one that returns addresses wins. {@code dns_mx}
 * reads MX records through the JDK's JNDI DNS provider, in preference order (equal preferences keep
 * the server's order), each MX host's A/AAAA records in turn, and uses the name's own A/AAAA
 * records when it has no MX (implicit MX); {@code byname} asks the system resolver. The DNS server
 * is the system's, unless JNDI's standard system property {@code java.naming.provider.url} names
 * one ({@code dns://HOST:PORT}: how the tests use a DNS server of their own). Trusts DNS answers
 * only for addresses. How it fails: an UnknownHostException naming the host and, where there was
 * one, the DNS problem.
 */
final class MxResolver {
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  /** One address to connect to, with the name it was found under (what TLS verifies). */
  record Target(String name, InetAddress address) {}

  private final Duration timeout;

  /**
   * @param timeout how long one DNS query may take before it is retried (once)
   */
  MxResolver(Duration timeout) {
    this.timeout = timeout;
  }

  /** The addresses for {@code name}, in the order to try them; never empty. */
  List<Target> resolve(String name, List<Resolver> resolvers) throws UnknownHostException {
    String n = name.strip();
    if (n.startsWith("[") && n.endsWith("]")) {
      n = n.substring(1, n.length() - 1);
      if (n.regionMatches(true, 0, "IPv6:", 0, 5)) {
        n = n.substring(5);
      }
    }
    if (IPV4.matcher(n).matches() || n.indexOf(':') >= 0) {
      return List.of(new Target(n, InetAddress.getByName(n))); // a literal: no lookup
    }
    if (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    if (n.isEmpty()) {
      throw new UnknownHostException("no domain to deliver to");
    }
    n = aLabels(n);
    String problem = null;
    for (Resolver r : resolvers) {
      try {
        List<Target> found =
            switch (r) {
              case DNS_MX -> mx(n);
              case BYNAME -> byName(n);
            };
        if (!found.isEmpty()) {
          return found;
        }
      } catch (NamingException e) {
        problem =
            "DNS: "
                + (e.getExplanation() == null ? e.getClass().getSimpleName() : e.getExplanation());
      } catch (UnknownHostException e) {
        problem = problem == null ? "not found" : problem;
      }
    }
    throw new UnknownHostException(
        "cannot resolve " + n + (problem == null ? "" : " (" + problem + ")"));
  }

  /**
   * An internationalised domain name as DNS knows it, in A-labels ({@code xn--...}, RFC 5891, by
   * {@link IDN}); an ASCII name as it is.
   */
  static String aLabels(String name) throws UnknownHostException {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) > 0x7f) {
        try {
          return IDN.toASCII(name, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
          throw new UnknownHostException("not a valid domain name: " + e.getMessage());
        }
      }
    }
    return name;
  }

  private List<Target> byName(String n) throws UnknownHostException {
    List<Target> out = new ArrayList<>();
    for (InetAddress a : InetAddress.getAllByName(n)) {
      out.add(new Target(n, a));
    }
    return out;
  }

  // the DNS provider returns record values as strings; nothing is deserialized
  @SuppressWarnings("BanJNDI")
  private List<Target> mx(String domain) throws NamingException {
    DirContext ctx = context();
    try {
      Attribute mx;
      try {
        mx = ctx.getAttributes(domain, new String[] {"MX"}).get("MX");
      } catch (NameNotFoundException e) {
        return List.of();
      }
      if (mx == null || mx.size() == 0) {
        return addresses(ctx, domain); // implicit MX
      }
      record Mx(int pref, int order, String host) {}
      List<Mx> list = new ArrayList<>();
      for (int i = 0; i < mx.size(); i++) {
        String[] f = String.valueOf(mx.get(i)).strip().split("\\s+");
        if (f.length != 2 || !f[0].matches("[0-9]{1,5}")) {
          continue;
        }
        String host = f[1].endsWith(".") ? f[1].substring(0, f[1].length() - 1) : f[1];
        if (!host.isEmpty()) { // "0 ." is a null MX: no mail here
          list.add(new Mx(Integer.parseInt(f[0]), i, host));
        }
      }
      list.sort((a, b) ->
          a.pref != b.pref ? Integer.compare(a.pref, b.pref) : Integer.compare(a.order, b.order));
      List<Target> out = new ArrayList<>();
      for (Mx m : list) {
        try {
          out.addAll(addresses(ctx, m.host));
        } catch (NamingException e) {
          // an MX host without addresses is skipped, as by every MTA
        }
      }
      return out;
    } finally {
      ctx.close();
    }
  }

  // the DNS provider returns record values as strings; nothing is deserialized
  @SuppressWarnings("BanJNDI")
  private static List<Target> addresses(DirContext ctx, String host) throws NamingException {
    Attributes at = ctx.getAttributes(host, new String[] {"A", "AAAA"});
    List<Target> out = new ArrayList<>();
    for (String type : new String[] {"A", "AAAA"}) {
      Attribute a = at.get(type);
      if (a == null) {
        continue;
      }
      NamingEnumeration<?> e = a.getAll();
      while (e.hasMore()) {
        String lit = String.valueOf(e.next()).strip();
        try {
          InetAddress ip = InetAddress.getByName(lit); // a literal from DNS: no lookup
          out.add(new Target(host, InetAddress.getByAddress(host, ip.getAddress())));
        } catch (UnknownHostException ignored) {
          // not an address: skip
        }
      }
    }
    return out;
  }

  private DirContext context() throws NamingException {
    Hashtable<String, String> env = new Hashtable<>();
    env.put(DirContext.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    // no PROVIDER_URL: the system's DNS servers, or those of java.naming.provider.url when set
    env.put("com.sun.jndi.dns.timeout.initial", Long.toString(Math.max(100, timeout.toMillis())));
    env.put("com.sun.jndi.dns.timeout.retries", "2");
    return new InitialDirContext(env);
  }
}
