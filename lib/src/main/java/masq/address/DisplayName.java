package masq.address;

import static masq.address.ListScanner.ATOM;
import static masq.address.ListScanner.END;
import static masq.address.ListScanner.QUOTED;
import static masq.address.ListScanner.STRAY;

/** The display name of an address list's mailbox, as {@link Mailbox#displayName} gives it. */
final class DisplayName {
  private DisplayName() {}

  /**
   * The display name at [s, e) of {@code value}: words joined by one space where white space or a
   * comment stood between them, quoted strings unquoted, stray characters left out, adjacent
   * encoded words decoded and joined (RFC 2047 section 6.2).
   */
  static String of(String value, int s, int e) {
    ListScanner r = new ListScanner(value.substring(s, e));
    StringBuilder sb = new StringBuilder();
    boolean prevEncoded = false;
    boolean any = false;
    boolean space = false;
    for (r.next(); r.kind != END; r.next()) {
      space |= r.gap;
      if (r.kind == STRAY) {
        space = true;
        continue;
      }
      String text = r.v.substring(r.ts, r.te);
      boolean encoded = r.kind == ATOM && text.startsWith("=?") && text.endsWith("?=");
      if (any && space && !(encoded && prevEncoded)) {
        sb.append(' ');
      }
      if (r.kind == QUOTED) {
        AddrSpec.unquote(r.v, r.ts, r.te, sb);
      } else if (encoded) {
        sb.append(EncodedWords.decode(text));
      } else {
        sb.append(text);
      }
      prevEncoded = encoded;
      any = true;
      space = false;
    }
    return sb.toString();
  }
}
