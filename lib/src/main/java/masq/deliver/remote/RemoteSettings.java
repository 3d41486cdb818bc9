package masq.deliver.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import masq.route.Route;

/**
 * How one route sends mail: the transport options of a route file (masq.route(5)) as typed values,
 * plus the timeouts and the DNS server, which tests shorten or point at a local peer. Immutable.
 * {@link #fromRoute} takes them from a {@link Route} (which has read and validated the route file);
 * {@link #builder} makes one by hand (tests, the bench).
 *
 * @param routeName the route's name, for log lines
 * @param mailHost the smart host ({@code mail_host} without its port), or null for direct delivery
 *     by MX lookup of each recipient's domain
 * @param mailPort the port of {@code mail_host:port}, or 0 for {@code smtpPort}
 * @param smtpPort {@code smtp_port}, default 25
 * @param resolveList {@code resolve_list}, default dns_mx then byname
 * @param heloName the name for EHLO/HELO ({@code helo_name}, else the main host_name)
 * @param correctHelo {@code do_correct_helo}: use the name of the local socket's address
 * @param instantHelo {@code instant_helo}: send EHLO without waiting for the greeting
 * @param pipelining {@code do_pipelining}, default true
 * @param tls {@code tls}, default none
 * @param tlsVerify {@code tls_verify}: check the certificate chain and the host name
 * @param tlsTrustFile {@code tls_trust_file}: PEM CA certificates to trust instead of the JDK's
 * @param authName {@code auth_name}, or null for no AUTH
 * @param wrapper {@code wrapper}: a command whose stdin/stdout is the SMTP connection, or null
 * @param pipe {@code pipe}: a command the message is piped to per recipient, or null
 * @param dnsServer {@code host:port} of the DNS server for dns_mx, or null for the system's
 */
