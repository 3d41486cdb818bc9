package masq.route;

import masq.Exit;
import masq.MasqException;

/**
 * The written form of a {@code tls_fingerprint} pin: a SHA-256 digest as 64 hex digits, plain or in
 * pairs separated by colons (as {@code openssl x509 -fingerprint -sha256} prints it), in either
 * case. Kept as 64 lower-case digits; shown with colons.
 */
public final class TlsPins {
  private TlsPins() {}

  /** The pin {@code text}, normalised; a configuration error naming {@code where} if malformed. */
  static String parse(String text, String where, String option) throws MasqException {
    StringBuilder hex = new StringBuilder(64);
    boolean colons = text.indexOf(':') >= 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (colons && i % 3 == 2) {
        if (c != ':') {
          hex.setLength(0);
          break;
        }
      } else if (Character.digit(c, 16) >= 0) {
        hex.append(Character.toLowerCase(c));
      } else {
        hex.setLength(0);
        break;
      }
    }
    if (hex.length() != 64 || colons && text.length() != 95) {
      throw new MasqException(
          Exit.CONFIG,
          where
              + ": "
              + option
              + ": '"
              + text
              + "' is not a SHA-256 fingerprint (64 hex digits, plain or as AB:CD:...)");
    }
    return hex.toString();
  }

  /** {@code hex} (lower-case digits) as upper-case pairs separated by colons. */
  public static String colons(String hex) {
    StringBuilder sb = new StringBuilder(hex.length() * 3 / 2);
    for (int i = 0; i < hex.length(); i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(Character.toUpperCase(hex.charAt(i)))
          .append(Character.toUpperCase(hex.charAt(i + 1)));
    }
    return sb.toString();
  }
}
