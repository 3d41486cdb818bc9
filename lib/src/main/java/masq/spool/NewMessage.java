package masq.spool;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A message being written into the spool, as {@code tmp/ID.msg}. Nothing of it is visible in the
 * queue until {@link #commit} returns; closing it uncommitted removes every trace. Commit: append
 * the envelope and the {@link Trailer} to the file, fsync it, hard-link it into {@code queue/} (the
 * commit point: a link, unlike a rename, fails if the name exists), fsync {@code queue/}, unlink
 * {@code tmp/ID.msg}: one file and two fsyncs per message, the second shared with every other
 * thread committing at the same time.
 */
public final class NewMessage implements AutoCloseable {
  private final Spool spool;
  private final String id;
  private final Path tmpFile;
  private final FileChannel channel;
  private final FileLock lock;
  private final CountingStream out;
  private boolean linked;
  private boolean committed;
  private boolean closed;

  NewMessage(Spool spool, String id) throws IOException {
    this.spool = spool;
    this.id = id;
    this.tmpFile = spool.tmpDir().resolve(id + Spool.MSG);
    // 0600 whatever the umask; unlike Spool.createFile never replacing a file (the ID is taken)
    this.channel = FileChannel.open(tmpFile, Spool.NEW_FILE, spool.fileMode());
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
    if (env.size() != out.count) {
      throw new IllegalArgumentException(
          "envelope says " + env.size() + " bytes, " + out.count + " were written");
    }
    out.out.write(env.encode());
    out.out.write(Trailer.encode(out.count));
    out.flush();
    channel.force(true);
    Files.createLink(spool.queueDir().resolve(id + Spool.MSG), tmpFile); // the commit point
    linked = true;
    spool.syncQueue(); // shared with the other threads committing now (group commit)
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
        // a commit that failed half way (the fsync of queue/) is undone whole
        if (linked) {
          Files.deleteIfExists(spool.queueDir().resolve(id + Spool.MSG));
        }
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
