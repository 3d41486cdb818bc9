package masq.message;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** RFC 5322 dates ({@code Tue, 05 Mar 2024 12:34:56 +0100}), written without java.time.format. */
public final class RfcDate {
  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private RfcDate() {}

  public static String format(Instant instant, ZoneId zone) {
    ZonedDateTime t = instant.atZone(zone);
    int off = t.getOffset().getTotalSeconds() / 60;
    char sign = off < 0 ? '-' : '+';
    off = Math.abs(off);
    return DAYS[t.getDayOfWeek().getValue() - 1]
        + ", "
        + two(t.getDayOfMonth())
        + " "
        + MONTHS[t.getMonthValue() - 1]
        + " "
        + t.getYear()
        + " "
        + two(t.getHour())
        + ":"
        + two(t.getMinute())
        + ":"
        + two(t.getSecond())
        + " "
        + sign
        + two(off / 60)
        + two(off % 60);
  }

  private static String two(int v) {
    return v < 10 ? "0" + v : Integer.toString(v);
  }
}
