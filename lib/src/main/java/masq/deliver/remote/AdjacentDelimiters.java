package masq.deliver.remote;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which boundary delimiter lines of a message come right after another of the same boundary, with
 * no line between them: the empty part ({@code --b}, {@code --b}) that Mime4j reads like one that
 * has an empty line ({@code --b}, empty line, {@code --b}), so that {@link SevenBitDowngrade} can
 * write it back as it was, empty. Watches the raw bytes as the parser reads them ({@link #watch});
 * holds the lines that start with {@code --} and are short enough to be delimiters (RFC 2046: a
 * boundary has at most 70 characters), at most {@link #MAX_KEYS} different ones.
 */
final class AdjacentDelimiters {
  private static final int MAX_LINE = 80;
  private static final int MAX_KEYS = 10_000;

  /** Per delimiter line, how often it was seen. */
  private final Map<String, Integer> seen = new HashMap<>();

  /** "line NUL n": the n-th (from 0) time of that line came right after the one before. */
  private final Set<String> adjacent = new HashSet<>();

  private final byte[] line = new byte[MAX_LINE];
  private int len;
  private boolean tooLong;
  private String previous;

  /** {@code in}, watched as it is read. */
  InputStream watch(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
          feed((byte) c);
        }
        return c;
      }

      @Override
      public int read(byte[] b, int off, int n) throws IOException {
        int k = super.read(b, off, n);
        for (int i = 0; i < k; i++) {
          feed(b[off + i]);
        }
        return k;
      }
    };
  }

  private void feed(byte c) {
    if (c != '\n') {
      if (len < MAX_LINE) {
        line[len++] = c;
      } else {
        tooLong = true;
      }
      return;
    }
    String key = null;
    if (!tooLong && len >= 2 && line[0] == '-' && line[1] == '-') {
      int end = len;
      while (end > 2 && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) {
        end--; // transport padding
      }
      key = new String(line, 0, end, StandardCharsets.ISO_8859_1);
      Integer n = seen.get(key);
      if (n == null && seen.size() >= MAX_KEYS) {
        key = null;
      } else {
        int occurrence = n == null ? 0 : n;
        seen.put(key, occurrence + 1);
        if (key.equals(previous)) {
          adjacent.add(key + "\0" + occurrence);
        }
      }
    }
    previous = key;
    len = 0;
    tooLong = false;
  }

  /**
   * True when delimiter number {@code occurrence} (from 0) of {@code boundary} came right after the
   * one before it: the part between them is empty.
   */
  boolean follows(String boundary, int occurrence) {
    return adjacent.contains("--" + boundary + "\0" + occurrence);
  }
}
