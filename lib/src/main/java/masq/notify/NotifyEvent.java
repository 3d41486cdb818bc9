package masq.notify;

import java.util.Locale;
import masq.Api;

/** The events {@code notify_command} hears of, as their {@code MASQ_EVENT} word. */
@Api
public enum NotifyEvent {
  /** A bounce (failure DSN) was queued for a message. */
  BOUNCE("bounce"),
  /** A recipient has been deferred for longer than {@code notify_after}. */
  DEFERRED("deferred"),
  /**
   * A message has waited longer than {@code notify_after} with recipients no route has tried yet
   * (nothing online, a held route); once per message.
   */
  WAITING("waiting"),
  /** No configured route's conditions accept a recipient: it would wait for ever. */
  UNROUTABLE("unroutable"),
  /** The online check (online_query, online_file) failed: nothing is taken as online. */
  ONLINE_FAILURE("online-failure"),
  /** A route's server refused the route's credentials, or AUTH could not be done. */
  AUTH_FAILURE("auth-failure"),
  /** TLS with a route's server failed (handshake, certificate, STARTTLS refused or missing). */
  TLS_FAILURE("tls-failure"),
  /** {@code masq-queue check} found a problem in the spool. */
  SPOOL_PROBLEM("spool-problem");

  private final String word;

  NotifyEvent(String word) {
    this.word = word;
  }

  /** The {@code MASQ_EVENT} value. */
  public String word() {
    return word;
  }

  /**
   * The event a delivery failure is, by its one-line reason (a recipient's last error): {@link
   * #AUTH_FAILURE} for the SMTP client's AUTH wording ({@code AUTH PLAIN as u refused by ...},
   * {@code ... does not offer AUTH ...}, {@code ... auth failed ...}), {@link #TLS_FAILURE} for its
   * TLS wording ({@code TLS with ... failed}, {@code STARTTLS refused by ...}, {@code ... does not
   * offer STARTTLS ...}); also AUTH_FAILURE for a 530, 534, 535 or 538 reply; null for any other
   * reason. masq-queue status counts the same failures.
   */
  public static NotifyEvent ofFailure(String reason) {
    String r = reason.toLowerCase(Locale.ROOT);
    if (r.startsWith("auth ")
        || r.contains(" auth ") && (r.contains("offer") || r.contains("fail"))
        || r.contains("auth failed")
        || authReply(r)) {
      return AUTH_FAILURE;
    }
    if (r.startsWith("tls ") || r.contains("starttls") || r.contains(" tls ")) {
      return TLS_FAILURE;
    }
    return null;
  }

  /**
   * True when {@code r} holds a reply RFC 4954 gives to a failed or required authentication (530,
   * 534, 535, 538) at its start or after a space (so a port such as {@code :5350} is none).
   */
  private static boolean authReply(String r) {
    for (String code : new String[] {"530", "534", "535", "538"}) {
      for (int i = r.indexOf(code); i >= 0; i = r.indexOf(code, i + 1)) {
        boolean starts = i == 0 || r.charAt(i - 1) == ' ';
        char after = i + 3 < r.length() ? r.charAt(i + 3) : ' ';
        if (starts && (after == ' ' || after == '-')) {
          return true;
        }
      }
    }
    return false;
  }
}
