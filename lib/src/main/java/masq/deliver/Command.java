package masq.deliver;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an MDA or a {@code |pipe} alias with the message on its standard input, directly (no shell),
 * with masqmail's environment (local.c {@code pipe_out}): RETURN_PATH, SENDER, SENDER_DOMAIN,
 * SENDER_LOCAL, RECEIVED_HOST, DOMAIN, LOCAL_PART, USER, LOGNAME, MESSAGE_ID, QUALIFY_DOMAIN, plus
 * PATH so that the command can find its own helpers. Exit 0 is delivered, 75 (EX_TEMPFAIL)
 * deferred, anything else or a signal failed; a command that runs longer than the timeout is killed
 * (with its children) and the delivery deferred. The first line of its output is kept as the
 * reason.
 */
final class Command {
  private Command() {}

  static Outcome run(
      List<String> argv, Map<String, String> env, Mbox.Writer writer, Duration timeout) {
    return run(argv.get(0), argv, env, writer, timeout);
  }

  /** The same, naming the command {@code label} in outcomes (e.g. "procmail as ann"). */
  static Outcome run(
      String label,
      List<String> argv,
      Map<String, String> env,
      Mbox.Writer writer,
      Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(argv);
    Map<String, String> e = pb.environment();
    String path = e.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    e.clear();
    e.putAll(env);
    e.put("PATH", path);
    pb.redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException ex) {
      return Outcome.failed("5.3.0", "cannot run " + label + ": " + Mbox.reason(ex));
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> drain(p.getInputStream(), output));
    Thread feeder =
        Thread.ofVirtual()
            .start(() -> {
              try (OutputStream in = new BufferedOutputStream(p.getOutputStream(), 64 * 1024)) {
                writer.writeTo(in);
              } catch (IOException ex) {
                // the command stopped reading (EPIPE); its exit status says whether that was fine
              }
            });
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        return Outcome.deferred("4.3.0", label + " timed out after " + timeout.toSeconds() + "s");
      }
      feeder.join(1000);
      reader.join(1000);
    } catch (InterruptedException ex) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return Outcome.deferred("4.3.0", label + " interrupted");
    }
    int rc = p.exitValue();
    String said;
    synchronized (output) {
      said = firstLine(output.toString(StandardCharsets.UTF_8));
    }
    String suffix = said.isEmpty() ? "" : ": " + said;
    if (rc == 0) {
      return Outcome.delivered(label);
    }
    if (rc == 75) {
      return Outcome.deferred(
          "4.3.0", label + " exited with status 75 (temporary failure)" + suffix);
    }
    if (rc > 128) {
      return Outcome.failed("5.3.0", label + " killed by signal " + (rc - 128) + suffix);
    }
    return Outcome.failed("5.3.0", label + " exited with status " + rc + suffix);
  }

  private static void drain(InputStream in, ByteArrayOutputStream keep) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (keep) {
          if (keep.size() < 4096) {
            keep.write(buf, 0, Math.min(n, 4096 - keep.size()));
          }
        }
      }
    } catch (IOException e) {
      // the command is gone
    }
  }

  private static String firstLine(String s) {
    String t = s.strip();
    int nl = t.indexOf('\n');
    String line = nl < 0 ? t : t.substring(0, nl).strip();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
