package masq.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import masq.Exit;

/**
 * Reads one message from a stream the way masqmail's accept does, without ever holding the body in
 * memory: CRLF becomes LF; unless dots are ignored (-i), a line holding only "." ends the message
 * and a leading dot is removed from other lines; a leading mbox "From " line is dropped ({@link
 * #mboxSeparator}); a header field's name may be followed by white space before its colon (RFC 5322
 * section 4.5's obsolete syntax, which readers must accept: the field keeps its bytes, its name is
 * the word before the white space); a line that is not a header ends the header section and becomes
 * the first body line ({@link #cutShortAt} tells when that came after header fields).
 *
 * <p>Refused (exit 65): NUL bytes anywhere, a bare CR inside the header section, a header line over
 * {@link #MAX_HEADER_LINE} bytes, a header section over {@link #MAX_HEADER_SECTION} bytes, a body
 * over the size limit. Empty input is exit 66. A bare CR in the body is kept as data.
 *
 * <p>{@link #verbatim} reads the header section of a filter (masq-rewrite, a route's rewriting) the
 * same way, but byte for byte: nothing is converted or dropped, and the body stays in the stream.
 * It is the project's one header reader.
 */
public final class MessageReader {
  public static final int MAX_HEADER_LINE = 64 * 1024;
  public static final int MAX_HEADER_SECTION = 1024 * 1024;

  private static final Pattern MBOX_DATE =
      Pattern.compile(
          "[ \t](?:mon|tue|wed|thu|fri|sat|sun)[ \t]+"
              + "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[ \t]+\\d{1,2}[ \t]+\\d{1,2}:\\d\\d",
          Pattern.CASE_INSENSITIVE);

  private final InputStream in;
  private final boolean dotEnds;
  private final boolean verbatim;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int lim;
  private int pushback = -2;
  private boolean atLineStart = true;
  private boolean ended;
  private boolean sawInput;
  private byte[] bodyPrefix = new byte[0];
  private String prefix = "";
  private boolean headersRead;
  private int cutShortAt;
  private int high; // the OR of every byte read: bit 7 set when the message has 8-bit data

  /**
   * @param dotEnds true unless -i/-oi: a lone "." line ends the message
   */
  public MessageReader(InputStream in, boolean dotEnds) {
    this(in, dotEnds, false);
  }

  private MessageReader(InputStream in, boolean dotEnds, boolean verbatim) {
    this.in = in;
    this.dotEnds = dotEnds;
    this.verbatim = verbatim;
  }

  /**
   * A reader of the header section alone that gives back exactly what it read: line ends (LF or
   * CRLF) and bare CRs stay as they are, folds stay inside their header, a last header without a
   * line end keeps none, a leading mbox {@code From } line is kept aside ({@link #prefix}), and the
   * line that ends the section (the empty line, or the first line that is not a header) too ({@link
   * #separator}). The header section's limits count every line it holds, the {@code From } line and
   * the separator included. It reads {@code in} one byte at a time, so that the body is still in it
   * after {@link #readHeaders}: pass a buffered stream. {@link #copyBody} is not for it.
   */
  public static MessageReader verbatim(InputStream in) {
    return new MessageReader(in, false, true);
  }

  /** {@link #verbatim} only, after {@link #readHeaders}: a leading {@code From } line, or "". */
  public String prefix() {
    return prefix;
  }

  /**
   * {@link #verbatim} only, after {@link #readHeaders}: the empty line ({@code "\n"} or {@code
   * "\r\n"}), the first body line when a line that is no header ended the section, or "" at end of
   * input; one char per byte.
   */
  public String separator() {
    return new String(bodyPrefix, StandardCharsets.ISO_8859_1);
  }

  private int raw() throws IOException {
    if (verbatim) {
      int c = in.read();
      sawInput |= c >= 0;
      return c;
    }
    if (pushback != -2) {
      int c = pushback;
      pushback = -2;
      return c;
    }
    if (pos >= lim) {
      lim = in.read(buf, 0, buf.length);
      pos = 0;
      if (lim <= 0) {
        lim = 0;
        return -1;
      }
      sawInput = true;
    }
    return buf[pos++] & 0xff;
  }

