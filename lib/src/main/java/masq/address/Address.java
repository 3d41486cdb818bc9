package masq.address;

import java.util.Locale;
import java.util.Objects;
import masq.Api;

/**
 * An envelope address: a local part and a domain. The domain is null for an unqualified address;
 * the null sender ({@code <>}) is {@link #NULL}.
 */
@Api
public record Address(String localPart, String domain) {
  /** The null reverse path, {@code <>}. */
  public static final Address NULL = new Address("", null);

  public boolean isNull() {
    return localPart.isEmpty() && domain == null;
  }

  public boolean isQualified() {
    return domain != null;
  }

  /** This address with {@code @host} added when it has no domain (the null sender stays null). */
  public Address qualify(String host) {
    return domain != null || isNull() ? this : new Address(localPart, host);
  }

  /**
   * True when the address is all ASCII; one beyond it (a UTF-8 local part or domain) needs SMTPUTF8
   * (RFC 6531) to travel.
   */
  public boolean ascii() {
    return ascii(localPart) && (domain == null || ascii(domain));
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

  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** The domain in lower case, or "" when unqualified. */
  public String domainLower() {
    return domain == null ? "" : domain.toLowerCase(Locale.ROOT);
  }

  /** {@code local@domain}, {@code local}, or "" for the null sender. */
  @Override
  public String toString() {
    return domain == null ? localPart : localPart + "@" + domain;
  }

  /**
   * As a record's equals (both components equal), written out: the generated one goes through
   * method handles, slow until compiled, and delivery compares recipients for every result.
   */
  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof Address a
            && Objects.equals(localPart, a.localPart)
            && Objects.equals(domain, a.domain);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hashCode(localPart) + Objects.hashCode(domain);
  }

  /** {@code <local@domain>}, or {@code <>}. */
  public String bracketed() {
    return "<" + this + ">";
  }
}
