package masq.address;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The xtext encoding of SMTP parameter values (RFC 3461 section 4: {@code +XX} for a byte outside
 * {@code !}..{@code ~}, {@code +} and {@code =}), which DSN's ENVID= and ORCPT= use; for ORCPT's
 * {@code utf-8} address type also RFC 6533's {@code \x{HEX}} for a character. What {@code +XX}
 * encodes are bytes: they are read as UTF-8, strictly, so that an ORCPT travels with the very bytes
 * its submitter gave.
 */
public final class Xtext {
  private Xtext() {}

  /**
   * Decodes {@code s}; null when it is not xtext (a character outside {@code !}..{@code ~}, a
   * {@code =}, a {@code +} not followed by two upper-case hex digits) or its bytes are not UTF-8.
   * With {@code utf8}, {@code \x{HEX}} (1 to 6 hex digits, a Unicode scalar value) decodes as well,
   * and UTF-8 characters stand for themselves (RFC 6533's utf-8-addr-xtext and utf-8-addr-unitext).
   */
  public static String decode(String s, boolean utf8) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
          return null;
        }
        bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
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
        bytes.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
        i = close;
      } else if (c >= '!' && c <= '~' && c != '=') {
        bytes.write(c);
      } else if (utf8 && c >= 0x80) {
        int cp = s.codePointAt(i);
        if (Character.isSurrogate((char) cp)) {
          return null; // a byte that was not UTF-8 (see Utf8)
        }
        bytes.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp) - 1;
      } else {
        return null;
      }
    }
    byte[] b = bytes.toByteArray();
    String text = Utf8.decode(b, 0, b.length);
    return Utf8.invalidAt(text) < 0 ? text : null;
  }

  /**
   * Encodes {@code s} as xtext: with {@code utf8} in RFC 6533's utf-8-addr-xtext (the {@code utf-8}
   * address type: {@code \x{HEX}} for a character beyond ASCII and for {@code +}, {@code =}, {@code
   * \}, space and controls), else as RFC 3461 xtext ({@code +XX} for each such byte of its UTF-8).
   */
  public static String encode(String s, boolean utf8) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    if (utf8) {
      for (int i = 0; i < s.length(); ) {
        int cp = s.codePointAt(i);
        i += Character.charCount(cp);
        if (cp > 0x7e || cp < '!' || cp == '+' || cp == '=' || cp == '\\') {
          sb.append("\\x{").append(Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT));
          sb.append('}');
        } else {
          sb.append((char) cp);
        }
      }
      return sb.toString();
    }
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int b = x & 0xff;
      if (b > 0x7e || b < '!' || b == '+' || b == '=') {
        sb.append('+').append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 15));
      } else {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }

  private static final String HEX = "0123456789ABCDEF";

  private static int hex(char c) {
    return HEX.indexOf(c);
  }
}
