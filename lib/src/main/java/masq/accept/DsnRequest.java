package masq.accept;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import masq.Api;
import masq.address.Address;
import masq.address.Xtext;

/**
 * What a submitter asked of delivery status notifications (RFC 3461): RET= and ENVID= for the
 * message, NOTIFY= and ORCPT= per recipient (from SMTP), or one NOTIFY for all (masq-inject's
 * {@code -N}); and the checks that turn a parameter's text into the value the spool keeps.
 *
 * @param ret {@code FULL}, {@code HDRS}, or "" when not asked
 * @param envid the ENVID, xtext-decoded, or ""
 * @param notifyOn the NOTIFY of every recipient that has none of its own ({@code -N}), or ""
 * @param recipients per recipient (as accepted), its own NOTIFY and ORCPT
 */
@Api
public record DsnRequest(String ret, String envid, String notifyOn, Map<Address, Rcpt> recipients) {

  /**
   * One recipient's parameters.
   *
   * @param notifyOn {@link #notify(String)}'s form, or ""
   * @param orcpt {@code TYPE;ADDRESS}, the address xtext-decoded, or ""
   */
  public record Rcpt(String notifyOn, String orcpt) {}

  public DsnRequest {
    recipients = Map.copyOf(recipients);
  }

  /** The NOTIFY of {@code a}: its own, else the one for all, else "". */
  String notifyOf(Address a) {
    Rcpt r = recipients.get(a);
    return r != null && !r.notifyOn().isEmpty() ? r.notifyOn() : notifyOn;
  }

  /** The ORCPT of {@code a}, or "". */
  String orcptOf(Address a) {
    Rcpt r = recipients.get(a);
    return r == null ? "" : r.orcpt();
  }

  /**
   * A NOTIFY value ({@code NEVER}, or a comma list of {@code SUCCESS}, {@code FAILURE}, {@code
   * DELAY}, any case) in its stored form: {@code NEVER} or the words in that order, upper case;
   * null when it is not one (NEVER with another word, an unknown or repeated word).
   */
  public static String notify(String value) {
    String[] words = value.toUpperCase(Locale.ROOT).split(",", -1);
    if (words.length == 1 && words[0].equals("NEVER")) {
      return "NEVER";
    }
    boolean[] seen = new boolean[NOTIFY_WORDS.size()];
    for (String w : words) {
      int i = NOTIFY_WORDS.indexOf(w);
      if (i < 0 || seen[i]) {
        return null;
      }
      seen[i] = true;
    }
    StringJoiner out = new StringJoiner(",");
    for (int i = 0; i < seen.length; i++) {
      if (seen[i]) {
        out.add(NOTIFY_WORDS.get(i));
      }
    }
    return out.toString();
  }

  private static final List<String> NOTIFY_WORDS = List.of("SUCCESS", "FAILURE", "DELAY");

  /** A RET value: {@code FULL} or {@code HDRS} (any case), upper case; null otherwise. */
  public static String ret(String value) {
    String v = value.toUpperCase(Locale.ROOT);
    return v.equals("FULL") || v.equals("HDRS") ? v : null;
  }

  /**
   * An ENVID, decoded: xtext (or, with {@code xtext} false, the text as given: masq-inject's {@code
   * -V}) of at most 100 characters that decodes to printable ASCII; null otherwise.
   */
  public static String envid(String value, boolean xtext) {
    String v = xtext ? Xtext.decode(value, false) : value;
    if (v == null || v.isEmpty() || value.length() > 100) {
      return null;
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < 0x20 || v.charAt(i) > 0x7e) {
        return null;
      }
    }
    return v;
  }

  /**
   * An ORCPT value, {@code addr-type;xtext}, as {@code TYPE;ADDRESS} with the address decoded (a
   * {@code utf-8} type also from RFC 6533's forms), its bytes read as UTF-8; null when it is not
   * one, its bytes are not UTF-8 or the address holds a control character.
   */
  public static String orcpt(String value) {
    int semi = value.indexOf(';');
    if (semi < 1 || value.length() > 500) {
      return null;
    }
    String type = value.substring(0, semi);
    for (int i = 0; i < type.length(); i++) {
      char c = type.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
        return null;
      }
    }
    String addr = Xtext.decode(value.substring(semi + 1), type.equalsIgnoreCase("utf-8"));
    if (addr == null || addr.isEmpty()) {
      return null;
    }
    for (int i = 0; i < addr.length(); i++) {
      if (addr.charAt(i) < 0x20 || addr.charAt(i) == 0x7f) {
        return null;
      }
    }
    return type + ";" + addr;
  }
}
