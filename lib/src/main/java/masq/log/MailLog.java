package masq.log;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Set;
import masq.Api;
import masq.ErrorText;
import masq.PrivateParents;
import masq.exec.Child;

/**
 * The delivery log, {@code log_dir/masq.log}: one line per event, {@code YYYY-MM-DD HH:MM:SS [pid]
 * ID <= sender size=N ...} (received), {@code =>} (delivered), {@code ==} (deferred), {@code **}
 * (failed). Each line is one append write, so lines of concurrent processes never interleave. A
 * line is not fsynced (a crash may lose the last lines, never mail). The file stays open between
 * lines (a run over a thousand messages writes two thousand lines), but for at most {@link
 * #REOPEN_NANOS}, so that a log rotated away is left within a second. A log that cannot be written
 * never fails a delivery: the problem is reported once on stderr. With masqmail's {@code log_dir =
 * ""} the lines go to standard error instead ({@link #toStream}). Thread-safe.
 */
@Api
public final class MailLog {
  /** How long the open log file is used before it is opened again by name. */
  static final long REOPEN_NANOS = 1_000_000_000L;

  /** How long logger(1) may take to hand a line to syslog; then it is killed. */
  private static final Duration SYSLOG_TIMEOUT = Duration.ofSeconds(2);

  private final Path file;
  private final Clock clock;
  private final ZoneId zone;
  private final long pid;
  private final boolean syslog;
  private final PrintStream stream;
  private boolean complained;
  private FileChannel channel;
  private long openedAt;
  private String prefix;
  private long prefixSecond;

  public MailLog(Path logDir, Clock clock, ZoneId zone, long pid) {
    this(logDir, clock, zone, pid, false);
  }

  /** With {@code syslog} (use_syslog), each line is also handed to logger(1), facility mail. */
  public MailLog(Path logDir, Clock clock, ZoneId zone, long pid, boolean syslog) {
    this(logDir, null, clock, zone, pid, syslog);
  }

  private MailLog(
      Path logDir, PrintStream stream, Clock clock, ZoneId zone, long pid, boolean syslog) {
    this.file = logDir == null ? null : logDir.resolve("masq.log");
    this.stream = stream;
    this.clock = clock;
    this.zone = zone;
    this.pid = pid;
    this.syslog = syslog;
  }

  /**
   * A log written to {@code stream} (masqmail's {@code log_dir = ""}: standard error, for systemd's
   * journal) instead of a file; the lines are the same.
   */
  public static MailLog toStream(
      PrintStream stream, Clock clock, ZoneId zone, long pid, boolean syslog) {
    return new MailLog(null, stream, clock, zone, pid, syslog);
  }

  public Path file() {
    return file;
  }

