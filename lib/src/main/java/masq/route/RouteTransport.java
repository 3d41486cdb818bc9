package masq.route;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import masq.MasqException;
import masq.config.ConfigSyntax;
import masq.config.RouteConfig;
import masq.config.Setting;
import masq.config.Values;

/**
 * How a route sends mail (masq.route(5)): its transport options, typed, with the defaults of the
 * man page filled in. {@code masq.deliver.remote} sends by them.
 *
 * @param connectErrorFail {@code connect_error_fail} (default false): a connection error fails the
 *     recipients instead of deferring them
 * @param mailHost the smart host ({@code mail_host} without its port), or null for direct delivery
 *     by MX lookup of each recipient's domain
 * @param mailHostPort the port of {@code mail_host:port}, or 0 when not given
 * @param smtpPort {@code smtp_port}, or null when not set
 * @param resolveList {@code resolve_list} (default dns_mx then byname)
 * @param heloName {@code helo_name}, or null for the main host_name
 * @param doCorrectHelo {@code do_correct_helo} (default false): use the name of the local socket's
 *     address
 * @param instantHelo {@code instant_helo} (default false): send EHLO without waiting for the
 *     greeting
 * @param doPipelining {@code do_pipelining} (default true)
 * @param tls {@code tls} (default none)
 * @param tlsVerify {@code tls_verify} (default true): check the certificate chain and the host name
 * @param tlsTrustFile {@code tls_trust_file}: PEM CA certificates to trust instead of the JDK's, or
 *     null
 * @param auth the AUTH options ({@code auth_*})
 * @param wrapper {@code wrapper}: a command whose stdin/stdout is the SMTP connection, or null
 * @param pipe {@code pipe}: a command the message is piped to per recipient, or null
 * @param pipeFromline {@code pipe_fromline} (default false)
 * @param pipeFromhack {@code pipe_fromhack} (default false)
 * @param tlsFingerprints {@code tls_fingerprint}: SHA-256 pins of the server's certificate or of
 *     its public key (SPKI), 64 lower-case hex digits each; empty when not set
 * @param tlsClientCertFile {@code tls_client_cert_file}: the PEM certificate (chain) to present, or
 *     null
 * @param tlsClientKeyFile {@code tls_client_key_file}: its PEM private key, or null
 * @param tlsMinVersion {@code tls_min_version} (default TLSv1.2): TLSv1.2 or TLSv1.3
 * @param maxMessagesPerConnection {@code max_messages_per_connection}: transactions per connection,
 *     0 for no limit
 * @param maxRecipientsPerMessage {@code max_recipients_per_message}: recipients per transaction, 0
 *     for no limit
 * @param maxConnections {@code max_connections}: connections a run opens to a smart host at once
 *     (default 1)
 */
