package masq.address;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import masq.Api;

/**
 * Strict UTF-8 for text that may hold an address: SMTP command lines, command-line arguments,
 * header values. Decoding never replaces: it uses a decoder that reports malformed input ({@link
 * CodingErrorAction#REPORT}: a stray byte such as {@code \xff}, a sequence cut short, an overlong
 * form, an encoded surrogate, a value above U+10FFFF, 5- and 6-byte forms), and each byte of such
 * input becomes a lone low surrogate U+DC80..U+DCFF, which no valid UTF-8 decodes to. So the text
 * still says which bytes were there ({@link masq.Printable#of} shows them as {@code \xNN}), and
 * {@link #invalidAt} finds them, together with U+FFFD, the mark of bytes someone else (the JVM's
 * decoding of argv) already replaced.
 */
@Api
public final class Utf8 {
  /** The reason an address with such bytes is refused. */
  public static final String INVALID = "not valid UTF-8";

  private Utf8() {}

  /** The bytes [off, off+len) as text, each byte that is not part of valid UTF-8 escaped. */
  public static String decode(byte[] b, int off, int len) {
    int i = off;
    while (i < off + len && b[i] >= 0) {
      i++;
    }
    if (i == off + len) {
      return new String(b, off, len, StandardCharsets.ISO_8859_1); // ASCII: the usual case
    }
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b, off, len);
    CharBuffer out = CharBuffer.allocate(len);
    while (true) {
      CoderResult r = d.decode(in, out, true);
      if (r.isUnderflow()) {
        break;
      }
      // malformed or unmappable (never overflow: a byte gives at most one char)
      for (int k = 0; k < r.length(); k++) {
        out.put(escape(in.get()));
      }
    }
    d.flush(out);
    return out.flip().toString();
  }

  /** The lone surrogate that stands for byte {@code b} of input that is not UTF-8. */
  static char escape(byte b) {
    return (char) (0xdc00 | (b & 0xff));
  }

  /** The byte a char made by {@link #decode} for input that is not UTF-8 stands for, or -1. */
  public static int escapedByte(String s, int i) {
    char c = s.charAt(i);
    if (c < 0xdc80 || c > 0xdcff || (i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
      return -1;
    }
    return c & 0xff;
  }

  /**
   * Where {@code s} holds a char that valid UTF-8 cannot have given: a lone surrogate (an escaped
   * byte) or U+FFFD (a byte replaced before masq saw it); -1 when there is none.
   */
  public static int invalidAt(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\ufffd') {
        return i;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
