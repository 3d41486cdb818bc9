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
  private final boolean syslog;
  private boolean complained;

  public MailLog(Path logDir, Clock clock, ZoneId zone, long pid) {
    this(logDir, clock, zone, pid, false);
  }

  /** With {@code syslog} (use_syslog), each line is also handed to logger(1), facility mail. */
  public MailLog(Path logDir, Clock clock, ZoneId zone, long pid, boolean syslog) {
    this.file = logDir == null ? null : logDir.resolve("masq.log");
    this.clock = clock;
    this.zone = zone;
    this.pid = pid;
    this.syslog = syslog;
  }

  public Path file() {
    return file;
  }

  /** Appends one line (a timestamp and the pid are put in front). */
  public void write(String text) {
    if (syslog) {
      toSyslog(text);
    }
    if (file == null) {
      return;
    }
    LocalDateTime t = LocalDateTime.ofInstant(clock.instant(), zone);
    StringBuilder line = new StringBuilder(text.length() + 40).append(t.getYear()).append('-');
    two(line, t.getMonthValue()).append('-');
    two(line, t.getDayOfMonth()).append(' ');
    two(line, t.getHour()).append(':');
    two(line, t.getMinute()).append(':');
    two(line, t.getSecond()).append(" [").append(pid).append("] ")
        .append(text.replace('\n', ' ').replace('\r', ' ')).append('\n');
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ch.write(ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.UTF_8)));
      }
    } catch (IOException e) {
      if (!complained) {
        complained = true;
        System.err.println("masq: warning: cannot write log " + file + ": " + e.getMessage());
      }
    }
  }

  private void toSyslog(String text) {
    try {
      Process p = new ProcessBuilder("logger", "-t", "masq[" + pid + "]", "-p", "mail.info", "--",
          text.replace('\n', ' ')).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (IOException e) {
      if (!complained) {
        complained = true;
        System.err.println("masq: warning: cannot run logger for use_syslog: " + e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static StringBuilder two(StringBuilder sb, int v) {
    return (v < 10 ? sb.append('0') : sb).append(v);
  }
}
