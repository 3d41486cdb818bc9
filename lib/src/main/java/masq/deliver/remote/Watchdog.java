package masq.deliver.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.commons.io.input.ProxyInputStream;
import org.apache.commons.io.output.ProxyOutputStream;

/**
 * Bounds blocking I/O that has no timeout of its own (socket writes, a child's pipes): while armed,
 * a virtual thread waits for the deadline and then runs {@code onExpire} (which closes the socket
 * or kills the child, so the blocked call returns with an error). One per connection; {@link
 * #close} ends its thread. An overrun makes the bounded call fail with SocketTimeoutException,
 * whatever error the closing itself caused.
 */
final class Watchdog implements AutoCloseable {
  private final Object lock = new Object();
  private final Runnable onExpire;
  private long deadline; // System.nanoTime() value, 0 when disarmed
  private long waitingFor; // the deadline the thread sleeps towards, 0 when it sleeps untimed
  private boolean fired;
  private boolean closed;

  Watchdog(Runnable onExpire) {
    this.onExpire = onExpire;
    Thread.ofVirtual().start(this::run);
  }

  void arm(Duration d) {
    synchronized (lock) {
      long t = System.nanoTime() + Math.max(1, d.toNanos());
      deadline = t == 0 ? 1 : t;
      // wake the thread only when it would otherwise sleep past the new deadline: arming
      // happens on every write, and a wake-up each time would cost a thread switch
      if (waitingFor == 0 || deadline - waitingFor < 0) {
        lock.notifyAll();
      }
    }
  }

  void disarm() {
    synchronized (lock) {
      deadline = 0;
    }
  }

  /** True once the deadline passed while armed. */
  boolean fired() {
    synchronized (lock) {
      return fired;
    }
  }

  private void run() {
    synchronized (lock) {
      try {
        while (!closed) {
          if (deadline == 0) {
            waitingFor = 0;
            lock.wait();
          } else {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              fired = true;
              deadline = 0;
              onExpire.run();
            } else {
              waitingFor = deadline;
              TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
  }

  /** {@code raw} with each write bounded by {@code timeout}; an overrun fails it. */
  OutputStream bound(OutputStream raw, Supplier<Duration> timeout) {
    // Commons IO's proxy calls the hooks around every write, the one-byte write included
    return new ProxyOutputStream(raw) {
      @Override
      protected void beforeWrite(int n) {
        arm(timeout.get());
      }

      @Override
      protected void afterWrite(int n) throws IOException {
        disarm();
        if (fired()) {
          throw new SocketTimeoutException("timed out writing");
        }
      }

      @Override
      protected void handleIOException(IOException e) throws IOException {
        disarm();
        throw fired() ? new SocketTimeoutException("timed out writing") : e;
      }

      // flush and close are not bounded (the proxy would pass their errors to the hook above)

      @Override
      public void flush() throws IOException {
        raw.flush();
      }

      @Override
      public void close() throws IOException {
        raw.close();
      }
    };
  }

  /** {@code raw} with each read bounded by {@code timeout}; an overrun fails it. */
  InputStream bound(InputStream raw, Supplier<Duration> timeout) {
    // Commons IO's proxy calls the hooks around every read, the one-byte read included
    return new ProxyInputStream(raw) {
      @Override
      protected void beforeRead(int n) {
        arm(timeout.get());
      }

      @Override
      protected void afterRead(int n) throws IOException {
        disarm();
        if (fired()) {
          throw new SocketTimeoutException("timed out");
        }
      }

      @Override
      protected void handleIOException(IOException e) throws IOException {
        disarm();
        throw fired() ? new SocketTimeoutException("timed out") : e;
      }
    };
  }
}
