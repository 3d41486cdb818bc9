package masq.rewrite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import masq.Api;
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
@Api
public record HeaderSection(String prefix, List<Header> headers, String separator) {

  /**
   * Reads up to the end of the header section, with {@link MessageReader#verbatim}. Refused (exit
   * 65): a NUL byte, a header line over {@link MessageReader#MAX_HEADER_LINE} bytes (a longer line
   * that is no header starts the body), a section over {@link MessageReader#MAX_HEADER_SECTION}
   * bytes. Empty input is exit 66.
   *
   * @param in read one byte at a time: pass a buffered stream
   */
  public static HeaderSection read(InputStream in) throws IOException, MessageFormatException {
    MessageReader r = MessageReader.verbatim(in);
    List<Header> headers = r.readHeaders();
    return new HeaderSection(r.prefix(), List.copyOf(headers), r.separator());
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
