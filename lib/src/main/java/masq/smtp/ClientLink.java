package masq.smtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import masq.log.MailLog;

/**
 * A {@link Session}'s streams to its client, and the ending of the session from another thread:
 * {@link #expire} (idle past smtp_timeout) and {@link #stop} (server shutting down) send 421 and
 * abort the connection, but only while the session is blocked reading, so they never cut into a
 * reply or a commit; a stop does not interrupt a client that is sending message data. Replies are
 * buffered and flushed before the session blocks reading.
 */
final class ClientLink {
  /** Thrown into the session thread when another thread ended the session. */
  static final class Ended extends IOException {
    private static final long serialVersionUID = 1L;

    Ended() {
      super("session ended");
    }
  }

  private final Connection conn;
  private final MailLog log;
  private final String who;
  private final String host;
  // shared with the thread that may end the session; guarded by this
  private OutputStream out;
  private boolean reading;
  private boolean readingData;
  private boolean ended;
  private boolean stopRequested;
  private long readSince;

  /**
   * @param who the client as the log names it
   * @param host this host's name, for the 421 replies
   */
  ClientLink(Connection conn, MailLog log, String who, String host) {
    this.conn = conn;
    this.log = log;
    this.who = who;
    this.host = host;
  }

  /** Opens the streams of the connection (again after STARTTLS); the client's input. */
  SmtpInput open() throws IOException {
    InputStream raw = conn.input();
    SmtpInput in = new SmtpInput(new Guarded(raw));
    synchronized (this) {
      out = new BufferedOutputStream(conn.output(), 8192);
    }
    return in;
  }

  /** Queues {@code r}; it is sent before the next read, or by {@link #flush}. */
  void send(Reply r) throws IOException {
    out.write(r.encode());
  }

  /** Sends what is queued, unless another thread has ended the session. */
  void flush() throws IOException {
    OutputStream o;
    synchronized (this) {
      o = ended ? null : out;
    }
    if (o != null) {
      o.flush();
    }
  }

  /** When a stop was asked for: answers 421, ends the session and says true. */
  synchronized boolean stopAnswered() throws IOException {
    if (!stopRequested) {
      return false;
    }
    out.write(shuttingDown().encode());
    out.flush();
    ended = true;
    return true;
  }

  /** Marks the time the session reads message data, which a stop does not cut into. */
  synchronized void readingData(boolean on) {
    readingData = on;
  }

  /** Ends the session with 421 if it has waited for the client for longer than {@code nanos}. */
  synchronized boolean expire(long now, long nanos) {
    if (!reading || ended || now - readSince < nanos) {
      return false;
    }
    log.write("smtpd: " + who + " idle for too long; disconnected");
    endLocked(Reply.of(421, "4.4.2", host + " timeout, closing connection"));
    return true;
  }

  /**
   * Asks the session to end: at once with 421 if it waits for a command, else after the command or
   * message in progress (a message being sent is still accepted).
   */
  synchronized void stop() {
    stopRequested = true;
    if (reading && !readingData && !ended) {
      endLocked(shuttingDown());
    }
  }

  private Reply shuttingDown() {
    return Reply.of(421, "4.3.2", host + " shutting down, try again later");
  }

  private void endLocked(Reply r) {
    ended = true;
    try {
      out.write(r.encode());
      out.flush();
    } catch (IOException | RuntimeException e) {
      // the client is gone
    }
    conn.abort();
  }

  private synchronized void beforeRead() throws Ended {
    if (ended) {
      throw new Ended();
    }
    reading = true;
    readSince = System.nanoTime();
  }

  private synchronized void afterRead() throws Ended {
    reading = false;
    if (ended) {
      throw new Ended();
    }
  }

  /** The client's input; replies are flushed before it blocks, and the link knows it waits. */
  private final class Guarded extends BlockInput {
    private final InputStream raw;

    Guarded(InputStream raw) {
      this.raw = raw;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      flush();
      beforeRead();
      int n;
      try {
        n = raw.read(b, off, len);
      } catch (IOException e) {
        afterRead();
        throw e;
      }
      afterRead();
      return n;
    }
  }
}
