package masq.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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

  /**
   * The stored message, read through the lock's own file descriptor. Whoever holds the lock must
   * read the message this way and never open the file again: closing any other descriptor of the
   * file would drop the process's fcntl lock (POSIX semantics), letting another run take the
   * message while this one still works on it. Closing the stream leaves the lock alone.
   */
  public InputStream openMessage() {
    return openMessage(0);
  }

  /**
   * As {@link #openMessage()}, from byte {@code from} of the message (e.g. where its body starts).
   */
  public InputStream openMessage(long from) {
    return new InputStream() {
      private long pos = from;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, len), pos);
        if (n > 0) {
          pos += n;
        }
        return n;
      }
    };
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
