package masq.address;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses addresses: envelope addresses (-f, SMTP, spool) strictly, and RFC 5322 address lists
 * (recipient arguments, -t, route conditions, rewriting) with the one reader {@link ListReader},
 * which keeps where each addr-spec stands so that rewriting can replace it and leave everything
 * else byte for byte.
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
    if (Utf8.invalidAt(s) >= 0) {
      throw new AddressException(original, Utf8.INVALID);
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
      if (!isLiteral(domain)) {
        throw new AddressException(original, "bad address literal");
      }
    } else if (domainProblem(domain) != null) {
      throw new AddressException(original, domainProblem(domain));
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

  /** An address literal: {@code [...]} with no bracket, space or backslash inside. */
  static boolean isLiteral(String d) {
    return d.startsWith("[")
        && d.endsWith("]")
        && d.indexOf('[', 1) < 0
        && d.indexOf(']') == d.length() - 1
        && d.indexOf(' ') < 0
        && d.indexOf('\\') < 0;
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
      if (!isDomainChar(c)) {
        return "bad character '" + c + "' in domain";
      }
    }
    return null;
  }

  /**
   * Reads an RFC 5322 address-list header value (or an argument) into its mailboxes, keeping where
   * each addr-spec stands in {@code value}. Group names and display names are skipped, comments
   * ignored. Never throws: an element that cannot be read comes back with a null address, one read
   * around a fault with its {@link Mailbox#problem} (see {@link ListReader}). Control characters in
   * display names and comments are tolerated; in an address they make it unreadable.
   */
  public static List<Mailbox> parseList(String value) {
    return ListReader.read(value);
  }

  /**
   * Reads one recipient argument of a command line: one address or several, separated by commas,
   * each optionally as {@code Name <addr>} (what mail clients pass). Stricter than a header: a
   * control character anywhere, an element that cannot be read or was read only around a fault, and
   * {@code <>} are refused. Empty elements are skipped.
   */
  public static List<Address> parseArgument(String arg) throws AddressException {
    for (int i = 0; i < arg.length(); i++) {
      char c = arg.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new AddressException(arg, "control character in address");
      }
    }
    List<Address> out = new ArrayList<>();
    for (Mailbox m : ListReader.read(arg)) {
      if (m.address() == null || m.problem() != null) {
        throw new AddressException(arg, m.problem() == null ? "unreadable" : m.problem());
      }
      if (m.address().isNull()) {
        throw new AddressException(arg, "empty recipient");
      }
      out.add(m.address());
    }
    return out;
  }

  /** A character of a host name as masq reads one: letters, digits, '-', '.', '_' and 8-bit. */
  public static boolean isDomainChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c >= 0x80;
  }
}
