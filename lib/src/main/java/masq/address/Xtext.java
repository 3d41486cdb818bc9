package masq.address;

/**
 * The xtext encoding of SMTP parameter values (RFC 3461 section 4: {@code +XX} for a byte outside
 * {@code !}..{@code ~}, {@code +} and {@code =}), which DSN's ENVID= and ORCPT= use; for ORCPT's
 * {@code utf-8} address type also RFC 6533's {@code \x{HEX}} for a character beyond ASCII.
 */
public final class Xtext {
  private Xtext() {}

  /**
   * Decodes {@code s}; null when it is not xtext (a character outside {@code !}..{@code ~}, a
   * {@code =}, a {@code +} not followed by two upper-case hex digits). With {@code utf8}, {@code
   * \x{HEX}} (1 to 6 hex digits, a Unicode scalar value) decodes as well, and UTF-8 characters
   * stand for themselves (RFC 6533's utf-8-addr-xtext and utf-8-addr-unitext).
   */
  public static String decode(String s, boolean utf8) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
          return null;
        }
        sb.append((char) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2))));
        i += 2;
      } else if (utf8 && c == '\\' && s.startsWith("\\x{", i)) {
        int close = s.indexOf('}', i);
        if (close < i + 4 || close > i + 9) {
          return null;
        }
        int cp = 0;
        for (int j = i + 3; j < close; j++) {
          if (hex(s.charAt(j)) < 0) {
            return null;
          }
          cp = cp * 16 + hex(s.charAt(j));
        }
        if (cp > Character.MAX_CODE_POINT || cp >= 0xd800 && cp <= 0xdfff) {
          return null;
        }
        sb.appendCodePoint(cp);
        i = close;
      } else if (c >= '!' && c <= '~' && c != '=' || utf8 && c >= 0x80) {
        sb.append(c);
      } else {
        return null;
      }
    }
    return sb.toString();
  }

  /**
   * Encodes {@code s} as xtext; a character beyond ASCII as {@code \x{HEX}} (the utf-8 address
   * type's form, RFC 6533), since xtext itself carries only ASCII.
   */
  public static String encode(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp > 0x7e) {
        sb.append("\\x{")
            .append(Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT))
            .append('}');
      } else if (cp < '!' || cp == '+' || cp == '=' || cp == '\\') {
        sb.append('+').append(HEX.charAt(cp >> 4)).append(HEX.charAt(cp & 15));
      } else {
        sb.append((char) cp);
      }
    }
    return sb.toString();
  }

  private static final String HEX = "0123456789ABCDEF";

  private static int hex(char c) {
    return HEX.indexOf(c);
  }
}
