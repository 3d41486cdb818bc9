package masq.route;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import masq.config.RouteConfig;
import masq.config.Setting;

/**
 * Every option a route file may hold, declared once: its name is the constant's in lower case. The
 * classes that read a route ({@link Route}, {@link RouteConditions}, {@link RouteMaps}, {@link
 * RouteTransport}, {@link RouteAuth}, {@link LinkPolicy}) read each option through its constant and
 * show it under the same name in {@code masq-rewrite -v} ({@link Route#describe}); the names a
 * route file may use, for its warnings and did-you-mean, are derived from here ({@link #NAMES},
 * {@link #NOT_APPLICABLE}). RouteOptionTest checks that each option is read and documented in
 * masq.route(5).
 */
public enum RouteOption {
  // conditions (RouteConditions)
  ALLOWED_SENDERS,
  DENIED_SENDERS,
  ALLOWED_RECIPIENTS,
  DENIED_RECIPIENTS,
  ALLOWED_FROM_HDRS,
  DENIED_FROM_HDRS,
  // masqmail 0.2's names for conditions, read into the lists that replaced them
  ALLOWED_MAIL_LOCALS,
  NOT_ALLOWED_MAIL_LOCALS,
  ALLOWED_RETURN_PATHS,
  NOT_ALLOWED_RETURN_PATHS,
  ALLOWED_RCPT_DOMAINS,
  NOT_ALLOWED_RCPT_DOMAINS,
  // the route itself (Route)
  LAST_ROUTE,
  // rewriting (RouteMaps, MapTarget)
  MAP_RETURN_PATH_ADDRESSES,
  MAP_H_FROM_ADDRESSES,
  MAP_H_SENDER_ADDRESSES,
  MAP_H_REPLY_TO_ADDRESSES,
  MAP_H_MAIL_FOLLOWUP_TO_ADDRESSES,
  MAP_OUTGOING_ADDRESSES,
  SET_H_FROM_DOMAIN,
  SET_H_REPLY_TO_DOMAIN,
  SET_RETURN_PATH_DOMAIN,
  QUALIFY_HEADER_ADDRESSES,
  // the transport (RouteTransport)
  CONNECT_ERROR_FAIL,
  MAIL_HOST,
  SMTP_PORT,
  RESOLVE_LIST,
  HELO_NAME,
  DO_CORRECT_HELO,
  INSTANT_HELO,
  DO_PIPELINING,
  TLS,
  TLS_VERIFY,
  TLS_TRUST_FILE,
  TLS_FINGERPRINT,
  TLS_CLIENT_CERT_FILE,
  TLS_CLIENT_KEY_FILE,
  TLS_MIN_VERSION,
  MAX_MESSAGES_PER_CONNECTION,
  MAX_RECIPIENTS_PER_MESSAGE,
  MAX_CONNECTIONS,
  WRAPPER,
  PIPE,
  PIPE_FROMLINE,
  PIPE_FROMHACK,
  // AUTH (RouteAuth)
  AUTH_NAME,
  AUTH_LOGIN,
  AUTH_SECRET,
  AUTH_SECRET_FILE,
  AUTH_SECRET_COMMAND,
  AUTH_SECRET_TIMEOUT,
  AUTH_ALLOW_PLAINTEXT,
  // the link (LinkPolicy)
  ONLINE_PROBE,
  ONLINE_PROBE_TIMEOUT,
  MAX_SIZE,
  // options of older masqmail releases that masq recognises but does not use
  PROTOCOL(false),
  EXPAND_H_SENDER_DOMAIN(false),
  EXPAND_H_SENDER_ADDRESS(false),
  POP3_LOGIN(false),
  DO_SSL(false),
  SSL(false);

  /** The names of the options masq reads. */
  public static final Set<String> NAMES = names(true);

  /** The names of masqmail's route options that masq accepts and ignores. */
  public static final Set<String> NOT_APPLICABLE = names(false);

  /** The names a route file may use, for {@link RouteConfig}. */
  public static final RouteConfig.Names FILE_NAMES = new RouteConfig.Names(NAMES, NOT_APPLICABLE);

  private final String key;
  private final boolean read;

  RouteOption() {
    this(true);
  }

  RouteOption(boolean read) {
    this.key = name().toLowerCase(Locale.ROOT);
    this.read = read;
  }

  /** The option's name in a route file. */
  public String key() {
    return key;
  }

  /** Whether masq reads the option (false: masqmail's, accepted and ignored). */
  public boolean read() {
    return read;
  }

  /** The option's setting in {@code rc}, or null when the file does not set it. */
  Setting in(RouteConfig rc) {
    return rc.setting(key);
  }

  private static Set<String> names(boolean read) {
    return EnumSet.allOf(RouteOption.class).stream()
        .filter(o -> o.read == read)
        .map(RouteOption::key)
        .collect(Collectors.toUnmodifiableSet());
  }
}
