package masq.route;

import java.util.List;
import masq.Exit;
import masq.MasqException;
import masq.Printable;
import masq.address.Address;
import masq.address.AddressParser;
import masq.address.Glob;
import masq.address.Mailbox;

/**
 * One rewrite rule {@code pattern: replacement} of a {@code map_*} option. The pattern is an
 * fnmatch glob on the local part (case-sensitive); the replacement is a full address, optionally
 * with a display name ({@code Name <user@example.com>}), or {@code *@domain} to change only the
 * domain.
 *
 * @param text the replacement as written (display name included), inserted for a bare address
 * @param address the replacement's addr-spec; its local part is {@code *} when domain-only
 * @param displayName the replacement's display name, "" when it has none
 * @param where {@code file:line} of the rule
 */
public record MapRule(
    String pattern, String text, Address address, String displayName, String where) {

  /** Parses {@code pattern: replacement}; errors name {@code where} (exit 78). */
  static MapRule parse(String item, String where, String option) throws MasqException {
    int colon = item.indexOf(':');
    if (colon < 0) {
      throw bad(where, option, item, "expected 'pattern: replacement'");
    }
    String pattern = item.substring(0, colon).strip();
    String repl = item.substring(colon + 1).strip();
    if (pattern.isEmpty()) {
      throw bad(where, option, item, "empty pattern");
    }
    if (repl.isEmpty()) {
      throw bad(where, option, item, "empty replacement");
    }
    for (int i = 0; i < repl.length(); i++) {
      if (repl.charAt(i) < 0x20 || repl.charAt(i) == 0x7f) {
        throw bad(where, option, item, "control character in replacement");
      }
    }
    List<Mailbox> boxes = AddressParser.parseList(repl);
    Mailbox m = boxes.size() == 1 ? boxes.get(0) : null;
    // one mailbox and nothing else: no group around it, no text after it, no fault recovered
    boolean whole =
        m != null
            && m.problem() == null
            && (m.angle()
                ? (m.nameStart() < 0 ? repl.startsWith("<") : m.nameStart() == 0)
                    && repl.endsWith(">")
                : m.bare() && m.start() == 0 && m.end() == repl.length());
    if (!whole || m.address().isNull()) {
      throw bad(where, option, item, "replacement is not one address");
    }
    Address a = m.address();
    if (a.domain() == null) {
      throw bad(where, option, item, "replacement lacks a domain");
    }
    String display = m.nameStart() < 0 ? "" : repl.substring(m.nameStart(), m.nameEnd());
    return new MapRule(pattern, repl, a, display, where);
  }

  private static MasqException bad(String where, String option, String item, String what) {
    return new MasqException(
        Exit.CONFIG, where + ": " + option + ": rule '" + Printable.value(item) + "': " + what);
  }

  /** The rule {@code *: *@domain} that masqmail's older {@code set_*_domain} options stand for. */
  static MapRule domainRule(String domain, String where) {
    return new MapRule("*", "*@" + domain, new Address("*", domain), "", where);
  }

  /** True when the replacement is {@code *@domain}: only the domain changes. */
  public boolean domainOnly() {
    return address.localPart().equals("*");
  }

  public boolean matches(String localPart) {
    return Glob.matches(pattern, localPart, false);
  }

  /** The first rule of {@code rules} whose pattern matches {@code localPart}, or null. */
  public static MapRule find(List<MapRule> rules, String localPart) {
    for (MapRule r : rules) {
      if (r.matches(localPart)) {
        return r;
      }
    }
    return null;
  }
}
