package masq.message;

import java.nio.charset.StandardCharsets;
import masq.address.Utf8;

/**
 * One header field exactly as it was written: {@code raw} holds its bytes (name, colon, value,
 * folded continuation lines and the final LF), one char per byte (ISO-8859-1), so that a header
 * nobody changes is written back byte for byte, 8-bit text included.
 */
public record Header(String name, String raw) {
  /**
   * A header masq writes, {@code Name: value\n}, folded by {@link HeaderValues#fold} (at white
   * space, lines of at most 78 octets where possible and never over 998; a fold in the value,
   * {@code "\n\t"}, is kept). The value must already be in its written form: see {@link
   * HeaderValues#displayName} and {@link HeaderValues#text} for text that may need encoding.
   */
  public static Header of(String name, String value) {
    return new Header(name, HeaderValues.fold(name, value));
  }

  /** True when this header's name is {@code other}, ignoring case. */
  public boolean is(String other) {
    return name.equalsIgnoreCase(other);
  }

  /** The raw text after the colon, without the final LF (folds kept), one char per byte. */
  public String rawValue() {
    int colon = raw.indexOf(':');
    int end = raw.endsWith("\n") ? raw.length() - 1 : raw.length();
    return raw.substring(colon + 1, Math.max(colon + 1, end));
  }

  /**
   * The value decoded as UTF-8, unfolded and trimmed: for display and address parsing. Bytes that
   * are not UTF-8 are not replaced but kept as {@link Utf8} escapes, which an address refuses.
   */
  public String value() {
    byte[] b = rawValue().getBytes(StandardCharsets.ISO_8859_1);
    String v = Utf8.decode(b, 0, b.length);
    return v.replace("\r", "").replace("\n", "").strip();
  }

  /** The header's bytes. */
  public byte[] bytes() {
    return raw.getBytes(StandardCharsets.ISO_8859_1);
  }
}
