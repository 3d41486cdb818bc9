package masq.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An SMTP command line (RFC 5321 section 4.1): a verb and its argument text. The verb is matched
 * without regard to case; the argument is what follows the first space, unchanged.
 */
public record Command(String verb, String argument) {
  /** The longest command line RFC 5321 allows, CRLF included (section 4.5.3.1.4). */
  public static final int MAX_LINE = 512;

  /** Splits a line (without its line end) into verb and argument. */
  public static Command parse(String line) {
    int sp = line.indexOf(' ');
    String verb = sp < 0 ? line : line.substring(0, sp);
    String arg = sp < 0 ? "" : line.substring(sp + 1).strip();
    return new Command(verb.toUpperCase(Locale.ROOT), arg);
  }

  /** The line as a client sends it, CRLF included. */
  public byte[] encode() {
    String s = argument.isEmpty() ? verb : verb + " " + argument;
    return (s + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * For {@code MAIL FROM:} and {@code RCPT TO:}: the text after {@code keyword} (such as "FROM:"),
   * or null when the argument does not start with it. Spaces after the colon are tolerated, as many
   * clients send them.
   */
  public String after(String keyword) {
    if (argument.length() < keyword.length()
        || !argument.regionMatches(true, 0, keyword, 0, keyword.length())) {
      return null;
    }
    return argument.substring(keyword.length()).strip();
  }
}
