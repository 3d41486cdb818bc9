package masq.deliver.remote;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import masq.smtp.Reply;

/**
 * What a server offered in its EHLO reply (nothing for HELO). Parsing never fails: unknown keywords
 * are ignored, and a SIZE whose value is missing or not a number counts as no limit.
 *
 * @param sizeLimit the SIZE limit in bytes; 0 when SIZE has no limit or is not offered
 * @param authMechanisms mechanism names in upper case
 */
record Extensions(
    long sizeLimit,
    boolean pipelining,
    boolean eightBitMime,
    boolean startTls,
    Set<String> authMechanisms,
    boolean sizeOffered,
    boolean dsn,
    boolean smtpUtf8) {

  static final Extensions NONE =
      new Extensions(0, false, false, false, Set.of(), false, false, false);

  /** Parses the lines of a 250 reply to EHLO (the first line is the greeting, skipped). */
  static Extensions parse(Reply ehlo) {
    long size = 0;
    boolean sizeOffered = false;
    boolean pipelining = false;
    boolean eightBit = false;
    boolean startTls = false;
    boolean dsn = false;
    boolean smtpUtf8 = false;
    Set<String> auth = new HashSet<>();
    for (int i = 1; i < ehlo.lines().size(); i++) {
      String[] w = ehlo.lines().get(i).strip().split("[ =]+");
      switch (w[0].toUpperCase(Locale.ROOT)) {
        case "SIZE" -> {
          sizeOffered = true;
          if (w.length > 1 && w[1].matches("[0-9]{1,18}")) {
            size = Long.parseLong(w[1]);
          }
        }
        case "PIPELINING" -> pipelining = true;
        case "8BITMIME" -> eightBit = true;
        case "STARTTLS" -> startTls = true;
        case "DSN" -> dsn = true;
        case "SMTPUTF8" -> smtpUtf8 = true;
        case "AUTH" -> {
          for (int j = 1; j < w.length; j++) {
            auth.add(w[j].toUpperCase(Locale.ROOT));
          }
        }
        default -> {}
      }
    }
    return new Extensions(
        size, pipelining, eightBit, startTls, Set.copyOf(auth), sizeOffered, dsn, smtpUtf8);
  }
}
