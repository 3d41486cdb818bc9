package masq.deliver.remote;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Encodes message bytes for SMTP DATA as they stream through: LF becomes CRLF (a CRLF stays as it
 * is), a bare CR (one not followed by LF; {@link WireLines} has the parts holding one re-encoded
 * first) becomes CRLF too, as Postfix sends it, so that no CR or LF goes out alone (RFC 5321
 * section 2.3.8; lone ones are what SMTP smuggling rides on), a line starting with "." gets a
 * second one, and {@link #finish} ends the data with {@code CRLF . CRLF}. Holds one small buffer,
 * never the message. Does not close or flush the stream below. Fails only with the IOExceptions of
 * the stream below.
 */
final class DotStuffer extends OutputStream {
  private final OutputStream out;
  private final byte[] buf = new byte[16 * 1024];
  private int n;
  private boolean lineStart = true;
  private boolean prevCr;
  private long written;

  DotStuffer(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    if (n + 3 > buf.length) {
      drain();
    }
    put((byte) b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    int i = off;
    while (i < end) {
      if (!lineStart && !prevCr) {
        // inside a line: the bytes up to the next CR or LF go through as they are
        int j = i;
        while (j < end && b[j] != '\n' && b[j] != '\r') {
          j++;
        }
        while (i < j) {
          if (n == buf.length) {
            drain();
          }
          int k = Math.min(j - i, buf.length - n);
          System.arraycopy(b, i, buf, n, k);
          n += k;
          i += k;
        }
        if (i == end) {
          break;
        }
      }
      if (n + 3 > buf.length) {
        drain();
      }
      put(b[i++]);
    }
  }

  private void put(byte b) {
    if (prevCr && b != '\n') {
      buf[n++] = '\n'; // a bare CR ends its line: RFC 5321 section 2.3.8 allows no other CR
      lineStart = true;
    }
    if (lineStart && b == '.') {
      buf[n++] = '.';
    }
    if (b == '\n' && !prevCr) {
      buf[n++] = '\r';
    }
    buf[n++] = b;
    prevCr = b == '\r';
    lineStart = b == '\n';
  }

  private void drain() throws IOException {
    out.write(buf, 0, n);
    written += n;
    n = 0;
  }

  /** Ends the data: a CRLF when the last line had none, then the final dot line. */
  void finish() throws IOException {
    if (!lineStart) {
      write('\n');
    }
    if (n + 3 > buf.length) {
      drain();
    }
    buf[n++] = '.';
    buf[n++] = '\r';
    buf[n++] = '\n';
    drain();
  }

  /** Bytes handed to the stream below so far. */
  long written() {
    return written;
  }

  @Override
  public void flush() throws IOException {
    drain();
    out.flush();
  }
}
