package masq.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import masq.spool.Outcome;

/**
 * An SMTP reply (RFC 5321 section 4.2): a three-digit code and one or more lines of text. The text
 * of each line starts with the enhanced status code (RFC 3463) when there is one. Written as {@code
 * 250-first} ... {@code 250 last}, each line ending in CRLF. The one reply type of both sides:
 * masq-smtpd's answers, and what masq's SMTP client reads ({@code
 * masq.deliver.remote.SmtpConnection#readReply}, which checks the syntax, and takes any three
 * digits a server sends).
 */
public record Reply(int code, List<String> lines) {
  public Reply {
    if (code < 0 || code > 999) {
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
    return code / 100 == 2;
  }

  /** 4xx: try again later. */
  public boolean isTransient() {
    return code / 100 == 4;
  }

  /** 5xx: do not try again. */
  public boolean isPermanent() {
    return code / 100 == 5;
  }

  /**
   * The outcome a recipient gets from this reply in masq's client: 2xx delivered, 5xx failed, any
   * other code deferred.
   */
  public Outcome outcome() {
    return isPositive() ? Outcome.DELIVERED : isPermanent() ? Outcome.FAILED : Outcome.DEFERRED;
  }

  /** The reply on one line, {@code 250 text; more text}, for logs and results. */
  public String oneLine() {
    StringBuilder sb = new StringBuilder().append(code);
    String sep = " ";
    for (String l : lines) {
      if (!l.isEmpty()) {
        sb.append(sep).append(l);
        sep = "; ";
      }
    }
    return sb.toString();
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
