package masq.message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import masq.Api;

/**
 * The local time's offset from UTC at an instant, read from a TZif file (RFC 8536) such as
 * /etc/localtime, for a command that runs once per message: java.util.TimeZone (and
 * ZoneId.systemDefault) read and decode the JDK's whole time zone database on first use, in the
 * interpreter, to learn this one number.
 *
 * <p>Reads the version 2+ data (64-bit times) when there is some, else version 1. The offset is the
 * one of the last transition at or before the instant (before the first: the first local time
 * type). It cannot tell — and says so with null, for the caller to ask TimeZone — when the file is
 * not TZif or is cut short, has leap seconds (the "right/" zones), or the instant lies after the
 * last transition while the file's footer rule has daylight saving time (a "slim" file: the rule,
 * not a table, gives the offset then).
 */
@Api
public final class LocalOffset {
  private LocalOffset() {}

  /** The offset in seconds at {@code epochSecond} by the TZif file {@code tzif}, or null. */
  public static Integer at(Path tzif, long epochSecond) {
    byte[] b;
    try {
      if (Files.size(tzif) > 1 << 20) {
        return null;
      }
      b = Files.readAllBytes(tzif);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return parse(b, epochSecond);
  }

  /** The offset at {@code t} by the TZif data {@code b}, or null. */
  static Integer parse(byte[] b, long t) {
    try {
      return decode(b, t);
    } catch (IndexOutOfBoundsException e) {
      return null; // cut short
    }
  }

  private static Integer decode(byte[] b, long t) {
    if (b.length < 44 || b[0] != 'T' || b[1] != 'Z' || b[2] != 'i' || b[3] != 'f') {
      return null;
    }
    int version = b[4];
    int start = 0;
    int timeSize = 4;
    if (version != 0) {
      start = 44 + blockLength(b, 0, 4);
      if (b[start] != 'T' || b[start + 1] != 'Z' || b[start + 2] != 'i' || b[start + 3] != 'f') {
        return null;
      }
      timeSize = 8;
    }
    int isutcnt = int32(b, start + 20);
    int isstdcnt = int32(b, start + 24);
    int leapcnt = int32(b, start + 28);
    int timecnt = int32(b, start + 32);
    int typecnt = int32(b, start + 36);
    if (leapcnt != 0 || typecnt < 1 || timecnt < 0 || isutcnt < 0 || isstdcnt < 0) {
      return null;
    }
    int times = start + 44;
    int indices = times + timecnt * timeSize;
    int types = indices + timecnt;
    int last = -1; // the last transition at or before t
    for (int i = 0; i < timecnt; i++) {
      long at = timeSize == 8 ? int64(b, times + 8 * i) : int32(b, times + 4 * i);
      if (at > t) {
        break;
      }
      last = i;
    }
    if (last == timecnt - 1 && version != 0) {
      int end = blockLength(b, start, 8) + start + 44;
      if (hasDaylightRule(b, end)) {
        return null;
      }
    }
    int type = last < 0 ? 0 : b[indices + last] & 0xff;
    if (type >= typecnt) {
      return null;
    }
    int offset = int32(b, types + 6 * type);
    return Math.abs(offset) <= 26 * 3600 ? offset : null;
  }

  /** The length of the data block after the header at {@code h}, with times of {@code size}. */
  private static int blockLength(byte[] b, int h, int size) {
    int isutcnt = int32(b, h + 20);
    int isstdcnt = int32(b, h + 24);
    int leapcnt = int32(b, h + 28);
    int timecnt = int32(b, h + 32);
    int typecnt = int32(b, h + 36);
    int charcnt = int32(b, h + 40);
    return timecnt * size
        + timecnt
        + typecnt * 6
        + charcnt
        + leapcnt * (size + 4)
        + isstdcnt
        + isutcnt;
  }

  /** Whether the footer at {@code at} ("\nTZ-string\n") has a daylight-saving part. */
  private static boolean hasDaylightRule(byte[] b, int at) {
    if (at >= b.length || b[at] != '\n') {
      return true; // no footer: unknown, so not trusted
    }
    for (int i = at + 1; i < b.length && b[i] != '\n'; i++) {
      if (b[i] == ',') {
        return true;
      }
    }
    return false;
  }

  private static int int32(byte[] b, int i) {
    return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | b[i + 3] & 0xff;
  }

  private static long int64(byte[] b, int i) {
    return (long) int32(b, i) << 32 | int32(b, i + 4) & 0xffffffffL;
  }
}
