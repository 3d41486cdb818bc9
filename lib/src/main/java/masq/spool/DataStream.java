package masq.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The message data of a message file, read by position from {@code from} up to {@code end} (where
 * the envelope starts), so that it never moves the channel and never reads the envelope.
 */
final class DataStream extends InputStream {
  private final FileChannel channel;
  private final long end;
  private final boolean closeChannel;
  private long pos;

  DataStream(FileChannel channel, long from, long end, boolean closeChannel) {
    this.channel = channel;
    this.pos = from;
    this.end = end;
    this.closeChannel = closeChannel;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (pos >= end) {
      return -1;
    }
    int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
    if (n > 0) {
      pos += n;
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    if (closeChannel) {
      channel.close();
    }
  }
}
