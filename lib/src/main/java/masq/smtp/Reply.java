package masq.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import masq.Printable;

/**
 * An SMTP reply (RFC 5321 section 4.2): a three-digit code and one or more lines of text. The text
 * of each line starts with the enhanced status code (RFC 3463) when there is one. Written as {@code
 * 250-first} ... {@code 250 last}, each line ending in CRLF. Used by the server to answer and by a
 * client to read answers.
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

  /**
   * Reads one reply (all its lines) from {@code in}.
   *
   * @throws IOException when the input ends or a line is not a reply line
   */
  public static Reply read(SmtpInput in) throws IOException {
    List<String> texts = new ArrayList<>();
    int code = -1;
    while (true) {
      SmtpInput.Line line = in.readLine(SmtpInput.MAX_REPLY_LINE);
      if (line == null) {
        throw new IOException("connection closed while waiting for a reply");
      }
      String t = line.text();
      if (line.tooLong()
          || t.length() < 3
          || !isCode(t)
          || (t.length() > 3 && t.charAt(3) != ' ' && t.charAt(3) != '-')) {
        throw new IOException("not an SMTP reply: " + Printable.value(t));
      }
      int c = Integer.parseInt(t.substring(0, 3));
      if (code >= 0 && c != code) {
        throw new IOException("reply code changed within a reply: " + t);
      }
      code = c;
      texts.add(t.length() > 4 ? t.substring(4) : "");
      if (t.length() == 3 || t.charAt(3) == ' ') {
        return new Reply(code, texts);
      }
    }
  }

  private static boolean isCode(String t) {
    return t.charAt(0) >= '2'
        && t.charAt(0) <= '5'
        && Character.isDigit(t.charAt(1))
        && Character.isDigit(t.charAt(2));
  }

  @Override
  public String toString() {
    return code + " " + text();
  }
}
