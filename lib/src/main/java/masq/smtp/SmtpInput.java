package masq.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import masq.address.Utf8;

/**
 * The reading half of an SMTP connection: command and reply lines, and the content of DATA. One
 * buffer serves both, so commands a client pipelines after its data are not lost.
 *
 * <p>Lines end with LF; a CR before it is removed. They are decoded as strict UTF-8 ({@link Utf8}):
 * a byte that is not part of valid UTF-8 is kept as an escape that an address refuses. A line
 * longer than its limit is not kept: it is read and discarded up to its end and reported as too
 * long, so a 1 MB line costs no memory.
 *
 * <p>DATA (RFC 5321 section 4.5.2): only CR LF "." CR LF ends it; a leading dot is removed from
 * other lines. A CR that is not followed by LF, or an LF that is not preceded by CR, is never a
 * line end: the content is refused (554 5.6.0), which closes the SMTP smuggling hole. So are lines
 * over 1000 octets and content over the size limit (552 5.3.4). After a refusal the rest of the
 * data is read up to its real end and thrown away, and the session goes on.
 */
public final class SmtpInput {
  /** The longest text line in DATA, CRLF included (RFC 5321 section 4.5.3.1.6). */
  public static final int MAX_DATA_LINE = 1000;

  private final InputStream in;
  private final byte[] buf = new byte[16 * 1024];
  private int pos;
  private int lim;

  /** A line without its line end; {@code tooLong} when it exceeded the limit (text is then ""). */
  public record Line(String text, boolean tooLong) {}

  public SmtpInput(InputStream in) {
    this.in = in;
  }

  /** True when input is waiting in the buffer (the client pipelined). */
  public boolean hasBuffered() {
    return pos < lim;
  }

  /** Throws away what is buffered; returns how many bytes that was. */
  public int discardBuffered() {
    int n = lim - pos;
    pos = lim;
    return n;
  }

  private boolean fill() throws IOException {
    if (pos < lim) {
      return true;
    }
    int n = in.read(buf, 0, buf.length);
    pos = 0;
    lim = Math.max(n, 0);
    return n > 0;
  }

