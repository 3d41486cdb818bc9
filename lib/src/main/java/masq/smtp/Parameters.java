package masq.smtp;

import java.util.Locale;
import masq.Printable;
import masq.accept.DsnRequest;

/**
 * The argument of MAIL FROM and RCPT TO after the keyword: the path and the parameters after it
 * (RFC 5321 section 4.1.2), read in one place for both commands. MAIL knows SIZE (RFC 1870), BODY
 * (RFC 6152), SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461); RCPT knows NOTIFY and ORCPT (RFC
 * 3461). A parameter the command does not know, a known one malformed and a message larger than the
 * limit are {@link Refused} with the reply the client gets.
 *
 * @param smtpUtf8 MAIL's SMTPUTF8
 * @param ret MAIL's RET= (FULL or HDRS), or empty
 * @param envid MAIL's ENVID= (xtext decoded), or empty
 * @param notifyWhen RCPT's NOTIFY=, or empty
 * @param orcpt RCPT's ORCPT=, or empty
 */
record Parameters(boolean smtpUtf8, String ret, String envid, String notifyWhen, String orcpt) {
  /** A parameter refused, with the reply that says why. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Reply reply;

    Refused(int code, String text) {
      this(code, "5.5.4", text);
    }

    Refused(int code, String enhanced, String text) {
      super(text, null, false, false);
      this.reply = Reply.of(code, enhanced, text);
    }

    Reply reply() {
      return reply;
    }
  }

  private static final String[] NONE = {};

  /**
   * Splits {@code <path> params} (or a bare path) into the path and the parameters' text; null when
   * brackets do not balance.
   */
  static String[] splitPath(String rest) {
    if (rest.startsWith("<")) {
      int close = rest.indexOf('>');
      if (close < 0) {
        return null;
      }
      return new String[] {rest.substring(0, close + 1), rest.substring(close + 1).strip()};
    }
    int sp = rest.indexOf(' ');
    if (rest.isEmpty()) {
      return null;
    }
    return sp < 0
        ? new String[] {rest, ""}
        : new String[] {rest.substring(0, sp), rest.substring(sp + 1).strip()};
  }

  /**
   * MAIL's parameters from {@code text} (stripped, as {@link #splitPath} leaves it).
   *
   * @param maxSize the largest message accepted (SIZE= beyond it is refused with 552), 0: any
   */
  static Parameters mail(String text, long maxSize) throws Refused {
    boolean smtpUtf8 = false;
    String ret = "";
    String envid = "";
    for (String p : split(text)) {
      int eq = p.indexOf('=');
      String k = key(p, eq);
      String v = eq < 0 ? null : p.substring(eq + 1);
      if (k.equals("SIZE") && v != null && v.matches("[0-9]{1,18}")) {
        if (maxSize > 0 && Long.parseLong(v) > maxSize) {
          throw new Refused(
              552, "5.3.4", "message size " + v + " exceeds the limit of " + maxSize + " octets");
        }
      } else if (k.equals("BODY")
          && v != null
          && (v.equalsIgnoreCase("8BITMIME") || v.equalsIgnoreCase("7BIT"))) {
        // 8-bit data is stored as received
      } else if (k.equals("SMTPUTF8") && v == null && !smtpUtf8) {
        smtpUtf8 = true;
      } else if (k.equals("RET") && v != null && ret.isEmpty()) {
        ret = DsnRequest.ret(v);
        if (ret == null) {
          throw new Refused(501, "syntax: RET=FULL or RET=HDRS");
        }
      } else if (k.equals("ENVID") && v != null && envid.isEmpty()) {
        envid = DsnRequest.envid(v, true);
        if (envid == null) {
          throw new Refused(501, "syntax: ENVID=xtext of printable ASCII, at most 100 characters");
        }
      } else {
        throw unknown("MAIL", k, p, "RET", "ENVID", "SMTPUTF8");
      }
    }
    return new Parameters(smtpUtf8, ret, envid, "", "");
  }

  /** RCPT's parameters from {@code text} (stripped, as {@link #splitPath} leaves it). */
  static Parameters rcpt(String text) throws Refused {
    String notify = "";
    String orcpt = "";
    for (String p : split(text)) {
      int eq = p.indexOf('=');
      String k = key(p, eq);
      String v = eq < 0 ? null : p.substring(eq + 1);
      if (k.equals("NOTIFY") && v != null && notify.isEmpty()) {
        notify = DsnRequest.notify(v);
        if (notify == null) {
          throw new Refused(
              501, "syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY (any of them)");
        }
      } else if (k.equals("ORCPT") && v != null && orcpt.isEmpty()) {
        orcpt = DsnRequest.orcpt(v);
        if (orcpt == null) {
          throw new Refused(501, "syntax: ORCPT=addr-type;xtext, of UTF-8 bytes");
        }
      } else {
        throw unknown("RCPT", k, p, "NOTIFY", "ORCPT");
      }
    }
    return new Parameters(false, "", "", notify, orcpt);
  }

  /** The parameters split at spaces; the text is stripped, so none is empty. */
  private static String[] split(String text) {
    return text.isEmpty() ? NONE : text.split(" +");
  }

  private static String key(String p, int eq) {
    return (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
  }

  /**
   * The refusal of parameter {@code p} (key {@code k}) that fell through: one of the command's
   * {@code once} keys is repeated or malformed, anything else is not supported.
   */
  private static Refused unknown(String verb, String k, String p, String... once) {
    for (String o : once) {
      if (k.equals(o)) {
        return new Refused(501, "syntax: " + k + " repeated or malformed");
      }
    }
    return new Refused(555, "unsupported " + verb + " parameter " + Printable.value(p));
  }
}
