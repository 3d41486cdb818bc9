package masq.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirSyncTest {
  @TempDir Path dir;

  /**
   * The promise of group commit: a caller returns only after an fsync that started after its call
   * (so after the entries it made before calling) has finished. Each caller stamps its "write" on a
   * clock that the fsyncs stamp their starts on; when it returns, an fsync that started later than
   * its write must have finished. A DirSync that lets a waiter go with an fsync already running
   * when it came (which may have missed its entry), or loses a waiter, fails this. The fsyncs take
   * a moment, so that many callers arrive during one; and they must share them (fewer fsyncs than
   * calls), or it would not be group commit.
   */
  @Test
  void everyCallerReturnsAfterAnFsyncThatStartedAfterItsWriteAndFsyncsAreShared() throws Exception {
    AtomicLong clock = new AtomicLong();
    AtomicLong latestFinished = new AtomicLong(-1); // the start stamp of the latest finished fsync
    AtomicInteger fsyncs = new AtomicInteger();
    DirSync ds =
        new DirSync(
            dir,
            d -> {
              long started = clock.incrementAndGet();
              fsyncs.incrementAndGet();
              try {
                Thread.sleep(1);
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
              latestFinished.accumulateAndGet(started, Math::max);
            });
    int callers = 32;
    int calls = 40;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(
            pool.submit(() -> {
              for (int j = 0; j < calls; j++) {
                long wrote = clock.incrementAndGet(); // the caller's entry is made now
                ds.sync();
                long covered = latestFinished.get();
                assertTrue(
                    covered > wrote,
                    "returned after the fsync started at "
                        + covered
                        + ", not one started after its write at "
                        + wrote);
              }
              return calls;
            }));
      }
      int returned = 0;
      for (Future<Integer> f : results) {
        returned += f.get(2, TimeUnit.MINUTES); // an AssertionError in a caller fails the test here
      }
      assertEquals(callers * calls, returned);
    } finally {
      pool.shutdownNow();
    }
    assertTrue(
        fsyncs.get() < callers * calls / 2,
        fsyncs.get() + " fsyncs for " + callers * calls + " calls: they were not shared");
  }

  /** True when {@code t} waits in DirSync.sync (for an fsync, or in the fsync). */
  private static boolean waitingInDirSync(Thread t) {
    if (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      return false;
    }
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().equals(DirSync.class.getName())) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aFailedSyncIsReported() {
    DirSync ds = new DirSync(dir.resolve("missing"), DirectoryFsync::onDisk);
    assertThrows(IOException.class, ds::sync);
    assertThrows(IOException.class, ds::sync, "each call gets a sync of its own");
  }

  /** Everyone waiting for an fsync that fails gets its error; the next call gets an fsync anew. */
  @Test
  void everyWaiterOfAFailedFsyncGetsTheError() throws Exception {
    AtomicInteger n = new AtomicInteger();
    java.util.concurrent.CountDownLatch firstRunning = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    DirSync ds =
        new DirSync(
            dir,
            d -> {
              int i = n.incrementAndGet();
              if (i == 1) {
                firstRunning.countDown();
                try {
                  if (!release.await(1, TimeUnit.MINUTES)) {
                    throw new IOException("never released");
                  }
                } catch (InterruptedException e) {
                  throw new IOException(e);
                }
              } else if (i == 2) {
                throw new IOException("disk on fire");
              }
            });
    List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r);
              threads.add(t);
              return t;
            });
    try {
      Future<?> first =
          pool.submit(() -> {
            ds.sync();
            return null;
          });
      assertTrue(firstRunning.await(1, TimeUnit.MINUTES), "the first call ran no fsync");
      List<Future<?>> waiters = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiters.add(
            pool.submit(() -> {
              ds.sync();
              return null;
            }));
      }
      // until the three wait for the fsync that is running (whose caller waits in it for the
      // latch, the fourth): then fsync 2 is theirs
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (threads.stream().filter(DirSyncTest::waitingInDirSync).count() < 4) {
        assertTrue(System.nanoTime() < deadline, "the callers never waited");
        Thread.sleep(1);
      }
      release.countDown();
      first.get(1, TimeUnit.MINUTES);
      for (Future<?> w : waiters) {
        var e =
            assertThrows(
                java.util.concurrent.ExecutionException.class, () -> w.get(1, TimeUnit.MINUTES));
        assertTrue(e.getCause() instanceof IOException, e.toString());
        assertTrue(e.getCause().getMessage().contains("disk on fire"), e.getCause().getMessage());
      }
      ds.sync(); // fsync 3 succeeds
      assertEquals(3, n.get());
    } finally {
      pool.shutdownNow();
    }
  }
}
