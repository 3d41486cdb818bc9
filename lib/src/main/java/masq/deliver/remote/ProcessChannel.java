package masq.deliver.remote;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * SMTP over a child process (a {@code wrapper} route): the command is split like a shell would
 * (no shell runs), its stdout is what the server says and its stdin what we say; each line it
 * writes on stderr goes to the log. A read that waits longer than the timeout kills the child,
 * and the read fails with SocketTimeoutException (a write to a child that stopped reading is
 * not bounded; the next read is). Trusts the command no more than a server.
 */
final class ProcessChannel implements SmtpChannel {
  private final String command;
  private final Process process;
  private final InputStream in;
  private final Thread stderr;
  private final Watchdog watchdog;
  private volatile Duration timeout = Duration.ofMinutes(5);

  private ProcessChannel(String command, Process process, Consumer<String> log) {
    this.command = command;
    this.process = process;
    this.in = new TimedInput(process.getInputStream());
    this.stderr = Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          log.accept("wrapper '" + command + "': " + l);
        }
      } catch (IOException ignored) {
        // the child went away
      }
    });
    this.watchdog = new Watchdog(process::destroyForcibly);
  }

  /** Starts {@code command}; its stderr lines go to {@code log}. */
  static ProcessChannel start(String command, Consumer<String> log) throws IOException {
    List<String> argv;
    try {
      argv = ShellWords.split(command);
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
  public InputStream in() {
    return in;
  }

  @Override
  public OutputStream out() {
    return process.getOutputStream();
  }

  @Override
  public void timeout(Duration timeout) {
    this.timeout = timeout;
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
  public void startTls(TlsFactory tls) throws IOException {
    throw new IOException("TLS is not available over a wrapper");
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // the child may have gone already
    }
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(2, TimeUnit.SECONDS);
      }
      stderr.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    watchdog.close();
  }

  /** The child's stdout, with each read bounded by the timeout. */
  private final class TimedInput extends InputStream {
    private final InputStream raw;

    TimedInput(InputStream raw) {
      this.raw = raw;
    }

    @Override
    public int read() throws IOException {
      byte[] b = new byte[1];
      int n = read(b, 0, 1);
      return n < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      watchdog.arm(timeout);
      int n;
      try {
        n = raw.read(b, off, len);
      } catch (IOException e) {
        throw watchdog.fired() ? new SocketTimeoutException("timed out") : e;
      } finally {
        watchdog.disarm();
      }
      if (watchdog.fired()) {
        throw new SocketTimeoutException("timed out");
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      raw.close();
    }
  }
}
