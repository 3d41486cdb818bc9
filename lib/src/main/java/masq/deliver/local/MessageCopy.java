package masq.deliver.local;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A queued message as a local transport writes it (masqmail's deliver_local): optionally an mbox
 * {@code From } line, then {@code Envelope-to: <original recipient>} and {@code Return-path:
 * <sender>}, then the stored message streamed from the spool; optionally every line starting with
 * {@code From } gets a {@code >} in front (mbox quoting).
 */
final class MessageCopy {
  private final String envelopeTo;
  private final String returnPath;
  private final Opener message;

  /** Opens the stored message afresh for each copy. */
  interface Opener {
    InputStream open() throws IOException;
  }

  MessageCopy(String envelopeTo, String returnPath, Opener message) {
    this.envelopeTo = envelopeTo;
    this.returnPath = returnPath;
    this.message = message;
  }

  /** Writes the copy to {@code out}; {@code fromLine} is null for none. */
  void writeTo(OutputStream out, String fromLine, boolean quoteFrom) throws IOException {
    if (fromLine != null) {
      out.write(fromLine.getBytes(StandardCharsets.UTF_8));
    }
    OutputStream body = quoteFrom ? new FromQuoter(out) : out;
    body.write(
        ("Envelope-to: <" + envelopeTo + ">\nReturn-path: <" + returnPath + ">\n")
            .getBytes(StandardCharsets.UTF_8));
    try (InputStream in = message.open()) {
      in.transferTo(body);
    }
    body.flush();
  }

  /**
   * {@code From SENDER Wed Jun 30 21:49:08 1993\n}, as ctime(3) writes the date; a null sender is
   * {@code MAILER-DAEMON}, and blanks in a quoted local part become {@code _} so that mbox readers
   * still find the date.
   */
  static String fromLine(String sender, Instant when, ZoneId zone) {
    ZonedDateTime t = when.atZone(zone);
    String day =
        t.getDayOfWeek().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ROOT);
    String mon =
        t.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ROOT);
    // by hand: String.format costs a cold masq-deliver milliseconds (Formatter, its patterns)
    StringBuilder sb =
        new StringBuilder(64)
            .append("From ")
            .append(
                sender.isEmpty() ? "MAILER-DAEMON" : sender.replace(' ', '_').replace('\t', '_'))
            .append(' ')
            .append(day)
            .append(' ')
            .append(mon)
            .append(' ');
    if (t.getDayOfMonth() < 10) {
      sb.append(' ');
    }
    sb.append(t.getDayOfMonth()).append(' ');
    twoDigits(sb, t.getHour()).append(':');
    twoDigits(sb, t.getMinute()).append(':');
    twoDigits(sb, t.getSecond()).append(' ');
    return sb.append(t.getYear()).append('\n').toString();
  }

  private static StringBuilder twoDigits(StringBuilder sb, int v) {
    return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  /** Puts {@code >} before every line that starts with {@code From }. */
  static final class FromQuoter extends FilterOutputStream {
    private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};
    private boolean lineStart = true;
    private int matched; // bytes of "From " seen at the start of the current line, held back

    FromQuoter(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int end = off + len;
      int i = off;
      while (i < end) {
        if (lineStart) {
          // compare against "From " byte by byte, holding the matched prefix back
          while (i < end && matched < FROM.length && b[i] == FROM[matched]) {
            matched++;
            i++;
          }
          if (matched == FROM.length) {
            out.write('>');
            out.write(FROM);
            matched = 0;
            lineStart = false;
          } else if (i < end) {
            out.write(FROM, 0, matched); // not a From line: release what was held
            matched = 0;
            lineStart = false;
          } else {
            return; // input ended inside a possible "From "
          }
        }
        int start = i;
        while (i < end && b[i] != '\n') {
          i++;
        }
        if (i < end) {
          i++; // include the line end
          lineStart = true;
        }
        out.write(b, start, i - start);
      }
    }

    @Override
    public void flush() throws IOException {
      if (matched > 0) {
        out.write(FROM, 0, matched);
        matched = 0;
        lineStart = false;
      }
      out.flush();
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
