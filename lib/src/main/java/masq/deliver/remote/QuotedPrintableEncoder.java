package masq.deliver.remote;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Encodes text as quoted-printable (RFC 2045 section 6.7) as it streams through, for the 7-bit
 * conversion of {@link SevenBitDowngrade}: a line end of the input (LF or CRLF) is a hard line
 * break (written as LF, like the rest of the spool's data: {@link DotStuffer} makes it CRLF), a
 * bare CR and every byte outside printable ASCII is {@code =XX}, as is {@code =} itself, a space or
 * tab before a line end or at the end of the data, and a {@code .} or {@code F} that starts a line
 * (so that no line depends on dot-stuffing or mbox {@code From } quoting). Encoded lines are at
 * most 76 characters, a soft line break ({@code =}) included.
 *
 * <p>Holds one pending byte of look-ahead and a small buffer, never the text. {@link #finish}
 * writes what is pending; it neither closes nor flushes the stream below, and adds no line end
 * after the last line (the caller's delimiter carries it).
 */
final class QuotedPrintableEncoder extends OutputStream {
  static final int MAX_LINE = 76;
  private static final byte[] HEX = {
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'
  };

  private final OutputStream out;
  private final byte[] buf = new byte[8192];
  private int n;

  /** Characters on the current output line. */
  private int col;

  /** A space or tab not yet written (-1: none): its encoding depends on what follows. */
  private int pendingWs = -1;

  /** A CR not yet written: a line end when LF follows, else {@code =0D}. */
  private boolean pendingCr;

  QuotedPrintableEncoder(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    b &= 0xff;
    if (pendingCr) {
      pendingCr = false;
      if (b == '\n') {
        lineEnd();
        return;
      }
      releaseWs(false);
      escaped('\r');
    }
    switch (b) {
      case '\r' -> pendingCr = true;
      case '\n' -> lineEnd();
      case ' ', '\t' -> {
        releaseWs(false);
        pendingWs = b;
      }
      default -> {
        releaseWs(false);
        if (b < 0x21 || b > 0x7e || b == '=') {
          escaped(b);
        } else {
          literal(b);
        }
      }
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  /** A hard line break: a pending space or tab before it is encoded. */
  private void lineEnd() throws IOException {
    releaseWs(true);
    put('\n');
    col = 0;
  }

  /** Writes the pending space or tab, encoded when it ends a line. */
  private void releaseWs(boolean atLineEnd) throws IOException {
    if (pendingWs < 0) {
      return;
    }
    int w = pendingWs;
    pendingWs = -1;
    if (atLineEnd) {
      escaped(w);
    } else {
      literal(w);
    }
  }

  private void literal(int b) throws IOException {
    room(1);
    if (col == 0 && (b == '.' || b == 'F')) {
      escaped(b);
      return;
    }
    put(b);
    col++;
  }

  private void escaped(int b) throws IOException {
    room(3);
    put('=');
    put(HEX[b >> 4]);
    put(HEX[b & 15]);
    col += 3;
  }

  /** A soft line break when {@code k} more characters and a final {@code =} would not fit. */
  private void room(int k) throws IOException {
    if (col + k > MAX_LINE - 1) {
      put('=');
      put('\n');
      col = 0;
    }
  }

  private void put(int b) throws IOException {
    if (n == buf.length) {
      drain();
    }
    buf[n++] = (byte) b;
  }

  private void drain() throws IOException {
    out.write(buf, 0, n);
    n = 0;
  }

  /** Writes what is pending (a final space or tab encoded, a final CR as {@code =0D}). */
  void finish() throws IOException {
    if (pendingCr) {
      pendingCr = false;
      releaseWs(false);
      escaped('\r');
    }
    releaseWs(true);
    drain();
  }

  @Override
  public void flush() throws IOException {
    drain();
    out.flush();
  }
}
