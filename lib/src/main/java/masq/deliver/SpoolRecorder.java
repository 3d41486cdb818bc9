package masq.deliver;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import masq.log.MailLog;
import masq.spool.MessageLock;
import masq.spool.Spool;

/**
 * Records what was delivered while the next messages are sent: a thread that takes the messages
 * with new results in batches and writes their state (an envelope replaced, with its fsyncs); the
 * messages that are all done are removed at once, and made durable by one fsync of the queue
 * directory when the chunk is finished: a removal that a crash of the machine undoes only sends a
 * message again (at least once, see spool-format.md), so it is not worth an fsync per message. Used
 * by one {@link RemoteRun} chunk: {@link #add} from the sending thread, {@link #finish} at the end.
 *
 * <p>Trusts {@link RemoteMessage#persist} to say which messages are done. How it fails: a removal
 * that fails is logged and reported; that message stays in the spool as last written and is sent
 * again by a later run (a duplicate, see spool-format.md).
 */
final class SpoolRecorder {
  /**
   * How many messages with results may wait for the recorder: when they are that many the sender
   * waits, so that what a crash can repeat stays bounded (spool-format.md).
   */
  static final int BACKLOG = 32;

  private final BlockingQueue<Optional<RemoteMessage>> todo = new LinkedBlockingQueue<>(BACKLOG);
  private final Spool spool;
  private final MailLog log;
  private final PrintStream err;
  private final Thread thread;

  /** The last close of a removed file frees it (slow on ext4): done apart, in parallel. */
  private final ExecutorService closers =
      Executors.newFixedThreadPool(
          4,
          r -> {
            Thread t = new Thread(r, "masq-spool-closer");
            t.setDaemon(true);
            return t;
          });

  private boolean finished;

  SpoolRecorder(Spool spool, MailLog log, PrintStream err) {
    this.spool = spool;
    this.log = log;
    this.err = err;
    thread = new Thread(this::loop, "masq-spool-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Hands over a message with new results; waits while {@link #BACKLOG} are waiting. */
  void add(RemoteMessage m) {
    put(Optional.of(m));
  }

  private void put(Optional<RemoteMessage> o) {
    try {
      todo.put(o);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      todo.add(o); // may throw when full: the run is being torn down anyway
    }
  }

  /** Writes what is left and waits for it. */
  void finish() {
    if (finished) {
      return;
    }
    finished = true;
    put(Optional.empty());
    try {
      thread.join();
      closers.shutdown();
      closers.awaitTermination(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void close(MessageLock lock) {
    try {
      lock.close();
    } catch (IOException e) {
      // the message is gone already; the lock goes with the process at the latest
    }
  }

  /** One fsync of {@code queue/} for every removal of the chunk. */
  private void sync() {
    try {
      spool.syncQueue();
    } catch (IOException e) {
      log.write(
          "cannot sync the queue directory, delivered messages may come back after a crash: "
              + e.getMessage());
      err.println("masq-deliver: cannot sync the queue directory: " + e.getMessage());
    }
  }

  private void loop() {
    List<Optional<RemoteMessage>> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(todo.take());
      } catch (InterruptedException e) {
        return;
      }
      todo.drainTo(batch);
      boolean end = false;
      List<RemoteMessage> done = new ArrayList<>();
      for (Optional<RemoteMessage> o : batch) {
        if (o.isEmpty()) {
          end = true;
        } else if (o.get().persist()) {
          done.add(o.get());
        }
      }
      batch.clear();
      for (RemoteMessage m : done) {
        try {
          spool.removeUnsynced(m.lock());
          log.write(m.id() + " Completed");
          closers.execute(() -> close(m.lock()));
        } catch (IOException e) {
          log.write(
              m.id()
                  + " cannot remove the delivered message, it may be sent again: "
                  + e.getMessage());
          err.println(
              "masq-deliver: "
                  + m.id()
                  + ": cannot remove the delivered message: "
                  + e.getMessage());
        }
      }
      if (end) {
        sync();
        return;
      }
    }
  }
}
