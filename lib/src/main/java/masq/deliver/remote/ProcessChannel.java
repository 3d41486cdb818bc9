package masq.deliver.remote;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * SMTP over a child process (a {@code wrapper} route): the command is split like a shell would (no
 * shell runs), its stdout is what the server says and its stdin what we say; each line it writes on
 * stderr goes to the log. A read that waits longer than the timeout kills the child, and the read
 * fails with SocketTimeoutException; so does a write to a child that stopped reading. Trusts the
 * command no more than a server.
 */
final class ProcessChannel extends StreamChannel {
  private final String command;
  private final Process process;
  private final Thread stderr;
  private final Watchdog watchdog;

  private ProcessChannel(String command, Process process, Consumer<String> log) {
    this.command = command;
    this.process = process;
    this.watchdog = new Watchdog(process::destroyForcibly);
    this.in = watchdog.bound(process.getInputStream(), () -> timeout);
    this.out = watchdog.bound(process.getOutputStream(), () -> timeout);
    this.stderr =
        Thread.ofVirtual()
            .start(() -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                  log.accept("wrapper '" + command + "': " + l);
                }
              } catch (IOException ignored) {
                // the child went away
              }
            });
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
  public void startTls(TlsFactory tls) throws IOException {
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
}
