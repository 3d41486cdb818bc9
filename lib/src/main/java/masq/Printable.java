package masq;

/**
 * Text made fit for one line of a log, a reply, {@code -v} or a message: the one place where
 * control characters, bytes that are not UTF-8 and over-long values are made harmless.
 */
@Api
public final class Printable {
  private Printable() {}

  /**
   * {@code text} as one printable line: CR, LF, TAB and every other control character (C0, DEL, C1)
   * written as {@code \r}, {@code \n} or {@code \xNN}, so that whatever a hostile argument, header
   * or file put into a message can neither break the line nor drive a terminal. A lone surrogate
   * U+DC80..U+DCFF, which is how {@code masq.address.Utf8} keeps a byte that is not UTF-8, is
   * written as that byte, {@code \xNN}; another lone surrogate as {@code \x{D800}}.
   */
  public static String of(String text) {
    int i = 0;
    while (i < text.length()
        && !isControl(text.charAt(i))
        && !Character.isSurrogate(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text; // the usual case: nothing to escape
    }
    StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (isControl(c) || c >= 0xdc80 && c <= 0xdcff) {
        sb.append("\\x")
            .append(Character.forDigit((c >> 4) & 15, 16))
            .append(Character.forDigit(c & 15, 16));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        sb.append(c).append(text.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append("\\x{")
            .append(Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT))
            .append('}');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  }

  /** {@link #of(String)} of at most {@code max} characters of {@code text}, "..." after a cut. */
  public static String of(String text, int max) {
    return text.length() <= max ? of(text) : of(text.substring(0, max)) + "...";
  }

  /** A value quoted in a message (an argument, an address, a parameter): at most 200 characters. */
  public static String value(String text) {
    return of(text, 200);
  }
}