public record RemoteSettings(
    String routeName,
    String mailHost,
    int mailPort,
    int smtpPort,
    List<Resolver> resolveList,
    String heloName,
    boolean correctHelo,
    boolean instantHelo,
    boolean pipelining,
    Tls tls,
    boolean tlsVerify,
    Path tlsTrustFile,
    AuthMechanism authName,
    String authLogin,
    String authSecret,
    String wrapper,
    String pipe,
    boolean pipeFromLine,
    boolean pipeFromHack,
    boolean connectErrorFail,
    Timeouts timeouts,
    String dnsServer) {

  /** {@code tls}: none (plain SMTP), starttls (required, never clear text), smtps (implicit). */
  public enum Tls {
    NONE,
    STARTTLS,
    SMTPS
  }

  /** {@code resolve_list} entries. */
  public enum Resolver {
    /** MX records through DNS, falling back to the A/AAAA records of the name (implicit MX). */
    DNS_MX,
    /** A/AAAA records through DNS only. */
    DNS_A,
    /** The system's resolver (getaddrinfo: /etc/hosts, nsswitch). */
    BYNAME
  }

  /** {@code auth_name}. */
  public enum AuthMechanism {
    PLAIN("PLAIN"),
    LOGIN("LOGIN"),
    CRAM_MD5("CRAM-MD5");

    private final String smtpName;

    AuthMechanism(String smtpName) {
      this.smtpName = smtpName;
    }

    /** The mechanism's name in EHLO and AUTH. */
    public String smtpName() {
      return smtpName;
    }
  }

  /**
   * How long to wait. masqmail's values are the defaults: 5 minutes for the greeting and each
   * command, 10 minutes for the reply to the final dot.
   *
   * @param connect establishing a TCP connection (per address tried)
   * @param command the greeting, each command's reply, and each write
   * @param finalDot the reply after the message's final dot
   * @param pipe a pipe command from start to exit
   */
  public record Timeouts(Duration connect, Duration command, Duration finalDot, Duration pipe) {
    public static final Timeouts MASQMAIL =
        new Timeouts(
            Duration.ofMinutes(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(10),
            Duration.ofMinutes(10));

    /** All four set to {@code d}: for tests. */
    public static Timeouts all(Duration d) {
      return new Timeouts(d, d, d, d);
    }
  }

  public RemoteSettings {
    resolveList = List.copyOf(resolveList);
    if (resolveList.isEmpty()) {
      throw new IllegalArgumentException("resolve_list is empty");
    }
    if (tls == null || timeouts == null || heloName == null) {
      throw new IllegalArgumentException("tls, timeouts and heloName are required");
    }
  }

  /** The port to connect to: the one of {@code mail_host:port}, else {@code smtp_port}. */
  public int port() {
    return mailPort > 0 ? mailPort : smtpPort;
  }

  /** A builder with masqmail's defaults for a route called {@code routeName}. */
  public static Builder builder(String routeName, String heloName) {
    return new Builder(routeName, heloName);
  }

  /** A builder holding this record's values. */
  public Builder toBuilder() {
    Builder b = new Builder(routeName, heloName);
    b.mailHost = mailHost;
    b.mailPort = mailPort;
    b.smtpPort = smtpPort;
    b.resolveList = resolveList;
    b.correctHelo = correctHelo;
    b.instantHelo = instantHelo;
    b.pipelining = pipelining;
    b.tls = tls;
    b.tlsVerify = tlsVerify;
    b.tlsTrustFile = tlsTrustFile;
    b.authName = authName;
    b.authLogin = authLogin;
    b.authSecret = authSecret;
    b.wrapper = wrapper;
    b.pipe = pipe;
    b.pipeFromLine = pipeFromLine;
    b.pipeFromHack = pipeFromHack;
    b.connectErrorFail = connectErrorFail;
    b.timeouts = timeouts;
    b.dnsServer = dnsServer;
    return b;
  }

  /**
   * The transport options of a route that {@link Route} has read and validated (so nothing here can
   * be a bad value). {@code hostName} is the main host_name (the default helo_name).
   */
  public static RemoteSettings fromRoute(Route route, String hostName) {
    Builder b =
        builder(route.name(), route.heloName() == null ? hostName : route.heloName())
            .mailHost(route.mailHost())
            .smtpPort(route.port())
            .resolveList(
                route.resolveList().stream()
                    .map(r -> r == Route.Resolver.BYNAME ? Resolver.BYNAME : Resolver.DNS_MX)
                    .toList())
            .correctHelo(route.doCorrectHelo())
            .instantHelo(route.instantHelo())
            .pipelining(route.doPipelining())
            .tls(
                switch (route.tls()) {
                  case NONE -> Tls.NONE;
                  case STARTTLS -> Tls.STARTTLS;
                  case SMTPS -> Tls.SMTPS;
                })
            .tlsVerify(route.tlsVerify())
            .tlsTrustFile(route.tlsTrustFile())
            .wrapper(route.wrapper())
            .pipe(route.pipe())
            .pipeFromLine(route.pipeFromline())
            .pipeFromHack(route.pipeFromhack())
            .connectErrorFail(route.connectErrorFail());
    if (route.authName() != null) {
      b.auth(
          switch (route.authName()) {
            case PLAIN -> AuthMechanism.PLAIN;
            case LOGIN -> AuthMechanism.LOGIN;
            case CRAM_MD5 -> AuthMechanism.CRAM_MD5;
          },
          route.authLogin(),
          route.authSecret());
    }
    return b.build();
  }

  /** Builds a {@link RemoteSettings}; every field starts at masqmail's default. */
  public static final class Builder {
    private final String routeName;
    private String heloName;
    private String mailHost;
    private int mailPort;
    private int smtpPort = 25;
    private List<Resolver> resolveList = List.of(Resolver.DNS_MX, Resolver.BYNAME);
    private boolean correctHelo;
    private boolean instantHelo;
    private boolean pipelining = true;
    private Tls tls = Tls.NONE;
    private boolean tlsVerify = true;
    private Path tlsTrustFile;
    private AuthMechanism authName;
    private String authLogin;
    private String authSecret;
    private String wrapper;
    private String pipe;
    private boolean pipeFromLine;
    private boolean pipeFromHack;
    private boolean connectErrorFail;
    private Timeouts timeouts = Timeouts.MASQMAIL;
    private String dnsServer;

    private Builder(String routeName, String heloName) {
      this.routeName = routeName;
      this.heloName = heloName;
    }

    public Builder mailHost(String v) {
      mailHost = v;
      return this;
    }

    public Builder mailPort(int v) {
      mailPort = v;
      return this;
    }

    public Builder smtpPort(int v) {
      smtpPort = v;
      return this;
    }

    public Builder resolveList(List<Resolver> v) {
      resolveList = v;
      return this;
    }

    public Builder heloName(String v) {
      heloName = v;
      return this;
    }

    public Builder correctHelo(boolean v) {
      correctHelo = v;
      return this;
    }

    public Builder instantHelo(boolean v) {
      instantHelo = v;
      return this;
    }

    public Builder pipelining(boolean v) {
      pipelining = v;
      return this;
    }

    public Builder tls(Tls v) {
      tls = v;
      return this;
    }

    public Builder tlsVerify(boolean v) {
      tlsVerify = v;
      return this;
    }

    public Builder tlsTrustFile(Path v) {
      tlsTrustFile = v;
      return this;
    }

    public Builder authName(AuthMechanism v) {
      authName = v;
      return this;
    }

    public Builder authLogin(String v) {
      authLogin = v;
      return this;
    }

    public Builder authSecret(String v) {
      authSecret = v;
      return this;
    }

    /** Sets auth_name, auth_login and auth_secret at once. */
    public Builder auth(AuthMechanism name, String login, String secret) {
      return authName(name).authLogin(login).authSecret(secret);
    }

    public Builder wrapper(String v) {
      wrapper = v;
      return this;
    }

    public Builder pipe(String v) {
      pipe = v;
      return this;
    }

    public Builder pipeFromLine(boolean v) {
      pipeFromLine = v;
      return this;
    }

    public Builder pipeFromHack(boolean v) {
      pipeFromHack = v;
      return this;
    }

    public Builder connectErrorFail(boolean v) {
      connectErrorFail = v;
      return this;
    }

    public Builder timeouts(Timeouts v) {
      timeouts = v;
      return this;
    }

    public Builder dnsServer(String v) {
      dnsServer = v;
      return this;
    }

    public RemoteSettings build() {
      return new RemoteSettings(
          routeName,
          mailHost,
          mailPort,
          smtpPort,
          resolveList,
          heloName,
          correctHelo,
          instantHelo,
          pipelining,
          tls,
          tlsVerify,
          tlsTrustFile,
          authName,
          authLogin,
          authSecret,
          wrapper,
          pipe,
          pipeFromLine,
          pipeFromHack,
          connectErrorFail,
          timeouts,
          dnsServer);
    }
  }
}
