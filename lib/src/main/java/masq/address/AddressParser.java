package masq.address;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses addresses: envelope addresses (command line, SMTP, spool) strictly, and RFC 5322 address
 * lists (To:, Cc:, From: ...) tolerantly, keeping where each addr-spec stands so that rewriting can
 * replace it and leave everything else byte for byte.
 */
public final class AddressParser {
  /** RFC 5321 limits a path to 256 octets; masq refuses longer envelope addresses. */
  public static final int MAX_LENGTH = 256;

  private AddressParser() {}

  /**
   * Parses an envelope address: {@code local@domain}, {@code local}, {@code <local@domain>}, or
   * {@code <>} / the empty string for the null sender. A source route ({@code <@a,@b:x@y>}) is
   * dropped as RFC 5321 allows.
   */
  public static Address parseEnvelope(String text) throws AddressException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != ' ') || c == 0x7f) {
        throw new AddressException(text, "control character in address");
      }
    }
    String s = text.strip();
    if (s.startsWith("<")) {
      if (!s.endsWith(">") || s.length() < 2) {
        throw new AddressException(text, "unbalanced angle brackets");
      }
      s = s.substring(1, s.length() - 1);
      if (s.startsWith("@")) {
        int colon = s.indexOf(':');
        if (colon < 0) {
          throw new AddressException(text, "bad source route");
        }
        s = s.substring(colon + 1);
      }
    }
    if (s.isEmpty()) {
      return Address.NULL;
    }
    return parseAddrSpec(s, text);
  }

  /** Parses a bare addr-spec such as {@code "john doe"@example.com} or {@code jdoe}. */
  public static Address parseAddrSpec(String s, String original) throws AddressException {
    if (s.length() > MAX_LENGTH) {
      throw new AddressException(original, "longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new AddressException(original, "control character in address");
      }
    }
    int at;
    String local;
    if (s.startsWith("\"")) {
      int i = 1;
      while (i < s.length() && s.charAt(i) != '"') {
        if (s.charAt(i) == '\\') {
          i++;
        }
        i++;
      }
      if (i >= s.length()) {
        throw new AddressException(original, "unterminated quoted local part");
      }
      local = s.substring(0, i + 1);
      at = i + 1;
      if (at < s.length() && s.charAt(at) != '@') {
        throw new AddressException(original, "text after quoted local part");
      }
    } else {
      at = s.lastIndexOf('@');
      local = at < 0 ? s : s.substring(0, at);
      if (local.isEmpty()) {
        throw new AddressException(original, "empty local part");
      }
      if (!isDotAtom(local, true)) {
        throw new AddressException(original, "bad character in local part");
      }
    }
    if (at >= s.length() || at < 0) {
      return new Address(local, null);
    }
    String domain = s.substring(at + 1);
    if (domain.isEmpty()) {
      throw new AddressException(original, "empty domain");
    }
    if (domain.startsWith("[")) {
      if (!domain.endsWith("]")
          || domain.indexOf('[', 1) >= 0
          || domain.indexOf(']') != domain.length() - 1
          || domain.contains(" ")
          || domain.contains("\\")) {
        throw new AddressException(original, "bad address literal");
      }
    } else if (!isDomain(domain)) {
      throw new AddressException(original, "bad domain");
    }
    return new Address(local, domain);
  }

  /** atext of RFC 5322 plus dots between atoms (lenient: leading, trailing or double dots pass). */
  private static boolean isDotAtom(String s, boolean allowUtf8) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0
              || (allowUtf8 && c >= 0x80);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDomain(String d) {
    if (d.startsWith(".") || d.endsWith(".") && d.length() == 1 || d.contains("..")) {
      return false;
    }
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c >= 0x80;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Splits an RFC 5322 address-list header value into its mailboxes. Group names and display names
   * are skipped, comments ignored; an element that does not parse is returned with a null address,
   * so the caller can report it and leave it alone. Never throws.
   */
  public static List<Mailbox> parseList(String value) {
    List<Mailbox> out = new ArrayList<>();
    int n = value.length();
    int i = 0;
    // state of the current element
    int angleStart = -1;
    int angleEnd = -1;
    int bareStart = -1;
    int bareEnd = -1;
    boolean bareBroken = false;
    while (i <= n) {
      char c = i < n ? value.charAt(i) : ',';
      if (c == '"') {
        int j = i + 1;
        while (j < n && value.charAt(j) != '"') {
          if (value.charAt(j) == '\\') {
            j++;
          }
          j++;
        }
        // a quoted string belongs to a bare addr-spec (quoted local part) or a display name
        if (bareStart < 0) {
          bareStart = i;
        } else if (bareEnd != i) {
          bareBroken = true;
        }
        bareEnd = Math.min(j + 1, n);
        i = j + 1;
        continue;
      }
      if (c == '(') {
        int depth = 1;
        int j = i + 1;
        while (j < n && depth > 0) {
          char d = value.charAt(j);
          if (d == '\\') {
            j++;
          } else if (d == '(') {
            depth++;
          } else if (d == ')') {
            depth--;
          }
          j++;
        }
        i = j;
        continue;
      }
      if (c == '<') {
        int j = value.indexOf('>', i + 1);
        if (j < 0) {
          j = n;
        }
        angleStart = i + 1;
        angleEnd = j;
        i = j + 1;
        continue;
      }
      if (c == ':' && angleStart < 0) {
        // group name (or an obsolete route): what came before is not an address
        bareStart = -1;
        bareEnd = -1;
        bareBroken = false;
        i++;
        continue;
      }
      if (c == ',' || c == ';') {
        if (angleStart >= 0) {
          out.add(element(value, angleStart, angleEnd, true));
        } else if (bareStart >= 0) {
          Mailbox m = element(value, bareStart, bareEnd, false);
          out.add(bareBroken ? new Mailbox(m.text(), null, m.start(), m.end(), false) : m);
        }
        angleStart = angleEnd = bareStart = bareEnd = -1;
        bareBroken = false;
        i++;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        i++;
        continue;
      }
      if (bareStart < 0) {
        bareStart = i;
      } else if (bareEnd != i) {
        bareBroken = true; // words separated by space: a display name without <...>
      }
      bareEnd = i + 1;
      i++;
    }
    return out;
  }

  private static Mailbox element(String value, int start, int end, boolean angle) {
    String text = value.substring(start, end);
    Address a;
    try {
      String t = text.strip();
      if (angle && t.startsWith("@")) {
        int colon = t.indexOf(':');
        t = colon < 0 ? "" : t.substring(colon + 1);
      }
      a = t.isEmpty() ? (angle ? Address.NULL : null) : parseAddrSpec(t, t);
    } catch (AddressException e) {
      a = null;
    }
    return new Mailbox(text, a, start, end, angle);
  }
}