  /** Appends one line (a timestamp and the pid are put in front). */
  public synchronized void write(String text) {
    if (syslog) {
      toSyslog(text);
    }
    if (file == null && stream == null) {
      return;
    }
    StringBuilder line =
        new StringBuilder(text.length() + 40)
            .append(prefix())
            .append(text.replace('\n', ' ').replace('\r', ' '))
            .append('\n');
    if (stream != null) {
      stream.print(line); // one write of the whole line: PrintStream is synchronized
      stream.flush();
      return;
    }
    try {
      ByteBuffer bytes = ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.UTF_8));
      channel().write(bytes);
    } catch (IOException e) {
      close();
      if (!complained) {
        complained = true;
        System.err.println("masq: warning: cannot write log " + file + ": " + ErrorText.ofFile(e));
      }
    }
  }

  /**
   * {@code YYYY-MM-DD HH:MM:SS [pid] } for now; made once a second (a batch logs thousands of
   * lines).
   */
  private String prefix() {
    Instant now = clock.instant();
    if (prefix == null || now.getEpochSecond() != prefixSecond) {
      LocalDateTime t = LocalDateTime.ofInstant(now, zone);
      StringBuilder sb = new StringBuilder(40).append(t.getYear()).append('-');
      two(sb, t.getMonthValue()).append('-');
      two(sb, t.getDayOfMonth()).append(' ');
      two(sb, t.getHour()).append(':');
      two(sb, t.getMinute()).append(':');
      two(sb, t.getSecond()).append(" [").append(pid).append("] ");
      prefix = sb.toString();
      prefixSecond = now.getEpochSecond();
    }
    return prefix;
  }

  /** The log file open for appending: the one opened less than a second ago, else anew. */
  private FileChannel channel() throws IOException {
    long now = System.nanoTime();
    if (channel != null && now - openedAt < REOPEN_NANOS) {
      return channel;
    }
    close();
    boolean fresh = !Files.exists(file);
    try {
      channel = append();
    } catch (java.nio.file.NoSuchFileException e) {
      Path dir = file.toAbsolutePath().getParent();
      if (ownerOnly) {
        PrivateParents.create(dir);
      } else {
        Files.createDirectories(dir.getParent());
        try {
          Files.createDirectory(dir, SYSTEM_DIR);
        } catch (java.nio.file.FileAlreadyExistsException meanwhile) {
          // made by another process
        }
      }
      channel = append();
    }
    if (fresh) {
      adoptByDirectoryOwner();
    }
    openedAt = now;
    return channel;
  }

  /**
   * A log root just created in a directory that belongs to someone else (root's cron mail into a
   * user's single-user spool, or into mail's system log) is given to that owner, so that the
   * owner's own runs can go on writing it.
   */
  private void adoptByDirectoryOwner() {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (file.getFileSystem() != java.nio.file.FileSystems.getDefault()
          || ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() != 0
          || ((Number) Files.getAttribute(dir, "unix:uid")).longValue() == 0) {
        return;
      }
      Files.setOwner(file, Files.getOwner(dir));
      Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class)
          .setGroup(
              Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class).group());
    } catch (IOException | UnsupportedOperationException e) {
      // the file stays root's: the owner's runs then say they cannot write it
    }
  }

  private boolean ownerOnly;

  /**
   * Single-user mode: a log file this creates is 0600 and a log directory it creates (with its
   * missing parents) 0700, whatever the umask (set at creation); without it (system mode) they are
   * 0640 and 0750, less what the umask takes away.
   */
  public synchronized MailLog ownerOnly() {
    ownerOnly = true;
    return this;
  }

  private static final FileAttribute<?> PRIVATE_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  /**
   * System mode: the log names every sender and recipient, so only its owner (mail) and group may
   * read it, as Debian's mail.log (0640, with its directory 0750, as install-system.sh makes them).
   */
  private static final FileAttribute<?> SYSTEM_DIR =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---"));

  private static final FileAttribute<?> SYSTEM_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"));

  private FileChannel append() throws IOException {
    var options =
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return FileChannel.open(file, options);
    }
    return FileChannel.open(file, options, ownerOnly ? PRIVATE_FILE : SYSTEM_FILE);
  }

  /** Closes the log file, if open (the next line opens it again). */
  public synchronized void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing was buffered: every line was written when it was logged
      }
      channel = null;
    }
  }

  private void toSyslog(String text) {
    try {
      // bounded: a system logger that does not answer must not hold a delivery
      Child.bounded(
          new ProcessBuilder(
                  "logger",
                  "-t",
                  "masq[" + pid + "]",
                  "-p",
                  "mail.info",
                  "--",
                  text.replace('\n', ' '))
              .redirectErrorStream(true),
          null,
          SYSLOG_TIMEOUT,
          0);
    } catch (IOException e) {
      if (!complained) {
        complained = true;
        System.err.println("masq: warning: cannot run logger for use_syslog: " + e.getMessage());
      }
    }
  }

  private static StringBuilder two(StringBuilder sb, int v) {
    return (v < 10 ? sb.append('0') : sb).append(v);
  }
}
