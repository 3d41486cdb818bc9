package masq.spool;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A message being written into the spool. Nothing of it is visible in the queue until {@link
 * #commit} returns; closing it uncommitted removes every trace. Commit: fsync the data, hard-link
 * it into {@code queue/}, write the envelope under a temporary name, fsync, rename it into {@code
 * queue/}, fsync the directory.
 */
public final class NewMessage implements AutoCloseable {
  private final Spool spool;
  private final String id;
  private final Path tmpFile;
  private final FileChannel channel;
  private final FileLock lock;
  private final CountingStream out;
  private boolean committed;
  private boolean closed;

  NewMessage(Spool spool, String id) throws IOException {
    this.spool = spool;
    this.id = id;
    this.tmpFile = spool.tmpDir().resolve(id + Spool.MSG);
    this.channel =
        FileChannel.open(tmpFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    FileLock l;
    try {
      spool.adopt(tmpFile);
      l = channel.tryLock();
    } catch (IOException | RuntimeException e) {
      channel.close();
      Files.deleteIfExists(tmpFile);
      throw e;
    }
    this.lock = l;
    this.out =
        new CountingStream(new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024));
  }

  public String id() {
    return id;
  }

  /** Where to write the message: headers, the blank line, the body. */
  public OutputStream out() {
    return out;
  }

  /** Bytes written so far. */
  public long size() {
    return out.count;
  }

  /** Makes the message durable and visible in the queue with {@code env} as its envelope. */
  public void commit(Envelope env) throws IOException {
    if (!env.id().equals(id)) {
      throw new IllegalArgumentException("envelope is for " + env.id());
    }
    out.flush();
    channel.force(true);
    Path target = spool.queueDir().resolve(id + Spool.MSG);
    Files.createLink(target, tmpFile);
    spool.writeEnvelope(env); // the rename in here is the commit point; it syncs queue/
    committed = true;
    Files.deleteIfExists(tmpFile);
    close();
  }

  /** Releases the lock; if not committed, deletes what was written. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!committed) {
        // a commit that failed half way is undone whole, envelope first
        Files.deleteIfExists(spool.queueDir().resolve(id + Spool.ENV));
        Files.deleteIfExists(spool.queueDir().resolve(id + Spool.MSG));
        Files.deleteIfExists(tmpFile);
      }
    } finally {
      try {
        if (lock != null && lock.isValid()) {
          lock.release();
        }
      } finally {
        channel.close();
      }
    }
  }

  private static final class CountingStream extends OutputStream {
    private final OutputStream out;
    long count;

    CountingStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() {
      // the channel is closed by the owner
    }
  }
}
