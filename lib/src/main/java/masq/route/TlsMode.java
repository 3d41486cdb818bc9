package masq.route;

/** A route's {@code tls} option: none, STARTTLS (required when set), or TLS from the start. */
public enum TlsMode {
  NONE,
  STARTTLS,
  SMTPS
}
