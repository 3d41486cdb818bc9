package masq.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;

/** The lock of one queued message; held until closed or until its process ends. */
public final class MessageLock implements AutoCloseable {
  private final String id;
  private final FileChannel channel;
  private final FileLock lock;

  MessageLock(String id, FileChannel channel, FileLock lock) {
    this.id = id;
    this.channel = channel;
    this.lock = lock;
  }

  public String id() {
    return id;
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      channel.close();
    }
  }
}
