package masq.spool;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Group commit for a directory's fsync: when many threads of one process need the entries they made
 * in a directory to be durable, one fsync serves all that were waiting when it started. A caller
 * returns only after an fsync that began after its call has succeeded, so every rename it made
 * before calling is durable; if that fsync fails, the caller gets the error.
 */
final class DirSync {
  private final Path dir;
  private final DirectoryFsync fsync;
  private long started;
  private long finished;
  private long failedAt = -1;
  private IOException failure;
  private boolean running;

  DirSync(Path dir, DirectoryFsync fsync) {
    this.dir = dir;
    this.fsync = fsync;
  }

  void sync() throws IOException {
    long target;
    synchronized (this) {
      target = started + 1; // the first fsync to start after this call
      while (true) {
        if (finished >= target) {
          if (failedAt >= target) {
            throw new IOException("fsync of " + dir + " failed: " + failure.getMessage(), failure);
          }
          return;
        }
        if (!running) {
          running = true;
          started++;
          break;
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for fsync of " + dir);
        }
      }
    }
    long mine = target;
    IOException err = null;
    try {
      fsync.sync(dir);
    } catch (IOException e) {
      err = e;
    }
    synchronized (this) {
      finished = mine;
      if (err != null) {
        failedAt = mine;
        failure = err;
      }
      running = false;
      notifyAll();
    }
    if (err != null) {
      throw err;
    }
  }
}
