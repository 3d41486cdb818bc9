package masq.tests;

/**
 * The one way a test waits for something to happen: poll a condition until it holds, failing with
 * what it waited for after {@link #LIMIT_MS}, a bound far above what any step takes on a busy
 * machine and far below the hang it guards against. A test that checks that something did not
 * happen first waits for an event showing it could have (a later run's trace, the server's log
 * line), never for a fixed time.
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

  /** Waits until {@code done} holds, at most {@link #LIMIT_MS}; fails naming {@code what}. */
  public static void until(String what, Condition done) throws InterruptedException {
    long end = System.nanoTime() + LIMIT_MS * 1_000_000L;
    long pause = 5;
    while (!holds(done)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + LIMIT_MS + " ms: " + what);
      }
      Thread.sleep(pause);
      pause = Math.min(100, pause * 2);
    }
  }

  private static boolean holds(Condition c) throws InterruptedException {
    try {
      return c.holds();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      return false;
    }
  }
}
