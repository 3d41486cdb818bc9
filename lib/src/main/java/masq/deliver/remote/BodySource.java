package masq.deliver.remote;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import masq.MasqException;
import masq.spool.Spool;

/**
 * Opens a message body for reading, each time it is sent. A transport opens it once per attempt
 * (per recipient for pipe routes) and closes it when done.
 */
@FunctionalInterface
public interface BodySource {
  /** A new stream positioned at the first byte of the body. */
  InputStream open() throws IOException;

  /**
   * The body of a whole stored message (headers, blank line, body, as in the spool's {@code
   * ID.msg}): opens {@code whole} and skips everything up to and including the first empty line. A
   * message without an empty line has an empty body.
   */
  static BodySource afterHeaders(BodySource whole) {
    return () -> {
      InputStream in = new BufferedInputStream(whole.open(), 64 * 1024);
      try {
        int prev = '\n';
        for (int c = in.read(); c >= 0; c = in.read()) {
          if (c == '\n' && prev == '\n') {
            return in;
          }
          if (c != '\r') {
            prev = c;
          }
        }
        return in; // at its end
      } catch (IOException | RuntimeException e) {
        in.close();
        throw e;
      }
    };
  }

  /**
   * The body of the queued message {@code id}: {@code afterHeaders} over {@link Spool#openMessage};
   * a message that went away reads as an IOException.
   */
  static BodySource inSpool(Spool spool, String id) {
    return afterHeaders(() -> {
      try {
        return spool.openMessage(id);
      } catch (MasqException e) {
        throw new IOException(e.getMessage(), e);
      }
    });
  }
}