public record RouteTransport(
    boolean connectErrorFail,
    String mailHost,
    int mailHostPort,
    Integer smtpPort,
    List<Resolver> resolveList,
    String heloName,
    boolean doCorrectHelo,
    boolean instantHelo,
    boolean doPipelining,
    TlsMode tls,
    boolean tlsVerify,
    Path tlsTrustFile,
    RouteAuth auth,
    String wrapper,
    String pipe,
    boolean pipeFromline,
    boolean pipeFromhack,
    // pinning, client certificate, TLS version, provider limits
    List<String> tlsFingerprints,
    Path tlsClientCertFile,
    Path tlsClientKeyFile,
    String tlsMinVersion,
    int maxMessagesPerConnection,
    int maxRecipientsPerMessage,
    int maxConnections) {

  /** The most connections {@code max_connections} may ask for. */
  public static final int MAX_CONNECTIONS = 16;

  /**
   * The options as a record shows them, but with {@code auth_secret} hidden (see {@link
   * RouteAuth}).
   */
  @Override
  public String toString() {
    return "RouteTransport[mailHost="
        + mailHost
        + ", port="
        + port()
        + ", tls="
        + tls
        + ", auth="
        + auth
        + ", wrapper="
        + wrapper
        + ", pipe="
        + pipe
        + "]";
  }

  /**
   * The transport options of a route file; a bad value is a configuration error naming file and
   * line. Adds to {@code warn} what is read but changed (dns_a).
   */
  static RouteTransport read(RouteConfig rc, List<String> warn) throws MasqException {
    boolean connectErrorFail = RouteValues.bool(rc, RouteOption.CONNECT_ERROR_FAIL, false);
    Setting mh = RouteOption.MAIL_HOST.in(rc);
    String mailHost = null;
    int mailHostPort = 0;
    if (mh != null) {
      String v = mh.value().strip();
      mailHost = v;
      int colon =
          v.startsWith("[") ? v.indexOf(':', Math.max(0, v.indexOf(']'))) : v.lastIndexOf(':');
      if (colon >= 0) {
        mailHost = v.substring(0, colon);
        mailHostPort = RouteValues.port(mh, v.substring(colon + 1));
      }
      if (!RouteValues.isHost(mailHost)) {
        throw Values.bad(mh, "expected host or host:port (an IPv6 address in [brackets])");
      }
    }
    Setting sp = RouteOption.SMTP_PORT.in(rc);
    Integer smtpPort = sp == null ? null : RouteValues.port(sp, sp.value().strip());
    List<Resolver> resolveList = resolveList(RouteOption.RESOLVE_LIST.in(rc), warn);
    Setting hn = RouteOption.HELO_NAME.in(rc);
    if (hn != null && !RouteValues.isHost(hn.value().strip())) {
      throw Values.bad(hn, "expected a host name");
    }
    String heloName = hn == null ? null : hn.value().strip();
    boolean doCorrectHelo = RouteValues.bool(rc, RouteOption.DO_CORRECT_HELO, false);
    boolean instantHelo = RouteValues.bool(rc, RouteOption.INSTANT_HELO, false);
    boolean doPipelining = RouteValues.bool(rc, RouteOption.DO_PIPELINING, true);
    Setting tl = RouteOption.TLS.in(rc);
    TlsMode tls =
        tl == null
            ? mailHost == null
                    && RouteOption.WRAPPER.in(rc) == null
                    && RouteOption.PIPE.in(rc) == null
                ? TlsMode.MAY // direct MX delivery: STARTTLS when offered, as large MTAs do
                : TlsMode.NONE
            : switch (tl.value().strip().toLowerCase(Locale.ROOT)) {
              case "none", "" -> TlsMode.NONE;
              case "may" -> TlsMode.MAY;
              case "starttls" -> TlsMode.STARTTLS;
              case "smtps" -> TlsMode.SMTPS;
              default -> throw Values.bad(tl, "expected none, may, starttls or smtps");
            };
    List<String> tlsFingerprints =
        RouteValues.items(rc, RouteOption.TLS_FINGERPRINT, TlsPins::parse);
    // a pin is enough by itself; tls_verify = true asks for the CA check as well
    boolean tlsVerify = RouteValues.bool(rc, RouteOption.TLS_VERIFY, tlsFingerprints.isEmpty());
    Path tlsTrustFile = RouteValues.path(rc, RouteOption.TLS_TRUST_FILE);
    RouteAuth auth = RouteAuth.read(rc, warn);
    String wrapper = RouteValues.command(rc, RouteOption.WRAPPER);
    String pipe = RouteValues.command(rc, RouteOption.PIPE);
    if (wrapper != null && pipe != null) {
      throw Values.bad(RouteOption.PIPE.in(rc), "a route has either wrapper or pipe, not both");
    }
    if (tls != TlsMode.NONE && pipe != null) {
      throw Values.bad(RouteOption.TLS.in(rc), "tls does not apply to a pipe route");
    }
    if (tls != TlsMode.NONE && wrapper != null) {
      throw Values.bad(
          RouteOption.TLS.in(rc), "tls cannot be used with wrapper (the wrapper does TLS itself)");
    }
    Path tlsClientCertFile = RouteValues.path(rc, RouteOption.TLS_CLIENT_CERT_FILE);
    Path tlsClientKeyFile = RouteValues.path(rc, RouteOption.TLS_CLIENT_KEY_FILE);
    if ((tlsClientCertFile == null) != (tlsClientKeyFile == null)) {
      Setting one =
          (tlsClientCertFile == null
                  ? RouteOption.TLS_CLIENT_KEY_FILE
                  : RouteOption.TLS_CLIENT_CERT_FILE)
              .in(rc);
      throw Values.bad(one, "tls_client_cert_file and tls_client_key_file go together");
    }
    if (tls == TlsMode.NONE && tlsClientCertFile != null) {
      throw Values.bad(
          RouteOption.TLS_CLIENT_CERT_FILE.in(rc),
          "a client certificate needs tls (may, starttls or smtps)");
    }
    if (!tlsFingerprints.isEmpty() && tls != TlsMode.STARTTLS && tls != TlsMode.SMTPS) {
      throw Values.bad(
          RouteOption.TLS_FINGERPRINT.in(rc),
          "a pinned fingerprint needs tls = starttls or smtps (with may, a server could skip TLS)");
    }
    return new RouteTransport(
        connectErrorFail,
        mailHost,
        mailHostPort,
        smtpPort,
        resolveList,
        heloName,
        doCorrectHelo,
        instantHelo,
        doPipelining,
        tls,
        tlsVerify,
        tlsTrustFile,
        auth,
        wrapper,
        pipe,
        RouteValues.bool(rc, RouteOption.PIPE_FROMLINE, false),
        RouteValues.bool(rc, RouteOption.PIPE_FROMHACK, false),
        tlsFingerprints,
        tlsClientCertFile,
        tlsClientKeyFile,
        tlsMinVersion(RouteOption.TLS_MIN_VERSION.in(rc)),
        limit(RouteOption.MAX_MESSAGES_PER_CONNECTION.in(rc)),
        limit(RouteOption.MAX_RECIPIENTS_PER_MESSAGE.in(rc)),
        connections(RouteOption.MAX_CONNECTIONS.in(rc)));
  }

  /** {@code tls_min_version}: 1.2 or 1.3, with or without "TLSv"; TLSv1.2 when not set. */
  private static String tlsMinVersion(Setting s) throws MasqException {
    if (s == null) {
      return "TLSv1.2";
    }
    String v = s.value().strip().toLowerCase(Locale.ROOT);
    return switch (v.startsWith("tlsv") ? v.substring(4) : v) {
      case "1.2" -> "TLSv1.2";
      case "1.3" -> "TLSv1.3";
      default -> throw Values.bad(s, "expected 1.2 or 1.3 (or TLSv1.2, TLSv1.3)");
    };
  }

  /** A max_* option: a whole number from 1, or 0 (the default) for no limit. */
  private static int limit(Setting s) throws MasqException {
    return s == null ? 0 : Values.count(s);
  }

  /** {@code max_connections}: 1 (the default) to {@link #MAX_CONNECTIONS}. */
  private static int connections(Setting s) throws MasqException {
    if (s == null) {
      return 1;
    }
    int n = Values.count(s);
    if (n < 1 || n > MAX_CONNECTIONS) {
      throw Values.bad(s, "expected 1 to " + MAX_CONNECTIONS);
    }
    return n;
  }

  /** The TLS protocol versions {@code tls_min_version} allows, newest first. */
  public List<String> tlsProtocols() {
    return tlsMinVersion.equals("TLSv1.3") ? List.of("TLSv1.3") : List.of("TLSv1.3", "TLSv1.2");
  }

  private static List<Resolver> resolveList(Setting rl, List<String> warn) throws MasqException {
    if (rl == null) {
      return List.of(Resolver.DNS_MX, Resolver.BYNAME);
    }
    List<Resolver> rs = new ArrayList<>();
    for (String item : ConfigSyntax.list(rl)) {
      switch (item.toLowerCase(Locale.ROOT)) {
        case "dns_mx" -> rs.add(Resolver.DNS_MX);
        case "byname" -> rs.add(Resolver.BYNAME);
        case "dns_a" -> {
          warn.add(rl.where() + ": resolve_list: dns_a is part of dns_mx since masqmail 1.0");
          rs.add(Resolver.DNS_MX);
        }
        default -> throw Values.bad(rl, "'" + item + "' is not dns_mx or byname");
      }
    }
    if (rs.isEmpty()) {
      throw Values.bad(rl, "expected dns_mx, byname or both");
    }
    return List.copyOf(rs);
  }

  /**
   * The TCP port: the {@code mail_host} port, else {@code smtp_port}, else 465 with {@code tls =
   * smtps} and 25 otherwise.
   */
  public int port() {
    if (mailHostPort > 0) {
      return mailHostPort;
    }
    if (smtpPort != null) {
      return smtpPort;
    }
    return tls == TlsMode.SMTPS ? 465 : 25;
  }

  /** The {@link Route#describe} lines of the transport. */
  void describe(StringBuilder sb) {
    RouteValues.line(sb, RouteOption.CONNECT_ERROR_FAIL, connectErrorFail);
    RouteValues.line(
        sb,
        RouteOption.MAIL_HOST,
        mailHost == null
            ? "(none: by recipient domain)"
            : mailHost + (mailHostPort > 0 ? ":" + mailHostPort : ""));
    RouteValues.line(sb, "port", port());
    RouteValues.line(
        sb,
        RouteOption.RESOLVE_LIST,
        String.join(
            ";", resolveList.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList()));
    RouteValues.line(sb, RouteOption.HELO_NAME, heloName == null ? "(host_name)" : heloName);
    RouteValues.line(sb, RouteOption.DO_CORRECT_HELO, doCorrectHelo);
    RouteValues.line(sb, RouteOption.INSTANT_HELO, instantHelo);
    RouteValues.line(sb, RouteOption.DO_PIPELINING, doPipelining);
    RouteValues.line(sb, RouteOption.TLS, tls.name().toLowerCase(Locale.ROOT));
    RouteValues.line(sb, RouteOption.TLS_VERIFY, tlsVerify);
    RouteValues.line(
        sb,
        RouteOption.TLS_TRUST_FILE,
        tlsTrustFile == null ? "(the JDK's trusted certificates)" : tlsTrustFile);
    auth.describe(sb);
    RouteValues.line(sb, RouteOption.WRAPPER, wrapper == null ? "" : wrapper);
    RouteValues.line(sb, RouteOption.PIPE, pipe == null ? "" : pipe);
    RouteValues.line(sb, RouteOption.PIPE_FROMLINE, pipeFromline);
    RouteValues.line(sb, RouteOption.PIPE_FROMHACK, pipeFromhack);
    RouteValues.line(
        sb,
        RouteOption.TLS_FINGERPRINT,
        tlsFingerprints.isEmpty()
            ? ""
            : String.join(";", tlsFingerprints.stream().map(TlsPins::colons).toList()));
    RouteValues.line(
        sb, RouteOption.TLS_CLIENT_CERT_FILE, tlsClientCertFile == null ? "" : tlsClientCertFile);
    RouteValues.line(
        sb, RouteOption.TLS_CLIENT_KEY_FILE, tlsClientKeyFile == null ? "" : tlsClientKeyFile);
    RouteValues.line(sb, RouteOption.TLS_MIN_VERSION, tlsMinVersion);
    RouteValues.line(
        sb,
        RouteOption.MAX_MESSAGES_PER_CONNECTION,
        maxMessagesPerConnection == 0 ? "(no limit)" : maxMessagesPerConnection);
    RouteValues.line(
        sb,
        RouteOption.MAX_RECIPIENTS_PER_MESSAGE,
        maxRecipientsPerMessage == 0 ? "(no limit)" : maxRecipientsPerMessage);
    RouteValues.line(sb, RouteOption.MAX_CONNECTIONS, maxConnections);
  }
}
