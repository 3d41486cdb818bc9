package masq.exec;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A child process that cannot hang a run: {@link #bounded} is the one way masq runs a command whose
 * output it reads (MDAs and {@code |pipe} aliases through {@code masq.deliver.local.PipeCommand},
 * {@code pipe} routes, online_query, getent, logger). It bounds the time (at the deadline the
 * command and every process it started are killed, whether or not they still hold their output
 * open) and the output kept in memory (what is over the cap is read and dropped, so a command that
 * prints without end neither blocks nor fills memory until its deadline). Trusts nothing the
 * command does.
 */
public final class Child {
  /** How long the output is still read once the command has exited (a child may hold it open). */
  private static final long DRAIN_AFTER_EXIT_MS = 1000;

  private Child() {}

  /** What is written to a command's standard input, from a thread of its own. */
  @FunctionalInterface
  public interface Input {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Thrown by an {@link Input} whose data could not be read to its end: the command is then killed
   * before its standard input closes, so that it never takes a truncated message for a whole one.
   */
  public static final class InputFailure extends IOException {
    private static final long serialVersionUID = 1L;

    public InputFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * How a bounded run ended.
   *
   * @param exitCode the exit status (128 + N for signal N), or -1 when it was killed at its
   *     deadline
   * @param timedOut true when it was killed because it outlived its deadline
   * @param output the first bytes of its standard output (at most the cap asked for)
   * @param outputSize how many bytes it wrote in all
   * @param inputFailure the {@link InputFailure} its input ended with, or null
   */
  public record Finished(
      int exitCode, boolean timedOut, byte[] output, long outputSize, IOException inputFailure) {
    /** The first line of the kept output, trimmed, at most {@code max} characters (with "..."). */
    public String firstLine(int max) {
      String t = new String(output, StandardCharsets.UTF_8).strip();
      int nl = t.indexOf('\n');
      String line = nl < 0 ? t : t.substring(0, nl).strip();
      return line.length() > max ? line.substring(0, max) + "..." : line;
    }

    /** The kept output as lines (without their line ends). */
    public List<String> lines() {
      String t = new String(output, StandardCharsets.UTF_8);
      return t.isEmpty() ? List.of() : t.lines().toList();
    }

    /** True when more was written than was kept. */
    public boolean truncated() {
      return outputSize > output.length;
    }
  }

  /**
   * Starts {@code pb} and waits for it, for at most {@code timeout}. Its standard input is {@code
   * input} (written from a virtual thread), or /dev/null when null; its standard output is read as
   * it comes, the first {@code keep} bytes kept. Standard error is what {@code pb} says (discard it
   * or merge it into the output). At the deadline the command and its descendants are killed; once
   * it has exited, output a descendant still holds open is waited for at most a second more.
   *
   * @throws IOException when the command cannot be started
   */
  public static Finished bounded(ProcessBuilder pb, Input input, Duration timeout, int keep)
      throws IOException {
    if (input == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Process p = pb.start();
    Capture out = new Capture(keep);
    Thread reader = Thread.ofVirtual().start(() -> out.drain(p.getInputStream()));
    AtomicReference<IOException> inputFailure = new AtomicReference<>();
    Thread feeder = null;
    if (input != null) {
      feeder = Thread.ofVirtual().start(() -> inputFailure.set(feed(p, input)));
    }
    try {
      if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        kill(p);
        p.waitFor(5, TimeUnit.SECONDS);
        return new Finished(-1, true, out.kept(), out.size(), inputFailure.get());
      }
      if (feeder != null) {
        feeder.join(DRAIN_AFTER_EXIT_MS);
      }
      reader.join(DRAIN_AFTER_EXIT_MS);
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      return new Finished(-1, true, out.kept(), out.size(), inputFailure.get());
    }
    return new Finished(p.exitValue(), false, out.kept(), out.size(), inputFailure.get());
  }

  /**
   * Kills {@code p} and every process it started. The descendants are listed while {@code p} still
   * lives (once it is dead, its children belong to init and are no longer found through it).
   */
  public static void kill(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Why a command could not be started, in a few words ({@code no such file}, {@code not
   * executable}): the reason the system gave {@link ProcessBuilder#start}, without Java's wording.
   */
  public static String whyNotStarted(IOException e) {
    String m = e.getMessage() == null ? "" : e.getMessage().replace('\n', ' ');
    java.util.regex.Matcher errno =
        java.util.regex.Pattern.compile("error[=:] ?(\\d+)[,]? ?\\(?([^)]*)\\)?").matcher(m);
    if (!errno.find()) {
      return m.isBlank() ? "cannot start" : m;
    }
    return switch (errno.group(1)) {
      case "2" -> "no such file";
      case "13" -> "not executable (permission denied)";
      case "8" -> "not an executable program (exec format error)";
      case "20" -> "a part of its path is not a directory";
      default ->
          errno.group(2).isBlank()
              ? "cannot start (error " + errno.group(1) + ")"
              : errno.group(2).strip().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** "30s", or "0.5s" for a timeout that is not whole seconds. */
  public static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms / 1000.0 + "s";
  }

  /** Writes the input; returns the InputFailure it ended with, or null. */
  private static IOException feed(Process p, Input input) {
    IOException failure = null;
    try (OutputStream in = new BufferedOutputStream(p.getOutputStream(), 64 * 1024)) {
      try {
        input.writeTo(in);
      } catch (InputFailure e) {
        kill(p); // before the close below ends the command's input as if it were complete
        failure = e;
      }
    } catch (IOException ex) {
      // the command stopped reading (EPIPE), or was killed above; its exit status says the rest
    }
    return failure;
  }

  /** A command's output as it is read: the first bytes kept, the rest counted and dropped. */
  private static final class Capture {
    private final int keep;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long size;

    Capture(int keep) {
      this.keep = keep;
    }

    void drain(InputStream in) {
      byte[] buf = new byte[8192];
      try (in) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          synchronized (this) {
            if (kept.size() < keep) {
              kept.write(buf, 0, Math.min(n, keep - kept.size()));
            }
            size += n;
          }
        }
      } catch (IOException e) {
        // the command is gone
      }
    }

    synchronized byte[] kept() {
      return kept.toByteArray();
    }

    synchronized long size() {
      return size;
    }
  }
}
