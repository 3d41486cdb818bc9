package masq.config;

import java.time.Duration;
import java.util.Locale;
import masq.Api;
import masq.Exit;
import masq.MasqException;

/** Typed reading of option values: booleans, time values, sizes and counts. */
@Api
public final class Values {
  private Values() {}

  public static boolean bool(Setting s) throws MasqException {
    switch (s.value().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1":
        return true;
      case "false", "no", "off", "0":
        return false;
      default:
        throw bad(s, "expected true or false");
    }
  }

  /**
   * A time value: {@code 30s}, {@code 15m}, {@code 4h}, {@code 2d}, {@code 1w}; a bare number is
   * seconds.
   */
  static Duration duration(Setting s) throws MasqException {
    Duration d = parseDuration(s.value());
    if (d == null) {
      throw bad(s, "expected a time such as 30s, 15m, 4h, 2d or 1w");
    }
    return d;
  }

  /** Parses a time value, or returns null when it is not one. */
  public static Duration parseDuration(String text) {
    String v = text.strip();
    if (v.isEmpty()) {
      return null;
    }
    char unit = v.charAt(v.length() - 1);
    long mult;
    String digits = v.substring(0, v.length() - 1);
    switch (unit) {
      case 's' -> mult = 1;
      case 'm' -> mult = 60;
      case 'h' -> mult = 3600;
      case 'd' -> mult = 86400;
      case 'w' -> mult = 7 * 86400;
      default -> {
        mult = 1;
        digits = v;
      }
    }
    if (digits.isEmpty()
        || digits.length() > 9
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    return Duration.ofSeconds(Long.parseLong(digits) * mult);
  }

  /** A size in bytes, with an optional k, M or G suffix (powers of 1024). */
  public static long size(Setting s) throws MasqException {
    long n = parseSize(s.value());
    if (n < 0) {
      throw bad(s, "expected a size in bytes");
    }
    return n;
  }

  /**
   * Parses a size in bytes with an optional k, M or G suffix (powers of 1024); -1 when it is not
   * one.
   */
  public static long parseSize(String text) {
    String v = text.strip();
    long mult = 1;
    if (!v.isEmpty()) {
      switch (Character.toLowerCase(v.charAt(v.length() - 1))) {
        case 'k' -> mult = 1L << 10;
        case 'm' -> mult = 1L << 20;
        case 'g' -> mult = 1L << 30;
        default -> mult = 1;
      }
      if (mult != 1) {
        v = v.substring(0, v.length() - 1);
      }
    }
    if (v.isEmpty() || v.length() > 12 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(v) * mult;
  }

  public static int count(Setting s) throws MasqException {
    String v = s.value().strip();
    if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad(s, "expected a whole number");
    }
    return Integer.parseInt(v);
  }

  /** A configuration error (exit 78) naming file, line, option and (the start of) the value. */
  public static MasqException bad(Setting s, String what) {
    return new MasqException(
        Exit.CONFIG,
        s.where() + ": " + s.name() + " = \"" + ConfigSyntax.quote(s.value()) + "\": " + what);
  }
}
