package masq.deliver.remote;

import java.io.IOException;
import java.io.InputStream;
import masq.message.Header;
import org.apache.commons.io.TaggedIOException;
import org.apache.commons.io.output.TaggedOutputStream;

/**
 * A message's content after DATA's 354, onto an {@link SmtpConnection}: the headers folded to
 * SMTP's line length ({@link WireLines}) and the body copied, or the whole message converted
 * ({@link SevenBitDowngrade}), dot-stuffed and ended with the final dot (not flushed). A body that
 * cannot be read or converted closes the connection, since the server has part of the message and
 * only that keeps it from taking a truncated one; both are {@link SmtpFailure#lost}.
 */
final class ContentWriter {
  private final SmtpConnection c;
  private final byte[] copyBuf = new byte[64 * 1024];

  ContentWriter(SmtpConnection c) {
    this.c = c;
  }

  /**
   * Writes message {@code m}: its headers, and its body from {@code body} (positioned at the body's
   * first byte); converted by {@code downgrade} or, when that is null, as it is.
   */
  void write(OutgoingMessage m, InputStream body, SevenBitDowngrade downgrade) throws SmtpFailure {
    DotStuffer d = new DotStuffer(c.dataOut());
    if (downgrade != null) {
      writeConverted(m, body, downgrade, d);
      return;
    }
    try {
      for (Header h : m.headers()) {
        byte[] b = WireLines.fold(h).bytes();
        d.write(b, 0, b.length);
        if (b.length > 0 && b[b.length - 1] != '\n') {
          d.write('\n');
        }
      }
      d.write('\n');
    } catch (IOException e) {
      throw c.lost(e);
    }
    while (true) {
      int n;
      try {
        n = body.read(copyBuf);
      } catch (IOException e) {
        // the server has part of the message: only closing the connection keeps it from
        // taking a truncated one
        c.close();
        throw SmtpFailure.lost("cannot read message " + m.id() + ": " + SmtpConnection.reason(e));
      }
      if (n < 0) {
        break;
      }
      try {
        d.write(copyBuf, 0, n);
      } catch (IOException e) {
        throw c.lost(e);
      }
    }
    try {
      d.finish();
    } catch (IOException e) {
      throw c.lost(e);
    }
  }

  /** The message converted to 7-bit into {@code d}, streamed. */
  private void writeConverted(
      OutgoingMessage m, InputStream body, SevenBitDowngrade downgrade, DotStuffer d)
      throws SmtpFailure {
    // the tag tells the connection's failures from the body's and the conversion's
    TaggedOutputStream net = new TaggedOutputStream(d);
    try {
      downgrade.write(body, net);
    } catch (IOException | RuntimeException e) {
      if (net.isCauseOf(e)) {
        throw c.lost(((TaggedIOException) e).getCause());
      }
      // the server has part of the message: only closing the connection keeps it from taking a
      // truncated one
      c.close();
      throw SmtpFailure.lost(
          "cannot convert message " + m.id() + " to 7-bit: " + SmtpConnection.reason(e));
    }
    try {
      d.finish(); // from here on, only the connection can fail
    } catch (IOException e) {
      throw c.lost(e);
    }
  }
}