  /** The next byte of the message after line-end and dot handling, or -1 at its end. */
  private int read() throws IOException, MessageFormatException {
    if (ended) {
      return -1;
    }
    int c = raw();
    if (c < 0) {
      ended = true;
      return -1;
    }
    if (verbatim) {
      if (c == 0) {
        throw new MessageFormatException("NUL byte in header section");
      }
      return c;
    }
    if (atLineStart && dotEnds && c == '.') {
      int d = raw();
      if (d < 0 || d == '\n') {
        ended = true;
        return -1;
      }
      if (d == '\r') {
        int e = raw();
        if (e == '\n' || e < 0) {
          ended = true;
          return -1;
        }
        pushback = e;
      }
      c = d; // the leading dot is removed
    }
    if (c == '\r') {
      int d = raw();
      if (d == '\n') {
        c = '\n';
      } else {
        pushback = d; // a bare CR stays as data; -1 keeps the end of input
      }
    }
    if (c == 0) {
      throw new MessageFormatException("NUL byte in message");
    }
    atLineStart = c == '\n';
    return c;
  }

  /**
   * Reads the header section. Afterwards {@link #copyBody} streams the rest.
   *
   * @throws MessageFormatException for refused input, including empty input (exit 66)
   */
  public List<Header> readHeaders() throws IOException, MessageFormatException {
    List<Header> headers = new ArrayList<>();
    StringBuilder current = null;
    String currentName = null;
    long section = 0;
    int lineNo = 0;
    boolean first = true;
    byte[] line = new byte[256];
    while (true) {
      int len = 0;
      boolean complete = false;
      boolean decided = false;
      boolean isHeader = false;
      boolean isCont = false;
      boolean afterName = false;
      int c;
      while ((c = read()) >= 0) {
        if (len == line.length) {
          if (len >= MAX_HEADER_LINE) {
            if (!decided) {
              decided = true;
            }
            if (isHeader || isCont) {
              throw new MessageFormatException(
                  "header line longer than " + MAX_HEADER_LINE + " bytes");
            }
            // not a header: the rest of this line is body; stop reading the line here
            line = Arrays.copyOf(line, len + 1);
            line[len++] = (byte) c;
            high |= c;
            break;
          }
          line = Arrays.copyOf(line, Math.min(line.length * 2, MAX_HEADER_LINE));
        }
        line[len++] = (byte) c;
        high |= c;
        if (c == '\n') {
          complete = true;
          break;
        }
        if (!decided) {
          if (len == 1 && (c == ' ' || c == '\t')) {
            decided = true;
            isCont = current != null;
          } else if (c == ':') {
            decided = true;
            isHeader = len > 1;
          } else if (c == ' ' || c == '\t') {
            afterName = true; // RFC 5322 section 4.5: white space may stand before the colon
          } else if (afterName || c < 33 || c > 126) {
            decided = true;
          }
        }
        if (c == '\r' && !verbatim && (isHeader || isCont || !decided)) {
          throw new MessageFormatException("bare CR in header section");
        }
      }
      if (len == 0) {
        if (first && !sawInput) {
          throw new MessageFormatException(Exit.NOINPUT, "no input: the message is empty");
        }
        break; // end of input: no body
      }
      if (verbatim) {
        section += len; // every line counts, the From line and the separator included
        checkSection(section);
      } else if (len == 1 && line[0] == '\n') {
        break; // the blank line: end of headers
      }
      lineNo++;
      if (first && !isHeader && mboxSeparator(line, len)) {
        first = false;
        if (verbatim) {
          prefix = new String(line, 0, len, StandardCharsets.ISO_8859_1);
          continue; // kept aside, as read (at most a header line's length)
        }
        while (!complete && (c = read()) >= 0) {
          complete = c == '\n';
        }
        continue; // mbox "From " line: dropped
      }
      first = false;
      if (!complete && !verbatim && (isHeader || isCont)) {
        // header at end of input without a newline: terminate it
        line = Arrays.copyOf(line, len + 1);
        line[len++] = '\n';
      }
      if (!verbatim) {
        section += len;
        checkSection(section);
      }
      if (isCont) {
        current.append(new String(line, 0, len, StandardCharsets.ISO_8859_1));
        continue;
      }
      if (current != null) {
        headers.add(new Header(currentName, current.toString()));
        current = null;
      }
      if (isHeader) {
        String text = new String(line, 0, len, StandardCharsets.ISO_8859_1);
        currentName = text.substring(0, text.indexOf(':')).stripTrailing();
        current = new StringBuilder(text);
        continue;
      }
      // not a header: it is the first body line
      if (!headers.isEmpty()) {
        cutShortAt = lineNo;
      }
      bodyPrefix = Arrays.copyOf(line, len);
      break;
    }
    if (current != null) {
      headers.add(new Header(currentName, current.toString()));
    }
    headersRead = true;
    return headers;
  }

