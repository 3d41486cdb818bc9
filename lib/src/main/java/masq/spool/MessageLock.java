package masq.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.function.Consumer;

/** The lock of one queued message; held until closed or until its process ends. */
public final class MessageLock implements AutoCloseable {
  private final SpoolLayout disk;
  private final Consumer<MessageLock> onClose;
  private final String id;
  private final FileChannel channel;
  private final FileLock lock;
  private long dataLength = -1;

  /** {@code onClose}: told of the lock as it is closed (the spool forgets it). */
  MessageLock(
      SpoolLayout disk,
      String id,
      FileChannel channel,
      FileLock lock,
      Consumer<MessageLock> onClose) {
    this.disk = disk;
    this.onClose = onClose;
    this.id = id;
    this.channel = channel;
    this.lock = lock;
  }

  public String id() {
    return id;
  }

  /** The current envelope of the message, read without letting go of the lock. */
  public Envelope envelope() throws IOException, CorruptEntryException {
    Envelope e = SpoolLayout.decode(id, stored().bytes());
    dataLength = e.size(); // never changes: the data is never rewritten
    return e;
  }

  StoredEnvelope stored() throws IOException, CorruptEntryException {
    return disk.stored(id, channel);
  }

  /**
   * The stored message, read through the lock's own file descriptor. Whoever holds the lock must
   * read the message this way (or through {@link Spool}, which does it) and never open the file
   * again: closing any other descriptor of the file would drop the process's fcntl lock (POSIX
   * semantics), letting another run take the message while this one still works on it. Closing the
   * stream leaves the lock alone.
   */
  public InputStream openMessage() throws IOException {
    return openMessage(0);
  }

  /**
   * As {@link #openMessage()}, from byte {@code from} of the message (e.g. where its body starts).
   */
  public InputStream openMessage(long from) throws IOException {
    if (dataLength < 0) {
      try {
        envelope();
      } catch (CorruptEntryException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    return new DataStream(channel, from, dataLength, false);
  }

  @Override
  public void close() throws IOException {
    onClose.accept(this);
    try {
      if (lock.isValid()) {
        lock.release(); // model: RUN_UNLOCK
      }
    } finally {
      channel.close();
    }
  }
}
