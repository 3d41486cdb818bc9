package masq.route;

/**
 * A route's {@code tls} option: none, STARTTLS when the server offers it (may: the default of
 * direct MX delivery), STARTTLS required, or TLS from the start.
 */
public enum TlsMode {
  NONE,
  MAY,
  STARTTLS,
  SMTPS
}
