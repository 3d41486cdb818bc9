package masq.deliver.remote;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import masq.smtp.Reply;

/**
 * The SMTP command/reply codec over a {@link SmtpChannel}: buffered command writes, reply parsing
 * with a bound on line length and line count, read timeouts. Every I/O problem and every malformed
 * reply becomes {@link SmtpFailure#lost}; the peer is trusted for nothing. {@link #readReply} is
 * masq's one reader of SMTP replies ({@code masq.smtp.Reply} is the server's, which only writes
 * them).
 */
final class SmtpConnection {
  static final int MAX_LINE = 4096;
  static final int MAX_LINES = 200;

  private final SmtpChannel channel;
  private InputStream in;
  private OutputStream out;
  private final byte[] rbuf = new byte[8192];
  private int rpos;
  private int rlim;
  private final byte[] line = new byte[MAX_LINE];

  SmtpConnection(SmtpChannel channel) {
    this.channel = channel;
    rewire();
  }

  private void rewire() {
    in = channel.in();
    out = new BufferedOutputStream(channel.out(), 64 * 1024);
  }

  SmtpChannel channel() {
    return channel;
  }

  String peer() {
    return channel.peer();
  }

  /**
   * Queues one command line (CRLF added; UTF-8, which an address beyond ASCII needs with SMTPUTF8);
   * {@link #flush} sends what is queued.
   */
  void command(String text) throws SmtpFailure {
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.write('\r');
      out.write('\n');
    } catch (IOException e) {
      throw lost(e);
    }
  }

  void flush() throws SmtpFailure {
    try {
      out.flush();
    } catch (IOException e) {
      throw lost(e);
    }
  }

  /** The failure for an I/O error on this connection. */
  SmtpFailure lost(IOException e) {
    return SmtpFailure.lost(
        e instanceof SocketTimeoutException
            ? "timeout talking to " + peer() + " (" + reason(e) + ")"
            : "connection to " + peer() + " lost: " + reason(e));
  }

  /** The stream DATA content is written to (buffered; flush through {@link #flush}). */
  OutputStream dataOut() {
    return out;
  }

  /**
   * Switches to TLS after a 220 to STARTTLS (data read ahead before it is refused); returns the
   * protocol negotiated.
   */
  String startTls(TlsFactory tls) throws IOException {
    if (rpos < rlim) {
      throw new IOException("server sent data after its reply to STARTTLS");
    }
    String protocol = channel.startTls(tls);
    rewire();
    return protocol;
  }

  /** Reads one (possibly multi-line) reply, waiting at most {@code timeout} per read. */
  Reply readReply(Duration timeout) throws SmtpFailure {
    try {
      channel.timeout(timeout);
      List<String> lines = new ArrayList<>(2);
      while (true) {
        int len = readLine();
        if (len < 0) {
          throw SmtpFailure.lost("connection closed by " + peer());
        }
        if (len < 3
            || !digit(line[0])
            || !digit(line[1])
            || !digit(line[2])
            || (len > 3 && line[3] != ' ' && line[3] != '-')) {
          throw SmtpFailure.lost(
              "bad reply from "
                  + peer()
                  + ": "
                  + masq.Printable.of(
                      new String(line, 0, Math.min(len, 80), StandardCharsets.ISO_8859_1)));
        }
        int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        lines.add(
            len > 4
                ? masq.Printable.of(new String(line, 4, len - 4, StandardCharsets.UTF_8)).strip()
                : "");
        if (len == 3 || line[3] == ' ') {
          return new Reply(code, lines);
        }
        if (lines.size() > MAX_LINES) {
          throw SmtpFailure.lost("reply from " + peer() + " has too many lines");
        }
      }
    } catch (SocketTimeoutException e) {
      throw SmtpFailure.lost("timeout waiting for " + peer());
    } catch (IOException e) {
      throw lost(e);
    }
  }

  /** Reads a line into {@link #line} without its CRLF/LF; its length, or -1 at EOF. */
  private int readLine() throws IOException, SmtpFailure {
    int len = 0;
    while (true) {
      if (rpos >= rlim) {
        rlim = in.read(rbuf, 0, rbuf.length);
        rpos = 0;
        if (rlim <= 0) {
          rlim = 0;
          return -1;
        }
      }
      byte b = rbuf[rpos++];
      if (b == '\n') {
        return len > 0 && line[len - 1] == '\r' ? len - 1 : len;
      }
      if (len == MAX_LINE) {
        throw SmtpFailure.lost("reply line from " + peer() + " is too long");
      }
      line[len++] = b;
    }
  }

  private static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** An exception's message for a one-line reason, in words, without Java class names. */
  static String reason(Throwable e) {
    return masq.ErrorText.of(e);
  }

  void close() {
    channel.close();
  }
}
