package masq.rewrite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import masq.message.Header;
import masq.message.MessageFormatException;
import masq.message.MessageReader;

/**
 * The header section of a message read byte for byte, for a filter that must give back what it does
 * not change exactly: line ends (LF or CRLF) stay as they are, folds stay inside their header, a
 * leading mbox {@code From } line is kept aside, and the line that ends the section (the empty
 * line, or the first line that is not a header) is kept too. The body is not read: it stays in the
 * stream for the caller to copy.
 *
 * @param prefix a leading {@code From } line, or ""
 * @param headers the header fields; {@link Header#raw} holds each with its own line ends
 * @param separator the empty line ({@code "\n"} or {@code "\r\n"}), the first body line when a
 *     non-header line ended the section, or "" at end of input; one char per byte
 */
public record HeaderSection(String prefix, List<Header> headers, String separator) {

  /**
   * Reads up to the end of the header section. Refused (exit 65): a NUL byte, a header line over
   * {@link MessageReader#MAX_HEADER_LINE} bytes (a longer line that is no header starts the body),
   * a section over {@link MessageReader#MAX_HEADER_SECTION} bytes. Empty input is exit 66.
   *
   * @param in read one byte at a time: pass a buffered stream
   */
  public static HeaderSection read(InputStream in) throws IOException, MessageFormatException {
    String prefix = "";
    List<Header> headers = new ArrayList<>();
    StringBuilder current = null;
    String currentName = null;
    long total = 0;
    boolean first = true;
    StringBuilder line = new StringBuilder(128);
    while (true) {
      line.setLength(0);
      int c;
      while ((c = in.read()) >= 0) {
        if (c == 0) {
          throw new MessageFormatException("NUL byte in header section");
        }
        if (line.length() >= MessageReader.MAX_HEADER_LINE) {
          boolean continuation =
              (line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null;
          if (continuation || fieldNameEnd(line.toString()) > 0) {
            throw new MessageFormatException(
                "header line longer than " + MessageReader.MAX_HEADER_LINE + " bytes");
          }
          line.append((char) c);
          break; // a long line that is no header: the body starts here, the rest of it is in the
          // stream
        }
        line.append((char) c);
        if (c == '\n') {
          break;
        }
      }
      if (line.isEmpty()) {
        if (first) {
          throw new MessageFormatException(masq.Exit.NOINPUT, "no input: the message is empty");
        }
        break;
      }
      total += line.length();
      if (total > MessageReader.MAX_HEADER_SECTION) {
        throw new MessageFormatException(
            "header section larger than " + MessageReader.MAX_HEADER_SECTION + " bytes");
      }
      String l = line.toString();
      if (first && l.startsWith("From ")) {
        first = false;
        prefix = l;
        continue;
      }
      first = false;
      if ((l.charAt(0) == ' ' || l.charAt(0) == '\t') && current != null) {
        current.append(l);
        continue;
      }
      if (current != null) {
        headers.add(new Header(currentName, current.toString()));
        current = null;
      }
      int colon = fieldNameEnd(l);
      if (colon > 0) {
        currentName = l.substring(0, colon);
        current = new StringBuilder(l);
        continue;
      }
      return new HeaderSection(prefix, List.copyOf(headers), l);
    }
    if (current != null) {
      headers.add(new Header(currentName, current.toString()));
    }
    return new HeaderSection(prefix, List.copyOf(headers), "");
  }

  /** The index of the colon after a field name (printable ASCII), or -1 when not a header. */
  private static int fieldNameEnd(String l) {
    for (int i = 0; i < l.length(); i++) {
      char c = l.charAt(i);
      if (c == ':') {
        return i;
      }
      if (c < 33 || c > 126) {
        return -1;
      }
    }
    return -1;
  }

  /** Writes {@code headers} (the given ones, which may be rewritten) framed like this section. */
  public void write(List<Header> hs, OutputStream out) throws IOException {
    StringBuilder sb = new StringBuilder(prefix);
    for (Header h : hs) {
      sb.append(h.raw());
    }
    sb.append(separator);
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
  }
}