  /**
   * True when the first line is an mbox separator as mbox readers (mutt's {@code is_from}) tell
   * one: {@code From }, a sender word right after the space, then a ctime(3) date (weekday, month,
   * day, time of day). {@code From : Name <addr>}, an RFC 2822 A.6.3 obsolete From: field, is none.
   */
  private static boolean mboxSeparator(byte[] line, int len) {
    if (len < 6
        || line[0] != 'F'
        || line[1] != 'r'
        || line[2] != 'o'
        || line[3] != 'm'
        || line[4] != ' '
        || line[5] == ' '
        || line[5] == '\t') {
      return false;
    }
    String text = new String(line, 5, len - 5, StandardCharsets.ISO_8859_1);
    return MBOX_DATE.matcher(text).find();
  }

  /**
   * After the message has been read: the number of the line (counting from 1, a dropped mbox line
   * included) that is no header field yet came after header fields without the empty line between
   * them, and so began the body (masqmail's rule for broken mailers); 0 when the header section
   * ended with the empty line, at the end of input, or had no field at all.
   */
  public int cutShortAt() {
    return cutShortAt;
  }

  private static void checkSection(long section) throws MessageFormatException {
    if (section > MAX_HEADER_SECTION) {
      throw new MessageFormatException(
          "header section larger than " + MAX_HEADER_SECTION + " bytes");
    }
  }

  /**
   * True when the message read so far holds 8-bit bytes (a byte with its high bit set, in the
   * headers or, once {@link #copyBody} has run, the body): such a message is 8BITMIME data.
   */
  public boolean eightBit() {
    return (high & 0x80) != 0;
  }

  /**
   * Streams the body to {@code out}, adding a final LF if the last line lacked one.
   *
   * @param maxBody the largest body accepted in bytes, 0 for no limit
   * @return the number of body bytes written
   */
  public long copyBody(OutputStream out, long maxBody) throws IOException, MessageFormatException {
    if (!headersRead || verbatim) {
      throw new IllegalStateException("readHeaders first, and not verbatim");
    }
    long count = 0;
    int last = '\n';
    if (bodyPrefix.length > 0) {
      out.write(bodyPrefix);
      count += bodyPrefix.length;
      last = bodyPrefix[bodyPrefix.length - 1] & 0xff;
    }
    while (true) {
      if (maxBody > 0 && count > maxBody) {
        throw new MessageFormatException(
            "message body larger than max_msg_size (" + maxBody + " bytes)");
      }
      // fast path: a run of plain bytes straight from the buffer
      if (!ended && pushback == -2 && pos < lim && !(atLineStart && dotEnds)) {
        int start = pos;
        int i = pos;
        while (i < lim) {
          byte b = buf[i];
          if (b == '\r' || b == 0) {
            break;
          }
          high |= b;
          i++;
          if (b == '\n') {
            break;
          }
        }
        if (i > start) {
          out.write(buf, start, i - start);
          count += i - start;
          last = buf[i - 1] & 0xff;
          atLineStart = last == '\n';
          pos = i;
          continue;
        }
      }
      int c = read();
      if (c < 0) {
        break;
      }
      out.write(c);
      high |= c;
      count++;
      last = c;
    }
    if (count > 0 && last != '\n') {
      out.write('\n');
      count++;
    }
    if (maxBody > 0 && count > maxBody) {
      throw new MessageFormatException(
          "message body larger than max_msg_size (" + maxBody + " bytes)");
    }
    return count;
  }
}
