package masq.smtp;

import java.io.IOException;
import java.io.InputStream;

/** An input stream whose one-byte read is its block read of one byte. */
abstract class BlockInput extends InputStream {
  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;
}
