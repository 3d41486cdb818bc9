package masq.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * The delivery log, {@code log_dir/masq.log}: one line per event,
 * {@code YYYY-MM-DD HH:MM:SS [pid] ID <= sender size=N ...} (received), {@code =>} (delivered),
 * {@code ==} (deferred), {@code **} (failed). Each line is one append write, so lines of
 * concurrent processes never interleave. A log that cannot be written never fails a delivery:
 * the problem is reported once on stderr.
 */
public final class MailLog {
  private final Path file;
  private final Clock clock;
  private final ZoneId zone;
  private final long pid;
  private boolean complained;

  public MailLog(Path logDir, Clock clock, ZoneId zone, long pid) {
    this.file = logDir == null ? null : logDir.resolve("masq.log");
    this.clock = clock;
    this.zone = zone;
    this.pid = pid;
  }

  public Path file() {
    return file;
  }

  /** Appends one line (a timestamp and the pid are put in front). */
  public void write(String text) {
    if (file == null) {
      return;
    }
    LocalDateTime t = LocalDateTime.ofInstant(clock.instant(), zone);
    String line = String.format("%04d-%02d-%02d %02d:%02d:%02d [%d] %s%n", t.getYear(),
        t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), pid,
        text.replace('\n', ' ').replace('\r', ' '));
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
      }
    } catch (IOException e) {
      if (!complained) {
        complained = true;
        System.err.println("masq: warning: cannot write log " + file + ": " + e.getMessage());
      }
    }
  }
}
