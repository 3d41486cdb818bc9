package masq.tests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.Predicate;

/**
 * The one way a test waits for something to happen: poll a condition with a short back-off until it
 * holds, failing with what it waited for (and the last state seen) after {@link #LIMIT_MS}, a bound
 * far above what any step takes on a busy machine and far below the hang it guards against. A test
 * that checks that something did not happen first waits for an event showing it could have (a later
 * run's trace, the server's log line, the end of the process that would have done it), never for a
 * fixed time.
 */
public final class Await {
  private Await() {}

  /** How long a wait may take before it fails. */
  public static final long LIMIT_MS = 20_000;

  /** A condition to poll; it may throw (an I/O error while reading counts as "not yet"). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** A state to poll; it may throw (an I/O error while reading counts as "not yet"). */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  /** Waits until {@code done} holds, at most {@link #LIMIT_MS}; fails naming {@code what}. */
  public static void until(String what, Condition done) throws InterruptedException {
    until(what, () -> done.holds() ? Boolean.TRUE : null, b -> b != null, false);
  }

  /**
   * Polls {@code probe} until its value satisfies {@code done} and returns that value; fails after
   * {@link #LIMIT_MS} naming {@code what} and the last value (or error) seen.
   */
  public static <T> T until(String what, Probe<T> probe, Predicate<? super T> done)
      throws InterruptedException {
    return until(what, probe, done, true);
  }

  /**
   * Waits until something accepts TCP connections on {@code host:port}; fails at once when {@code
   * server} (null when not ours) has exited.
   */
  public static void port(String host, int port, Process server) throws InterruptedException {
    until(
        "something listening on " + host + ":" + port,
        () -> {
          if (server != null && !server.isAlive()) {
            throw new AssertionError("the server exited with " + server.exitValue());
          }
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
          } catch (IOException e) {
            return false;
          }
        });
  }

  private static <T> T until(
      String what, Probe<T> probe, Predicate<? super T> done, boolean showLast)
      throws InterruptedException {
    long end = System.nanoTime() + LIMIT_MS * 1_000_000L;
    long pause = 5;
    while (true) {
      Object last;
      try {
        T v = probe.get();
        if (done.test(v)) {
          return v;
        }
        last = v;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "not within " + LIMIT_MS + " ms: " + what + (showLast ? "; last: " + last : ""));
      }
      Thread.sleep(pause);
      pause = Math.min(100, pause * 2);
    }
  }
}