  /** Makes {@code n} (at most 8) bytes available at {@code pos}; false at end of input. */
  private boolean ensure(int n) throws IOException {
    while (lim - pos < n) {
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, lim - pos);
        lim -= pos;
        pos = 0;
      }
      int r = in.read(buf, lim, buf.length - lim);
      if (r <= 0) {
        return false;
      }
      lim += r;
    }
    return true;
  }

  /**
   * Reads a line of at most {@code max} octets (line end included).
   *
   * @return the line, or null when the input ended before any byte of it
   */
  public Line readLine(int max) throws IOException {
    byte[] line = null;
    int len = 0;
    long total = 0; // an int would turn negative past 2 GiB and let the line grow without bound
    boolean any = false;
    while (fill()) {
      any = true;
      int start = pos;
      int i = pos;
      while (i < lim && buf[i] != '\n') {
        i++;
      }
      boolean end = i < lim;
      int chunk = i - start;
      total += chunk + (end ? 1 : 0);
      if (total <= max) {
        if (line == null) {
          line = new byte[Math.min(max, 1024)];
        }
        if (len + chunk > line.length) {
          line =
              java.util.Arrays.copyOf(line, Math.max(len + chunk, Math.min(max, line.length * 2)));
        }
        System.arraycopy(buf, start, line, len, chunk);
        len += chunk;
      }
      pos = end ? i + 1 : i;
      if (end) {
        break;
      }
    }
    if (!any) {
      return null;
    }
    if (total > max) {
      return new Line("", true);
    }
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    return new Line(len == 0 ? "" : Utf8.decode(line, 0, len), false);
  }

  /**
   * The content of a DATA command as a stream of message bytes (dots unstuffed, CRLF kept), ending
   * at the lone dot.
   *
   * @param maxSize the largest content in octets, 0 for no limit
   */
  public Data data(long maxSize) {
    return new Data(maxSize);
  }

  /** Refused DATA content: the reply that says why. */
  public static final class DataRefused extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Reply reply;

    DataRefused(Reply reply) {
      super(reply.text());
      this.reply = reply;
    }

    public Reply reply() {
      return reply;
    }
  }

  /** See {@link #data}. Read it to its end (-1), or call {@link #drain} after a failure. */
  public final class Data extends BlockInput {
    private final long maxSize;
    private long size;
    private int lineLen;
    private boolean lineStart = true;
    private boolean afterCr;
    private boolean done;
    private DataRefused refused;
    private boolean eof;

    Data(long maxSize) {
      this.maxSize = maxSize;
    }

    /** Why the content was refused, or null. */
    public DataRefused refused() {
      return refused;
    }

    /** True when the client's input ended before the end of the data. */
    public boolean endedEarly() {
      return eof;
    }

    /** True once the terminating dot line has been read. */
    public boolean done() {
      return done;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      if (refused != null) {
        throw refused;
      }
      int n = 0;
      while (n < len) {
        if (n > 0 && pos >= lim) {
          break; // return what we have rather than block
        }
        if (lineStart) {
          need(1);
          if (buf[pos] == '.') {
            need(3);
            if (buf[pos + 1] == '\r' && buf[pos + 2] == '\n') {
              pos += 3;
              done = true;
              return n == 0 ? -1 : n;
            }
            pos++; // a stuffed dot
          }
          lineStart = false;
          lineLen = 0;
        }
        need(1);
        byte c = buf[pos];
        if (afterCr) {
          if (c != '\n') {
            throw refuse(
                Reply.of(
                    554,
                    "5.6.0",
                    "bare CR in message data (only CR LF ends a line); message not accepted"));
          }
          afterCr = false;
          lineStart = true;
        } else if (c == '\r') {
          need(2);
          if (buf[pos + 1] != '\n') {
            throw refuse(
                Reply.of(
                    554,
                    "5.6.0",
                    "bare CR in message data (only CR LF ends a line); message not accepted"));
          }
          afterCr = true;
        } else if (c == '\n') {
          throw refuse(
              Reply.of(
                  554,
                  "5.6.0",
                  "bare LF in message data (only CR LF ends a line); message not accepted"));
        }
        if (++lineLen > MAX_DATA_LINE) {
          throw refuse(
              Reply.of(
                  554,
                  "5.6.0",
                  "line longer than "
                      + MAX_DATA_LINE
                      + " octets in message data; message not accepted"));
        }
        if (maxSize > 0 && ++size > maxSize) {
          throw refuse(
              Reply.of(552, "5.3.4", "message larger than the limit of " + maxSize + " octets"));
        }
        b[off + n++] = c;
        pos++;
      }
      return n;
    }

    private void need(int k) throws IOException {
      if (!ensure(k)) {
        eof = true;
        throw new EOFException("connection closed in the middle of DATA");
      }
    }

    private DataRefused refuse(Reply r) {
      refused = new DataRefused(r);
      return refused;
    }

    /**
     * Reads and discards the rest of the data up to CR LF "." CR LF, whatever it holds.
     *
     * @throws EOFException when the input ends first
     */
    public void drain() throws IOException {
      // states: 0 inside a line, 1 after CR, 2 at a line start, 3 after a leading dot, 4 after
      // ".\r"
      // after a CR the stream has passed on, the byte under pos is its LF
      int st = lineStart ? 2 : afterCr ? 1 : 0;
      afterCr = false;
      while (!done) {
        need(1);
        byte c = buf[pos++];
        st =
            switch (st) {
              case 1 -> c == '\n' ? 2 : c == '\r' ? 1 : 0;
              case 2 -> c == '.' ? 3 : c == '\r' ? 1 : 0;
              case 3 -> c == '\r' ? 4 : 0;
              case 4 -> {
                if (c == '\n') {
                  done = true;
                }
                yield c == '\r' ? 1 : 0;
              }
              default -> c == '\r' ? 1 : 0;
            };
      }
    }
  }
}
