package masq.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import masq.Api;
import masq.Exit;
import masq.MasqException;
import masq.Printable;
import masq.address.Address;
import masq.config.Config;
import masq.route.Locality;

/**
 * Who may send mail where through masq-smtpd. Mail for local addresses is accepted from every
 * client; mail for other domains (relaying) only from a client inside {@code relay_nets} (CIDR
 * networks, IPv4 and IPv6; default loopback), from a local client (a pipe), or from anyone when
 * {@code do_relay = true}.
 *
 * <p>An address is local when its domain matches {@code local_hosts} (globs, case-insensitive) and
 * it is not in {@code not_local_addresses}, or when it is in {@code local_addresses} (masqmail's
 * {@code addr_is_local}).
 */
@Api
public final class RelayPolicy {
  private final Config cfg;
  private final List<Net> nets;
  private final Locality locality;

  /** A network: an address and how many leading bits of it count. */
  record Net(byte[] prefix, int bits) {
    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != prefix.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (b[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (b[full] & mask) == (prefix[full] & mask);
    }
  }

  /**
   * @throws MasqException (78) when an entry of relay_nets is not a network
   */
  public RelayPolicy(Config cfg) throws MasqException {
    this.cfg = cfg;
    List<Net> n = new ArrayList<>();
    for (String item : cfg.smtpd().relayNets()) {
      Net net = parseNet(item);
      if (net == null) {
        throw new MasqException(
            Exit.CONFIG,
            "relay_nets: '"
                + Printable.value(item)
                + "' is not a network such as 192.168.1.0/24 or fd00::/8");
      }
      n.add(net);
    }
    this.nets = List.copyOf(n);
    this.locality = Locality.of(cfg);
  }

  /** Parses {@code ADDRESS[/BITS]}; null when it is not one. */
  static Net parseNet(String s) {
    String t = s.strip();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    InetAddress a = literal(addr);
    if (a == null) {
      return null;
    }
    int max = a.getAddress().length * 8;
    int bits = max;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        return null;
      }
      if (bits < 0 || bits > max) {
        return null;
      }
    }
    return new Net(a.getAddress(), bits);
  }

  /** An IP address literal (IPv4 or IPv6, no host names, no DNS); null when it is not one. */
  public static InetAddress literal(String s) {
    if (s == null || s.isEmpty() || s.length() > 64) {
      return null;
    }
    boolean v6 = s.indexOf(':') >= 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || c == '.'
              || (v6 && (c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
      if (!ok) {
        return null;
      }
    }
    if (!v6 && s.chars().filter(c -> c == '.').count() != 3) {
      return null;
    }
    try {
      return InetAddress.getByName(s); // a literal: no lookup happens
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** True when {@code client} (an IP address, or null for a local client) may relay. */
  public boolean mayRelay(String client) {
    if (cfg.smtpd().doRelay() || client == null) {
      return true;
    }
    InetAddress a = literal(client);
    if (a == null) {
      return false;
    }
    for (Net n : nets) {
      if (n.contains(a)) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code a} (qualified) is delivered on this host. */
  public boolean isLocal(Address a) {
    return locality.isLocal(a);
  }

  /** May {@code client} send mail to {@code rcpt}? */
  public boolean mayReceive(Address rcpt, String client) {
    return isLocal(rcpt) || mayRelay(client);
  }
}
