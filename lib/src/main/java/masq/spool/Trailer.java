package masq.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The last line of a message file, {@code masq-envelope-at OFFSET}: the envelope the message was
 * accepted with starts at byte OFFSET (18 digits, so the line is always {@value #LENGTH} bytes) and
 * ends where this line starts; the message data is everything before OFFSET. Written before the
 * file's one fsync, so a committed file always ends with it (spool-format.md).
 */
final class Trailer {
  static final String PREFIX = "masq-envelope-at ";
  static final int LENGTH = PREFIX.length() + 18 + 1;

  /** More than any real envelope: a larger one is damage, not to be read into memory. */
  static final long MAX_ENVELOPE = 64L << 20;

  private Trailer() {}

  static byte[] encode(long offset) {
    // by hand: String.format costs a cold masq-inject milliseconds (Formatter, its patterns)
    byte[] b = new byte[LENGTH];
    for (int i = 0; i < PREFIX.length(); i++) {
      b[i] = (byte) PREFIX.charAt(i);
    }
    long v = offset;
    for (int i = LENGTH - 2; i >= PREFIX.length(); i--) {
      b[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    b[LENGTH - 1] = '\n';
    return b;
  }

  /** The envelope bytes of the message file open as {@code ch}; {@code what} names it in errors. */
  static byte[] read(FileChannel ch, String what) throws IOException, CorruptEntryException {
    long length = ch.size();
    long offset = offset(ch);
    if (offset < 0) {
      throw new CorruptEntryException(what + ": no envelope at the end of the file");
    }
    byte[] env = new byte[(int) (length - LENGTH - offset)];
    readFully(ch, env, offset);
    return env;
  }

  /**
   * Where the envelope starts (= the length of the message data) in the message file open as {@code
   * ch}, or -1 when the file does not end with a trailer that fits it (a version 1 message file,
   * whose envelope is only in {@code ID.env}, or damage).
   */
  static long offset(FileChannel ch) throws IOException, CorruptEntryException {
    long length = ch.size();
    if (length < LENGTH) {
      return -1;
    }
    byte[] line = new byte[LENGTH];
    readFully(ch, line, length - LENGTH);
    long offset = offset(line);
    if (offset < 0 || offset > length - LENGTH || length - LENGTH - offset > MAX_ENVELOPE) {
      return -1;
    }
    return offset;
  }

  /** The offset a trailer line gives, or -1 when it is not one. */
  private static long offset(byte[] line) {
    if (line[LENGTH - 1] != '\n') {
      return -1;
    }
    for (int i = 0; i < PREFIX.length(); i++) {
      if (line[i] != PREFIX.charAt(i)) {
        return -1;
      }
    }
    long v = 0;
    for (int i = PREFIX.length(); i < LENGTH - 1; i++) {
      if (line[i] < '0' || line[i] > '9') {
        return -1;
      }
      v = v * 10 + (line[i] - '0');
    }
    return v;
  }

  private static void readFully(FileChannel ch, byte[] into, long at)
      throws IOException, CorruptEntryException {
    ByteBuffer b = ByteBuffer.wrap(into);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new CorruptEntryException("message file shrank while being read");
      }
    }
  }
}
