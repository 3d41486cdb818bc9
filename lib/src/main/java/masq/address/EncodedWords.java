package masq.address;

import java.nio.charset.StandardCharsets;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.codec.EncoderUtil;

/**
 * RFC 2047 encoded words, both ways. Encoding, for the header text masq writes ({@code
 * masq.message}'s HeaderValues), in UTF-8: the text is cut between characters (never inside a UTF-8
 * sequence or a surrogate pair) into words of at most 75 characters, each encoded by Mime4j's B or
 * Q encoder, whichever is shorter for the whole text. Decoding, for the display names of address
 * lists ({@link DisplayName}), by Mime4j's lenient decoder. The only class of masq that touches
 * Mime4j's codecs for header text, and used only for text that needs it. It is here rather than in
 * {@code masq.message} because addresses decode and {@code masq.message} uses this package.
 */
public final class EncodedWords {
  /** RFC 2047 section 2: an encoded word is at most 75 characters long. */
  static final int MAX_WORD = 75;

  private static final String PREFIX_B = "=?UTF-8?B?";
  private static final String PREFIX_Q = "=?UTF-8?Q?";
  private static final String SUFFIX = "?=";

  private EncodedWords() {}

  /**
   * {@code text} as encoded words separated by single spaces (which a reader drops between encoded
   * words). {@code phrase}: the words stand in a phrase (a display name), so the Q encoding leaves
   * only letters, digits and {@code !*+-/} unencoded (RFC 2047 section 5 (3)); otherwise they
   * replace unstructured text.
   */
  public static String encode(String text, boolean phrase) {
    EncoderUtil.Usage usage = phrase ? EncoderUtil.Usage.WORD_ENTITY : EncoderUtil.Usage.TEXT_TOKEN;
    byte[] all = text.getBytes(StandardCharsets.UTF_8);
    boolean b = (all.length + 2) / 3 * 4 < EncoderUtil.encodeQ(all, usage).length();
    int room = MAX_WORD - PREFIX_B.length() - SUFFIX.length();
    StringBuilder out = new StringBuilder(all.length * 2);
    int start = 0;
    int bytes = 0;
    int qlen = 0;
    for (int i = 0; i < text.length(); ) {
      int next = text.offsetByCodePoints(i, 1);
      byte[] cp = text.substring(i, next).getBytes(StandardCharsets.UTF_8);
      int q = b ? 0 : EncoderUtil.encodeQ(cp, usage).length();
      int len = b ? (bytes + cp.length + 2) / 3 * 4 : qlen + q;
      if (len > room && i > start) {
        word(out, text.substring(start, i), b, usage);
        start = i;
        bytes = 0;
        qlen = 0;
      }
      bytes += cp.length;
      qlen += q;
      i = next;
    }
    word(out, text.substring(start), b, usage);
    return out.toString();
  }

  private static void word(StringBuilder out, String chunk, boolean b, EncoderUtil.Usage usage) {
    byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
    if (!out.isEmpty()) {
      out.append(' ');
    }
    out.append(b ? PREFIX_B : PREFIX_Q)
        .append(b ? EncoderUtil.encodeB(bytes) : EncoderUtil.encodeQ(bytes, usage))
        .append(SUFFIX);
  }

  /**
   * {@code text} with its encoded words decoded by Mime4j, adjacent ones joined (RFC 2047 section
   * 6.2), silently: a word that cannot be decoded is no error.
   */
  static String decode(String text) {
    return DecoderUtil.decodeEncodedWords(text, DecodeMonitor.SILENT);
  }
}
