package masq.spool;

import java.time.Clock;
import masq.Api;

/**
 * Makes message IDs that are unique across concurrent processes and sort by arrival: {@code
 * TTTTTTT-PPPP-CC}, the arrival time in milliseconds (7 base-62 digits), the process id (4 digits)
 * and a per-process counter (2 digits), in the alphabet 0-9A-Za-z, whose ASCII order is its numeric
 * order. One generator per process.
 */
@Api
public final class MessageIds {
  private static final String DIGITS =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private final Clock clock;
  private final String pid;
  private long lastMillis = -1;
  private int counter;

  public MessageIds(Clock clock, long pid) {
    this.clock = clock;
    this.pid = base62(pid % (62L * 62 * 62 * 62), 4);
  }

  /** The next ID; waits for the next millisecond when 3,844 were made in this one. */
  public synchronized String next() {
    long now = clock.millis();
    if (now < lastMillis) {
      now = lastMillis; // the clock went back: keep IDs increasing
    }
    if (now == lastMillis) {
      counter++;
      if (counter >= 62 * 62) {
        now = lastMillis + 1;
        counter = 0;
      }
    } else {
      counter = 0;
    }
    lastMillis = now;
    return base62(now, 7) + "-" + pid + "-" + base62(counter, 2);
  }

  /** True when {@code s} has the shape of an ID (guards file names built from user input). */
  public static boolean isValid(String s) {
    if (s.length() != 15 || s.charAt(7) != '-' || s.charAt(12) != '-') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (i != 7 && i != 12 && !isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** One of {@link #DIGITS}, by range (a queue listing checks every name). */
  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  static String base62(long v, int width) {
    char[] c = new char[width];
    for (int i = width - 1; i >= 0; i--) {
      c[i] = DIGITS.charAt((int) (v % 62));
      v /= 62;
    }
    return new String(c);
  }
}
