package masq.rewrite;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import masq.Api;
import masq.Printable;
import masq.address.Address;
import masq.address.AddressParser;
import masq.address.Mailbox;
import masq.config.Config;
import masq.message.Header;
import masq.route.Locality;
import masq.route.MapRule;
import masq.route.MapTarget;
import masq.route.Route;

/**
 * A route's address rewriting (masqmail's {@code map_*} options, see masq.route(5)): pure functions
 * from a header section and return path to the ones that leave over the route. The spool is never
 * changed; {@code masq-deliver} calls this per route, {@code masq-rewrite} shows it.
 *
 * <p>Only {@code From:}, {@code Sender:}, {@code Reply-To:}, {@code Mail-Followup-To:} (every
 * occurrence) and the return path are rewritten, and in them only local addresses (see {@link
 * Locality#isRewritable}). For each, the specific map is searched first, then {@code
 * map_outgoing_addresses}; the first rule whose pattern matches the local part wins. In a header
 * only the addr-spec of a matching element changes: a bare address gets the whole replacement,
 * display name included; an address in angle brackets or with a comment keeps its own display name
 * and comments; {@code *@domain} changes only the domain. Everything else in the value (other
 * elements, separators, comments, folding, 8-bit text) stays byte for byte.
 *
 * <p>Addresses the parser reads around a fault (an unclosed quote or bracket, see {@link
 * AddressParser#parseList}) are rewritten like the others, with a warning. An element it cannot
 * read is left as it is: with a warning when it names no local domain, but as {@link
 * Rewritten#unreadable} when it might hold an address that should have been rewritten, so that the
 * caller sends nothing (masq-deliver defers, masq-rewrite fails) rather than leak it.
 *
 * <p>With {@code qualify_header_addresses} (the default), an address without a domain that no rule
 * rewrote ({@code From: john}, {@code Cc: carol}, as mail clients and cron write them) gets
 * {@code @host_name} in every address header ({@link #ADDRESS_HEADERS}), so that it leaves
 * well-formed (RFC 5322 section 3.4.1) and replies reach it.
 */
@Api
public final class Rewriter {
  /** The header fields (any case) whose unqualified addresses are qualified. */
  private static final Set<String> ADDRESS_HEADERS = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  static {
    ADDRESS_HEADERS.addAll(
        List.of(
            "from",
            "sender",
            "reply-to",
            "to",
            "cc",
            "bcc",
            "mail-followup-to",
            "mail-reply-to",
            "resent-from",
            "resent-sender",
            "resent-to",
            "resent-cc",
            "resent-bcc",
            "resent-reply-to",
            "disposition-notification-to",
            "return-receipt-to",
            "errors-to"));
  }

  private final Route route;
  private final Locality local;
  private final String hostName;

  public Rewriter(Route route, Config cfg) {
    this.route = route;
    this.local = Locality.of(cfg);
    this.hostName = cfg.names().hostName();
  }

  /** Rewrites {@code headers} and {@code returnPath} (null when there is none) for the route. */
  public Rewritten rewrite(List<Header> headers, Address returnPath) {
    List<String> warnings = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    List<Header> out = headers;
    for (int i = 0; i < headers.size(); i++) {
      Header h = headers.get(i);
      MapTarget t = MapTarget.ofHeader(h.name());
      boolean mapped =
          t != null && !(route.maps().rules(t).isEmpty() && route.maps().outgoingRules().isEmpty());
      boolean qualified =
          route.maps().qualifyHeaderAddresses()
              && ADDRESS_HEADERS.contains(h.name()); // no lower-case copy per header
      if (!mapped && !qualified) {
        continue;
      }
      Header n = rewriteHeader(h, mapped ? t : null, qualified, warnings, unreadable);
      if (n != h) {
        if (out == headers) {
          out = new ArrayList<>(headers);
        }
        out.set(i, n);
      }
    }
    return new Rewritten(
        out == headers ? headers : List.copyOf(out),
        returnPath == null ? null : returnPath(returnPath),
        List.copyOf(warnings),
        List.copyOf(unreadable));
  }

