package masq.deliver.remote;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bounds blocking I/O that has no timeout of its own (socket writes, a child's pipes): while
 * armed, a virtual thread waits for the deadline and then runs {@code onExpire} (which closes
 * the socket or kills the child, so the blocked call returns with an error). One per
 * connection; {@link #close} ends its thread.
 */
final class Watchdog implements AutoCloseable {
  private final Object lock = new Object();
  private final Runnable onExpire;
  private long deadline; // System.nanoTime() value, 0 when disarmed
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
      lock.notifyAll();
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
            lock.wait();
          } else {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              fired = true;
              deadline = 0;
              onExpire.run();
            } else {
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
}
