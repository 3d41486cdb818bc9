package masq.address;

import java.util.ArrayList;
import java.util.List;
import masq.Api;

/**
 * Parses addresses: envelope addresses (-f, SMTP, spool) strictly, and RFC 5322 address lists
 * (recipient arguments, -t, route conditions, rewriting) with the one reader {@link ListReader},
 * which keeps where each addr-spec stands so that rewriting can replace it and leave everything
 * else byte for byte.
 */
@Api
public final class AddressParser {
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
    if (s.length() > AddrSpec.MAX_LENGTH) {
      throw new AddressException(original, "longer than " + AddrSpec.MAX_LENGTH + " characters");
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
      if (!AddrSpec.isLiteral(domain)) {
        throw new AddressException(original, "bad address literal");
      }
    } else if (AddrSpec.domainProblem(domain) != null) {
      throw new AddressException(original, AddrSpec.domainProblem(domain));
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
}
