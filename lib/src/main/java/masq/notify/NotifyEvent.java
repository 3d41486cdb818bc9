package masq.notify;

import java.util.Locale;

/** The events {@code notify_command} hears of, as their {@code MASQ_EVENT} word. */
public enum NotifyEvent {
  /** A bounce (failure DSN) was queued for a message. */
  BOUNCE("bounce"),
  /** A recipient has been deferred for longer than {@code notify_after}. */
  DEFERRED("deferred"),
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
   * offer STARTTLS ...}); null for any other reason.
   */
  public static NotifyEvent ofFailure(String reason) {
    String r = reason.toLowerCase(Locale.ROOT);
    if (r.startsWith("auth ")
        || r.contains(" auth ") && (r.contains("offer") || r.contains("fail"))
        || r.contains("auth failed")) {
      return AUTH_FAILURE;
    }
    if (r.startsWith("tls ") || r.contains("starttls") || r.contains(" tls ")) {
      return TLS_FAILURE;
    }
    return null;
  }
}
