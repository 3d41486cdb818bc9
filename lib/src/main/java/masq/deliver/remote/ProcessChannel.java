package masq.deliver.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import masq.exec.Child;

/**
 * SMTP over a child process (a {@code wrapper} route): the command is split like a shell would (no
 * shell runs), its stdout is what the server says and its stdin what we say; each line it writes on
 * stderr goes to the log (the first 100 lines). A read that waits longer than the timeout kills the
 * child and everything it started, and the read fails with SocketTimeoutException; so does a write
 * to a child that stopped reading. Trusts the command no more than a server.
 */
final class ProcessChannel extends StreamChannel {
  /** Lines of the wrapper's stderr that go to the log; the rest is read and dropped. */
  private static final int STDERR_LINES = 100;

  private final String command;
  private final Process process;
  private final Thread stderr;
  private final Watchdog watchdog;

  private ProcessChannel(String command, Process process, Consumer<String> log) {
    this.command = command;
    this.process = process;
    this.watchdog = new Watchdog(() -> Child.kill(process));
    this.in = watchdog.bound(process.getInputStream(), () -> timeout);
    this.out = watchdog.bound(process.getOutputStream(), () -> timeout);
    this.stderr = Thread.ofVirtual().start(() -> logStderr(command, log));
  }

  /**
   * Logs the child's stderr lines: the first {@link #STDERR_LINES}, each cut at 500 bytes. It is
   * read to its end all the same (the child must not block on a full pipe), in constant memory.
   */
  private void logStderr(String command, Consumer<String> log) {
    String who = "wrapper '" + command + "': ";
    byte[] buf = new byte[8192];
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    int logged = 0;
    try (InputStream in = process.getErrorStream()) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        for (int i = 0; i < n; i++) {
          if (buf[i] != '\n') {
            if (line.size() < 500) {
              line.write(buf[i]);
            }
            continue;
          }
          if (logged < STDERR_LINES) {
            log.accept(who + line.toString(StandardCharsets.UTF_8));
          } else if (logged == STDERR_LINES) {
            log.accept(who + "(further output not logged)");
          }
          logged++;
          line.reset();
        }
      }
      if (line.size() > 0 && logged < STDERR_LINES) {
        log.accept(who + line.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException ignored) {
      // the child went away
    }
  }

  /** Starts {@code command}; its stderr lines go to {@code log}. */
  static ProcessChannel start(String command, Consumer<String> log) throws IOException {
    List<String> argv;
    try {
      argv = masq.route.Words.split(command);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage());
    }
    if (argv.isEmpty()) {
      throw new IOException("wrapper command is empty");
    }
    Process p = new ProcessBuilder(argv).start();
    return new ProcessChannel(command, p, log);
  }

  @Override
  public String peer() {
    return "wrapper '" + command + "'";
  }

  @Override
  public InetAddress localAddress() {
    return null;
  }

  @Override
  public String startTls(TlsFactory tls) throws IOException {
    throw new IOException("TLS is not available over a wrapper");
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException ignored) {
      // the child may have gone already
    }
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        Child.kill(process);
        process.waitFor(2, TimeUnit.SECONDS);
      }
      stderr.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Child.kill(process);
      Thread.currentThread().interrupt();
    }
    watchdog.close();
  }
}
