package masq.spool;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.output.CountingOutputStream;

/**
 * A message being written into the spool, as {@code tmp/ID.msg}. Nothing of it is visible in the
 * queue until {@link #commit} returns; closing it uncommitted removes every trace. Commit: append
 * the envelope and the {@link Trailer} to the file, fsync it, hard-link it into {@code queue/} (the
 * commit point: a link, unlike a rename, fails if the name exists), fsync {@code queue/}, unlink
 * {@code tmp/ID.msg}: one file and two fsyncs per message, the second shared with every other
 * thread committing at the same time.
 */
public final class NewMessage implements AutoCloseable {
  private final SpoolLayout spool;
  private final String id;
  private final Path tmpFile;
  private final FileChannel channel;
  private final FileLock lock;

  /** The file's buffered stream; {@link #out} counts what the caller writes through it. */
  private final BufferedOutputStream file;

  /** The caller's stream: counts the message's bytes; closing it leaves the file open. */
  private final CountingOutputStream out;

  private boolean linked;
  private boolean committed;
  private boolean closed;

  NewMessage(SpoolLayout spool, String id) throws IOException {
    this.spool = spool;
    this.id = id;
    this.tmpFile = spool.tmpDir().resolve(id + SpoolLayout.MSG);
    // 0600 whatever the umask; unlike SpoolLayout.createFile never replacing a file (the ID is
    // taken)
    this.channel = FileChannel.open(tmpFile, SpoolLayout.NEW_FILE, spool.fileMode());
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
    this.file = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
    this.out =
        new CountingOutputStream(file) {
          @Override
          public void write(byte[] b) throws IOException {
            // the proxy's own write(byte[]) initialises IOUtils (13 classes on masq-inject's path)
            write(b, 0, b.length);
          }

          @Override
          public void close() {
            // the file is the message's: closed by commit or close, never by its writer. Not
            // Commons IO's CloseShieldOutputStream: its constructor is deprecated, and the wrap()
            // it offers instead writes a byte[] through the proxy's write(byte[]), so IOUtils
            // again, on every inject; this one override does the same
          }
        };
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
    return out.getByteCount();
  }

  /** Makes the message durable and visible in the queue with {@code env} as its envelope. */
  public void commit(Envelope env) throws IOException {
    if (!env.id().equals(id)) {
      throw new IllegalArgumentException("envelope is for " + env.id());
    }
    long written = out.getByteCount();
    if (env.size() != written) {
      throw new IllegalArgumentException(
          "envelope says " + env.size() + " bytes, " + written + " were written");
    }
    file.write(env.encode());
    file.write(Trailer.encode(written));
    file.flush();
    channel.force(true); // model: COMMIT_WRITE
    // model: COMMIT_LINK, the commit point
    Files.createLink(spool.queueDir().resolve(id + SpoolLayout.MSG), tmpFile);
    linked = true;
    // model: COMMIT_SYNC, shared with the other threads committing now (group commit); the
    // caller acknowledges (model: COMMIT_ACK: masq-inject exits 0, masq-smtpd answers 250) only
    // after this returns
    spool.syncQueue();
    committed = true;
    Files.deleteIfExists(tmpFile); // model: COMMIT_UNLINK_TMP
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
          Files.deleteIfExists(spool.queueDir().resolve(id + SpoolLayout.MSG));
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
}
