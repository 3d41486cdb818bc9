package masq.message;

import java.nio.charset.StandardCharsets;
import masq.address.EncodedWords;

/**
 * The text of the header fields masq writes itself (RFC 5322, RFC 2047): display names and
 * unstructured values made safe to write (control characters out, encoded words where plain text
 * cannot go), and header lines folded at white space to 78 octets where possible and never over
 * 998. Plain ASCII text never loads the encoder ({@link EncodedWords}, Mime4j), so the common path
 * of masq-inject does not pay for it.
 */
public final class HeaderValues {
  /** The line length folding aims at (RFC 5322 section 2.1.1, "SHOULD"). */
  static final int SOFT_LIMIT = 78;

  /** The longest line allowed, line end excluded (RFC 5322 section 2.1.1, "MUST"). */
  static final int HARD_LIMIT = 998;

  /** A run of non-white-space longer than this cannot be folded onto one 78-octet line. */
  private static final int LONGEST_WORD = 77;

  private HeaderValues() {}

  /**
   * {@code s} with CR, LF and the other control characters (tab included) replaced by a space, so
   * that a value can never start a new header line.
   */
  public static String clean(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
      if (control && sb == null) {
        sb = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (sb != null) {
        sb.append(control ? ' ' : c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  /**
   * A display name as an RFC 5322 phrase: a quoted string when it is printable ASCII (as masqmail
   * writes it, so specials are safe), RFC 2047 encoded words (at most 75 characters each, split
   * between characters) when it is not, or when a word in it is too long to fold. Control
   * characters become spaces; "" when nothing is left.
   */
  public static String displayName(String name) {
    String clean = clean(name).strip();
    if (clean.isEmpty()) {
      return "";
    }
    if (plain(clean)) {
      return "\"" + clean.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    return EncodedWords.encode(clean, true);
  }

  /**
   * An unstructured value (Subject:, Comments:, most X- fields): kept as it is when it is printable
   * ASCII with words short enough to fold, else RFC 2047 encoded words. Control characters become
   * spaces.
   */
  public static String text(String value) {
    String clean = clean(value).strip();
    if (plain(clean)) {
      return clean;
    }
    return EncodedWords.encode(clean, false);
  }

  /**
   * An address field's value ({@code From:}, {@code Reply-To:}) as a template writes it: kept when
   * it is ASCII; {@code Name <address>} with a non-ASCII name gets the name as a phrase ({@link
   * #displayName}, quotes around it removed first). Anything else non-ASCII is kept as written.
   * Control characters become spaces.
   */
  public static String nameAddr(String value) {
    String v = clean(value).strip();
    if (ascii(v)) {
      return v;
    }
    int lt = v.lastIndexOf('<');
    if (lt <= 0 || !v.endsWith(">") || !ascii(v.substring(lt))) {
      return v;
    }
    String name = v.substring(0, lt).strip();
    if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
      name = name.substring(1, name.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    String phrase = displayName(name);
    return phrase.isEmpty() ? v.substring(lt) : phrase + " " + v.substring(lt);
  }

  /** True when {@code s} is US-ASCII. */
  public static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when {@code s} is printable ASCII and every run without white space fits on a folded line
   * (text already written as encoded words by a template's author stays as it is).
   */
  static boolean plain(String s) {
    int run = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ') {
        run = 0;
        continue;
      }
      if (c < 0x20 || c > 0x7e || ++run > LONGEST_WORD) {
        return false;
      }
    }
    return true;
  }

  /**
   * The header field {@code name: value} with its final LF, one char per octet (the value's UTF-8
   * bytes), folded at white space: a line longer than 78 octets is broken before the last white
   * space that keeps it within 78 (or the first one after); a fold already in the value ({@code
   * "\n\t"}) is kept. CR and LF that are not such a fold, and other control characters, become
   * spaces. A run without white space that would still make a line longer than 998 octets is cut
   * (between characters) to fit: only masq's own text comes here, never a header of the message.
   */
  static String fold(String name, String value) {
    String v = octets(value);
    int n = v.length();
    StringBuilder out = new StringBuilder(name.length() + n + 16);
    StringBuilder line = new StringBuilder(SOFT_LIMIT + 8).append(name).append(':');
    boolean lineHasWord = false;
    int i = 0;
    while (i < n) {
      boolean forced = false;
      StringBuilder space = new StringBuilder();
      for (; i < n; i++) {
        char c = v.charAt(i);
        if (c == '\n' && i + 1 < n && (v.charAt(i + 1) == ' ' || v.charAt(i + 1) == '\t')) {
          forced = true;
        } else if (c == '\t') {
          space.append('\t');
        } else if (c <= ' ' || c == 0x7f) {
          space.append(' ');
        } else {
          break;
        }
      }
      int ws = i;
      while (i < n && v.charAt(i) > ' ' && v.charAt(i) != 0x7f) {
        i++;
      }
      if (i == ws) {
        break; // white space at the end
      }
      String word = v.substring(ws, i);
      if (space.isEmpty()) {
        space.append(' ');
      }
      if (lineHasWord && (forced || line.length() + space.length() + word.length() > SOFT_LIMIT)) {
        out.append(line).append('\n');
        line.setLength(0);
      }
      int room = HARD_LIMIT - line.length() - space.length();
      if (word.length() > room) {
        word = word.substring(0, cut(word, room));
      }
      line.append(space).append(word);
      lineHasWord = true;
    }
    if (!lineHasWord) {
      line.append(' ');
    }
    return out.append(line).append('\n').toString();
  }

  /** The UTF-8 octets of {@code s}, one char each: how a header's raw text holds it. */
  public static String octets(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /** The largest length at most {@code max} that does not end inside a UTF-8 sequence. */
  private static int cut(String octets, int max) {
    int end = Math.max(0, max);
    while (end > 0 && end < octets.length() && (octets.charAt(end) & 0xc0) == 0x80) {
      end--;
    }
    return end;
  }

  /**
   * A header of the message kept as it is, but with any line that a rename made longer than 998
   * octets folded before its last white space within the limit: {@code raw} is one char per octet,
   * with its final LF. A line with no white space to fold at is left as the user wrote it.
   */
  public static String refold(String raw) {
    StringBuilder out = new StringBuilder(raw.length() + 8);
    int start = 0;
    while (start < raw.length()) {
      int nl = raw.indexOf('\n', start);
      int end = nl < 0 ? raw.length() : nl;
      int from = start;
      while (end - from > HARD_LIMIT) {
        // a fold needs text before it on its line: not right after the colon or the indent
        int text = from == 0 ? raw.indexOf(':') + 1 : from;
        while (text < end && (raw.charAt(text) == ' ' || raw.charAt(text) == '\t')) {
          text++;
        }
        int at = -1;
        for (int k = Math.min(from + HARD_LIMIT, end - 1); k > text; k--) {
          char c = raw.charAt(k);
          if (c == ' ' || c == '\t') {
            at = k;
            break;
          }
        }
        if (at < 0) {
          break;
        }
        out.append(raw, from, at).append('\n');
        from = at;
      }
      out.append(raw, from, end);
      if (nl >= 0) {
        out.append('\n');
      }
      start = end + 1;
    }
    return out.toString();
  }
}
