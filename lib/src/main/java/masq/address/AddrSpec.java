package masq.address;

import static masq.address.ListScanner.AT;
import static masq.address.ListScanner.ATOM;
import static masq.address.ListScanner.DOT;
import static masq.address.ListScanner.LITERAL;
import static masq.address.ListScanner.QUOTED;

/**
 * An addr-spec ({@code local-part "@" domain}, RFC 5322 section 3.4.1, with the CFWS and
 * obs-local-part of section 4.4) read from the tokens of a list element, and the rules for its
 * parts that the strict envelope parser ({@link AddressParser}) shares: the longest address,
 * address literals, host names.
 */
final class AddrSpec {
  /** RFC 5321 limits a path to 256 octets; masq refuses longer addresses. */
  static final int MAX_LENGTH = 256;

  private final String v;
  private final ListTokens t;

  // what read() found: the address, or why there is none
  Address found;
  String why;

  /** A reader of addr-specs among {@code t}, tokens of {@code v}. */
  AddrSpec(String v, ListTokens t) {
    this.v = v;
    this.t = t;
  }

  /**
   * Reads tokens [from, to) as an addr-spec: local-part ["@" domain]. Sets {@link #found}, or
   * {@link #why} and returns false.
   */
  boolean read(int from, int to) {
    int i = from;
    boolean plain = true;
    boolean sawWord = false;
    boolean prevWord = false;
    while (i < to && (ListTokens.isWord(t.kinds[i]) || t.kinds[i] == DOT)) {
      boolean word = ListTokens.isWord(t.kinds[i]);
      if (word && prevWord) {
        return fail("words without '.' between them");
      }
      if (t.kinds[i] == QUOTED || (i > from && t.gaps[i])) {
        plain = false;
      }
      prevWord = word;
      sawWord |= word;
      i++;
    }
    if (!sawWord) {
      return fail(i < to ? "unexpected '" + v.charAt(t.starts[i]) + "'" : "empty local part");
    }
    String local = plain ? v.substring(t.starts[from], t.ends[i - 1]) : semanticLocal(from, i);
    String domain = null;
    if (i < to) {
      if (t.kinds[i] != AT) {
        return fail("unexpected '" + v.charAt(t.starts[i]) + "'");
      }
      i++;
      if (i == to) {
        return fail("empty domain");
      }
      if (t.kinds[i] == LITERAL) {
        if (i + 1 != to) {
          return fail("text after the domain literal");
        }
        domain = v.substring(t.starts[i], t.ends[i]).replace("\r", "").replace("\n", "");
        if (!isLiteral(domain)) {
          return fail("bad address literal");
        }
      } else {
        int first = i;
        boolean spaced = false;
        boolean prevAtom = false;
        for (; i < to; i++) {
          int k = t.kinds[i];
          if (k == AT) {
            return fail("'@' twice");
          }
          if ((k != ATOM && k != DOT) || (k == ATOM && prevAtom)) {
            return fail("bad domain");
          }
          prevAtom = k == ATOM;
          spaced |= (i > first && t.gaps[i]);
        }
        if (spaced) {
          StringBuilder d = new StringBuilder();
          for (int j = first; j < to; j++) {
            d.append(v, t.starts[j], t.ends[j]);
          }
          domain = d.toString();
        } else {
          domain = v.substring(t.starts[first], t.ends[to - 1]);
        }
        String bad = domainProblem(domain);
        if (bad != null) {
          return fail(bad);
        }
      }
    }
    if (hasControl(local) || (domain != null && hasControl(domain))) {
      return fail("control character in address");
    }
    if (Utf8.invalidAt(local) >= 0 || (domain != null && Utf8.invalidAt(domain) >= 0)) {
      return fail(Utf8.INVALID);
    }
    if (local.length() + (domain == null ? 0 : domain.length() + 1) > MAX_LENGTH) {
      return fail("longer than " + MAX_LENGTH + " characters");
    }
    found = new Address(local, domain);
    return true;
  }

  private boolean fail(String reason) {
    why = reason;
    found = null;
    return false;
  }

  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /**
   * A local part written with quoted strings or CFWS, as the text it stands for: unquoted when that
   * is a dot-atom, else one quoted string ({@code "a"."b"} is {@code a.b}, {@code "john doe"} stays
   * quoted).
   */
  private String semanticLocal(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      if (t.kinds[i] == QUOTED) {
        unquote(v, t.starts[i], t.ends[i], sb);
      } else {
        sb.append(v, t.starts[i], t.ends[i]);
      }
    }
    String s = sb.toString();
    return isDotAtom(s) ? s : quote(s);
  }

  /** Appends the content of the quoted string at [s, e): quoted pairs resolved, folds removed. */
  static void unquote(String v, int s, int e, StringBuilder sb) {
    for (int j = s + 1; j < e - 1; j++) {
      char c = v.charAt(j);
      if (c == '\\' && j + 1 < e - 1) {
        sb.append(v.charAt(++j));
      } else if (c != '\r' && c != '\n') {
        sb.append(c);
      }
    }
  }

  /** True for a strict dot-atom: atext (8-bit allowed) in atoms joined by single dots. */
  static boolean isDotAtom(String s) {
    if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.' ? s.charAt(i - 1) == '.' : !ListScanner.isAtom(c) || c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} as one quoted string. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }

  /**
   * An address literal: {@code [...]} with no bracket, space, backslash or '@' inside (with an '@'
   * the envelope parser, which splits at the last one, would read another address printed).
   */
  static boolean isLiteral(String d) {
    return d.startsWith("[")
        && d.endsWith("]")
        && d.indexOf('[', 1) < 0
        && d.indexOf(']') == d.length() - 1
        && d.indexOf(' ') < 0
        && d.indexOf('\\') < 0
        && d.indexOf('@') < 0;
  }

  /**
   * What keeps {@code d} from being a host name as RFC 5321 wants it (letters, digits, '-', '.',
   * '_', 8-bit for IDNs; a final dot allowed), or null when nothing does.
   */
  static String domainProblem(String d) {
    if (d.startsWith(".") || d.contains("..")) {
      return "empty domain label";
    }
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      if (!Address.isDomainChar(c)) {
        return "bad character '" + c + "' in domain";
      }
    }
    return null;
  }
}
