package masq.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * LocalOffset against java.util.TimeZone, zone by zone, over the system's own zoneinfo files (the
 * tzdata package): where it gives an offset, it is TimeZone's — exactly for zones whose rules are
 * settled, and but for a handful of zones over all of them (the system's tzdata and the JDK's may
 * be of different releases, and a release changes some zone's rules).
 */
class LocalOffsetTest {
  private static final Path ZONEINFO = Path.of("/usr/share/zoneinfo");

  /** Instants around now (both seasons), and some in the past. */
  private static final long[] INSTANTS = {
    Instant.now().getEpochSecond(),
    Instant.now().getEpochSecond() + 183L * 86400,
    Instant.parse("2026-01-15T12:00:00Z").getEpochSecond(),
    Instant.parse("2026-07-15T12:00:00Z").getEpochSecond(),
    Instant.parse("2001-09-09T01:46:40Z").getEpochSecond(),
    Instant.parse("1985-06-01T00:00:00Z").getEpochSecond(),
  };

  private static final List<String> SETTLED =
      List.of(
          "Etc/UTC",
          "Europe/Berlin",
          "Europe/London",
          "America/New_York",
          "America/Los_Angeles",
          "America/Sao_Paulo",
          "Asia/Kolkata",
          "Asia/Tokyo",
          "Australia/Sydney",
          "Australia/Lord_Howe",
          "America/St_Johns",
          "Pacific/Chatham");

  @Test
  void settledZonesAgreeWithTimeZone() {
    for (String id : SETTLED) {
      TimeZone tz = TimeZone.getTimeZone(id);
      for (long t : INSTANTS) {
        assertEquals(
            tz.getOffset(t * 1000) / 1000,
            LocalOffset.at(ZONEINFO.resolve(id), t),
            id + " at " + Instant.ofEpochSecond(t));
      }
    }
  }

  @Test
  void everySystemZoneAgreesWithTimeZone() throws Exception {
    Set<String> known = ZoneId.getAvailableZoneIds();
    List<String> wrong = new ArrayList<>();
    int compared = 0;
    try (Stream<Path> files = Files.walk(ZONEINFO)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String id = ZONEINFO.relativize(f).toString();
        if (!known.contains(id)) {
          continue; // posix/, right/, tables
        }
        TimeZone tz = TimeZone.getTimeZone(id);
        for (long t : INSTANTS) {
          Integer got = LocalOffset.at(f, t);
          if (got == null) {
            continue;
          }
          compared++;
          int want = tz.getOffset(t * 1000) / 1000;
          if (got != want) {
            wrong.add(id + " at " + Instant.ofEpochSecond(t) + ": " + got + " != " + want);
          }
        }
      }
    }
    assertTrue(compared > 1000, "compared " + compared);
    assertTrue(wrong.size() <= 10, wrong.toString());
  }

  @Test
  void theOffsetChangesAtTheTransitionItself() {
    Path berlin = ZONEINFO.resolve("Europe/Berlin");
    long change = Instant.parse("2026-03-29T01:00:00Z").getEpochSecond();
    assertEquals(3600, LocalOffset.at(berlin, change - 1));
    assertEquals(7200, LocalOffset.at(berlin, change));
    long back = Instant.parse("2026-10-25T01:00:00Z").getEpochSecond();
    assertEquals(7200, LocalOffset.at(berlin, back - 1));
    assertEquals(3600, LocalOffset.at(berlin, back));
    assertEquals(
        3600, LocalOffset.at(berlin, Instant.parse("1970-01-15T00:00:00Z").getEpochSecond()));
  }

  @Test
  void commonZonesAreReadNowInBothSeasons() {
    for (String id :
        List.of(
            "Etc/UTC",
            "UTC",
            "Europe/Berlin",
            "America/New_York",
            "Asia/Kolkata",
            "Australia/Lord_Howe",
            "America/St_Johns")) {
      for (long t : new long[] {INSTANTS[0], INSTANTS[1]}) {
        assertNotNull(LocalOffset.at(ZONEINFO.resolve(id), t), id);
      }
    }
  }

  @Test
  void whatIsNotTzifOrIsCutShortIsUnknown() throws Exception {
    byte[] berlin = Files.readAllBytes(ZONEINFO.resolve("Europe/Berlin"));
    long t = INSTANTS[0];
    for (int cut : new int[] {0, 10, 44, 100, berlin.length / 2}) {
      byte[] b = java.util.Arrays.copyOf(berlin, cut);
      assertNull(LocalOffset.parse(b, t), "cut at " + cut);
    }
    assertNull(LocalOffset.parse("# not a zone file\n".repeat(5).getBytes(), t));
    assertNull(LocalOffset.at(ZONEINFO.resolve("no/such/zone"), t));
    assertNull(LocalOffset.at(ZONEINFO, t), "a directory");
    // a slim file: no table past the last change, the footer rule has DST: unknown then
    byte[] slim = slim(berlin);
    assertNull(LocalOffset.parse(slim, t));
    assertEquals(
        3600, LocalOffset.parse(slim, Instant.parse("1970-01-15T00:00:00Z").getEpochSecond()));
  }

  /** Berlin's data with the version 2 transitions cut off after 1980 (as zic -b slim would). */
  private static byte[] slim(byte[] fat) {
    // not worth a zic: the same effect by dropping the version 2 part's later transitions
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(fat);
    int v1 = 44 + block(in, 0, 4);
    int timecnt = in.getInt(v1 + 32);
    int keep = 0;
    for (int i = 0; i < timecnt; i++) {
      if (in.getLong(v1 + 44 + 8 * i) < Instant.parse("1981-01-01T00:00:00Z").getEpochSecond()) {
        keep = i + 1;
      }
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(fat, 0, v1 + 32);
    out.write(java.nio.ByteBuffer.allocate(4).putInt(keep).array(), 0, 4);
    out.write(fat, v1 + 36, 8);
    int times = v1 + 44;
    out.write(fat, times, 8 * keep);
    int idx = times + 8 * timecnt;
    out.write(fat, idx, keep);
    out.write(fat, idx + timecnt, fat.length - (idx + timecnt));
    return out.toByteArray();
  }

  private static int block(java.nio.ByteBuffer b, int h, int size) {
    int timecnt = b.getInt(h + 32);
    return timecnt * size
        + timecnt
        + b.getInt(h + 36) * 6
        + b.getInt(h + 40)
        + b.getInt(h + 28) * (size + 4)
        + b.getInt(h + 24)
        + b.getInt(h + 20);
  }
}