  /** The return path over this route: a local one whose local part matches a rule is replaced. */
  public Address returnPath(Address rp) {
    if (!local.isRewritable(rp)) {
      return rp;
    }
    MapRule r = find(MapTarget.RETURN_PATH, rp.localPart());
    if (r == null) {
      return rp;
    }
    return r.domainOnly() ? new Address(rp.localPart(), r.address().domain()) : r.address();
  }

  private MapRule find(MapTarget t, String localPart) {
    MapRule r = MapRule.find(route.maps().rules(t), localPart);
    return r != null ? r : MapRule.find(route.maps().outgoingRules(), localPart);
  }

  /**
   * The header with its matching addresses replaced (by the rules of {@code t}, none when null)
   * and, with {@code qualify}, its addresses without a domain qualified; {@code h} itself when
   * nothing changed.
   */
  Header rewriteHeader(
      Header h, MapTarget t, boolean qualify, List<String> warnings, List<String> unreadable) {
    String raw = h.raw();
    int base = raw.indexOf(':') + 1;
    String value = raw.substring(base);
    StringBuilder sb = null;
    int copied = 0;
    for (Mailbox m : AddressParser.parseList(value)) {
      Address a = m.address();
      if (a == null) {
        if (t == null) {
          continue; // only qualifying: an unreadable element is left as it is, as before
        }
        String text = Printable.value(utf8(m.text()).strip());
        if (mayHoldLocal(m.text())) {
          unreadable.add(h.name() + ": header: '" + text + "' (" + m.problem() + ")");
        } else {
          warnings.add(h.name() + ": cannot parse '" + text + "'; left as it is");
        }
        continue;
      }
      Address u = new Address(utf8(a.localPart()), a.domain() == null ? null : utf8(a.domain()));
      MapRule r = t != null && local.isRewritable(u) ? find(t, u.localPart()) : null;
      String replacement;
      if (r == null) {
        if (!qualify || a.isNull() || a.domain() != null) {
          continue;
        }
        replacement = a.localPart() + "@" + bytes(hostName);
      } else if (r.domainOnly()) {
        replacement = a.localPart() + "@" + bytes(r.address().domain());
      } else if (m.bare()) {
        replacement = bytes(r.text());
      } else {
        replacement = bytes(r.address().toString());
      }
      if (m.recovered()) {
        warnings.add(
            h.name()
                + ": read <"
                + utf8(a.toString())
                + "> in spite of "
                + m.problem()
                + "; rewritten");
      }
      if (sb == null) {
        sb = new StringBuilder(raw.length() + 64).append(raw, 0, base);
      }
      sb.append(value, copied, m.start()).append(replacement);
      copied = m.end();
    }
    if (sb == null) {
      return h;
    }
    sb.append(value, copied, value.length());
    return new Header(h.name(), sb.toString());
  }

  /**
   * Might the unreadable list element {@code text} hold an address this host would rewrite? Yes
   * when a domain after one of its {@code @} is in {@code local_hosts} (or cannot be told). Words
   * without {@code @} are no address (an unqualified one, a single word, is always readable).
   */
  private boolean mayHoldLocal(String text) {
    for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
      int s = at + 1;
      while (s < text.length() && isSpace(text.charAt(s))) {
        s++;
      }
      int e = s;
      while (e < text.length() && Address.isDomainChar(text.charAt(e))) {
        e++;
      }
      if (e == s || local.isLocalDomain(text.substring(s, e))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  /** Header text (one char per byte) as the UTF-8 text it encodes. */
  private static String utf8(String latin1) {
    for (int i = 0; i < latin1.length(); i++) {
      if (latin1.charAt(i) >= 0x80) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
      }
    }
    return latin1;
  }

  /** Text as header bytes (UTF-8, one char per byte). */
  private static String bytes(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
