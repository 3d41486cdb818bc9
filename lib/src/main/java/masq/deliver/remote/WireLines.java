package masq.deliver.remote;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import masq.message.Header;

/**
 * SMTP's rules for lines (RFC 5321 sections 2.3.8 and 4.5.3.1.6, RFC 5322 section 2.1.1: at most
 * 998 octets before the CRLF, no CR without LF) for mail that was accepted breaking them: {@link
 * #unfit} finds a line that is too long or a bare CR, {@link #fold} folds a header field's long
 * lines at white space. A body with either is re-encoded part by part by {@link SevenBitDowngrade},
 * so that its bytes arrive unchanged; a bare CR left elsewhere {@link DotStuffer} sends as CRLF. A
 * CR or an LF ends a line; a line's leading dot counts, as dot-stuffing doubles it.
 */
final class WireLines {
  /** The most octets a line may hold on the wire, without its CRLF. */
  static final int MAX = 998;

  private WireLines() {}

  /**
   * True when the message holds a line over {@link #MAX} octets or a bare CR: reads its body to the
   * first one.
   */
  static boolean unfit(OutgoingMessage m) throws IOException {
    for (Header h : m.headers()) {
      if (longest(h.raw()) > MAX) {
        return true;
      }
    }
    try (InputStream in = m.body().open()) {
      return unfit(in);
    }
  }

  /** True when what is left of {@code in} holds a line over {@link #MAX} octets or a bare CR. */
  static boolean unfit(InputStream in) throws IOException {
    Counter c = new Counter();
    byte[] buf = new byte[16 * 1024];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      if (c.feed(buf, n)) {
        return true;
      }
    }
    return c.unfit();
  }

  /**
   * Counts line lengths as bytes stream by; remembers whether one went over {@link #MAX} or a CR
   * came without LF.
   */
  static final class Counter {
    private int len;
    private boolean over;
    private boolean cr;

    /** Feeds {@code n} bytes of {@code b}; true once some line was unfit. */
    boolean feed(byte[] b, int n) {
      for (int i = 0; i < n && !over; i++) {
        byte c = b[i];
        over = cr && c != '\n';
        cr = c == '\r';
        if (c == '\n' || c == '\r') {
          len = 0;
        } else {
          len += len == 0 && c == '.' ? 2 : 1;
          over |= len > MAX;
        }
      }
      return over;
    }

    /** True when a line was too long or a CR came without LF (a CR at the end counts). */
    boolean unfit() {
      return over || cr;
    }
  }

  /** The longest line of {@code raw} (one char per byte), its line ends not counted. */
  private static int longest(String raw) {
    int max = 0;
    int len = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      len = c == '\n' || c == '\r' ? 0 : len + 1;
      max = Math.max(max, len);
    }
    return max;
  }

  /**
   * {@code h} with every line over {@link #MAX} octets folded (RFC 5322 section 2.2.3: a line end
   * put before white space, which unfolding takes out again), at the last white space that keeps
   * the line within the limit, or the first after it, never inside a quoted string; a run without
   * such white space cannot be folded and stays as long as it is. {@code h} itself when no line is
   * too long.
   */
  static Header fold(Header h) {
    String raw = h.raw();
    if (longest(raw) <= MAX) {
      return h;
    }
    return new Header(h.name(), fold(raw));
  }

  /** {@link #fold} of a part's header field, given as bytes without its final line end. */
  static byte[] fold(byte[] raw) {
    String s = new String(raw, StandardCharsets.ISO_8859_1);
    return longest(s) <= MAX ? raw : fold(s).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String fold(String raw) {
    StringBuilder out = new StringBuilder(raw.length() + 16);
    int start = 0;
    int n = raw.length();
    while (start < n) {
      int end = start;
      while (end < n && raw.charAt(end) != '\n' && raw.charAt(end) != '\r') {
        end++;
      }
      boolean[] quoted = quoted(raw, start, end);
      int s = start;
      while (end - s > MAX) {
        int cut = -1;
        for (int k = s + MAX; k > s && cut < 0; k--) {
          cut = white(raw.charAt(k)) && !quoted[k - start] ? k : -1;
        }
        for (int k = s + MAX + 1; k < end && cut < 0; k++) {
          cut = white(raw.charAt(k)) && !quoted[k - start] ? k : -1;
        }
        if (cut < 0) {
          break;
        }
        out.append(raw, s, cut).append('\n');
        s = cut;
      }
      out.append(raw, s, end);
      if (end < n) {
        out.append(raw.charAt(end));
        end++;
      }
      start = end;
    }
    return out.toString();
  }

  /**
   * Which chars of {@code raw[start, end)} are inside a quoted string: a fold there is allowed, but
   * readers take a MIME parameter such as a boundary apart wrongly across it.
   */
  private static boolean[] quoted(String raw, int start, int end) {
    boolean[] q = new boolean[end - start];
    boolean in = false;
    for (int i = start; i < end; i++) {
      char c = raw.charAt(i);
      if (c == '"') {
        in = !in;
      } else if (c == '\\' && in && i + 1 < end) {
        q[i - start] = true;
        i++;
      }
      q[i - start] = in;
    }
    return q;
  }

  private static boolean white(char c) {
    return c == ' ' || c == '\t';
  }
}
