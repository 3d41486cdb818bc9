package masq.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An SMTP reply (RFC 5321 section 4.2): a three-digit code and one or more lines of text. The text
 * of each line starts with the enhanced status code (RFC 3463) when there is one. Written as {@code
 * 250-first} ... {@code 250 last}, each line ending in CRLF. The server's answers; masq's SMTP
 * client reads replies with a reader and a type of its own (in {@code masq.deliver.remote}, which
 * does not use this package).
 */
public record Reply(int code, List<String> lines) {
  public Reply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("reply code " + code);
    }
    lines = List.copyOf(lines.isEmpty() ? List.of("") : lines);
  }

  /** A one-line reply {@code code enhanced text}. */
  public static Reply of(int code, String enhanced, String text) {
    return new Reply(code, List.of(enhanced + " " + text));
  }

  /** A reply of several lines; the enhanced code is put before each. */
  public static Reply multi(int code, String enhanced, List<String> texts) {
    List<String> l = new ArrayList<>();
    for (String t : texts) {
      l.add(enhanced == null ? t : enhanced + " " + t);
    }
    return new Reply(code, l);
  }

  /** 2xx. */
  public boolean isPositive() {
    return code < 300;
  }

  /** 4xx: try again later. */
  public boolean isTransient() {
    return code >= 400 && code < 500;
  }

  /** 5xx: do not try again. */
  public boolean isPermanent() {
    return code >= 500;
  }

  /** The text of all lines joined by a space (for logs and error messages). */
  public String text() {
    return String.join(" ", lines);
  }

  /** The reply as it goes on the wire. Control characters in the text become spaces. */
  public byte[] encode() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
      for (char c : lines.get(i).toCharArray()) {
        sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
      }
      sb.append("\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  public void writeTo(OutputStream out) throws IOException {
    out.write(encode());
  }

  @Override
  public String toString() {
    return code + " " + text();
  }
}
