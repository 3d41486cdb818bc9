package masq.deliver.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import masq.route.AuthMechanism;
import masq.route.RouteAuth;
import masq.route.TlsMode;
import masq.smtp.Reply;
import masq.spool.Outcome;

/**
 * The opening of an {@link SmtpClient} session: greeting (unless instant_helo), EHLO with HELO
 * fallback on 5xx, STARTTLS or implicit TLS, AUTH. How it fails: a reply that ends the session
 * (greeting, EHLO/HELO) is {@link SmtpFailure#reply} (5xx fails, else defers); TLS and AUTH trouble
 * always defers and nothing is sent in clear when {@code tls} is starttls or smtps ({@code tls =
 * may} goes on in clear when the server does not offer or refuses STARTTLS).
 */
final class SmtpOpening {
  private final SmtpConnection c;
  private final RemoteSettings s;
  private final String serverName;

  /** The mechanisms masq chooses from when {@code auth_name} is not set, strongest first. */
  private static final List<AuthMechanism> STRONGEST_FIRST =
      List.of(
          AuthMechanism.SCRAM_SHA_256,
          AuthMechanism.CRAM_MD5,
          AuthMechanism.PLAIN,
          AuthMechanism.LOGIN);

  private final TlsFactory.Source tls;
  private final boolean plainOnly;
  private Extensions ext = Extensions.NONE;

  /** The TLS protocol in use, or null before (or without) TLS. */
  private String tlsProtocol;

  /** With {@code tls = may}: the server offered STARTTLS but the handshake failed. */
  private boolean tlsHandshakeFailed;

  /** As {@link SmtpClient#SmtpClient}'s. */
  SmtpOpening(
      SmtpConnection c,
      RemoteSettings s,
      String serverName,
      TlsFactory.Source tls,
      boolean plainOnly) {
    this.c = c;
    this.s = s;
    this.serverName = serverName;
    this.tls = tls;
    this.plainOnly = plainOnly;
  }

  /** As {@link SmtpClient#tlsHandshakeFailed}. */
  boolean tlsHandshakeFailed() {
    return tlsHandshakeFailed;
  }

  /** The TLS protocol in use ({@code TLSv1.3}), or null without TLS. */
  String tlsProtocol() {
    return tlsProtocol;
  }

  /** What the server offered in its reply to EHLO (none after HELO or before). */
  Extensions extensions() {
    return ext;
  }

  private String peer() {
    return c.peer();
  }

  /** Greeting, EHLO/HELO, TLS and AUTH: after this, messages can be sent. */
  void run() throws SmtpFailure {
    Duration t = s.timeouts().command();
    if (s.transport().tls() == TlsMode.SMTPS) {
      startTls();
    }
    String helo = heloName();
    if (s.transport().instantHelo()) {
      c.command("EHLO " + helo);
      c.flush();
    }
    Reply greeting = c.readReply(t);
    if (greeting.code() != 220) {
      throw SmtpFailure.reply(peer() + " greeted with", greeting);
    }
    ehlo(helo, !s.transport().instantHelo());
    boolean may = s.transport().tls() == TlsMode.MAY && !plainOnly && ext.startTls();
    if (s.transport().tls() == TlsMode.STARTTLS || may) {
      if (!ext.startTls()) {
        throw new SmtpFailure(
            Outcome.DEFERRED,
            peer() + " does not offer STARTTLS and tls = starttls: nothing sent in clear",
            true);
      }
      c.command("STARTTLS");
      c.flush();
      Reply r = c.readReply(t);
      if (r.code() == 220) {
        startTls();
        ehloInTls(helo);
      } else if (!may) {
        throw new SmtpFailure(
            Outcome.DEFERRED, "STARTTLS refused by " + peer() + ": " + r.oneLine(), true);
      } // with may, the session goes on in clear, as RFC 3207 allows after a refusal
    }
    RouteAuth auth = s.transport().auth();
    if (auth.used()) {
      AuthMechanism mech = mechanism(auth);
      String secret = s.secrets().secret(s.route()); // only now: a command runs when needed
      SmtpAuth.authenticate(c, mech, auth.login(), secret, serverName, s.transport().port(), t);
    }
  }

  /**
   * The mechanism to use: {@code auth_name}, or the first of {@link #STRONGEST_FIRST} the server
   * offers. One that puts the secret on the wire (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER) only over TLS
   * (or a wrapper, which masq trusts to do TLS), unless {@code auth_allow_plaintext}.
   */
  private AuthMechanism mechanism(RouteAuth auth) throws SmtpFailure {
    // what this connection is, not what the route asks for (a route that may go on in clear)
    boolean clearOk =
        tlsProtocol != null || s.transport().wrapper() != null || auth.allowPlaintext();
    java.util.Set<String> offered = ext.authMechanisms();
    String offers =
        offered.isEmpty()
            ? ""
            : " (offers " + String.join(" ", offered.stream().sorted().toList()) + ")";
    AuthMechanism want = auth.mechanism();
    if (want != null) {
      if (!offered.contains(want.smtpName())) {
        throw new SmtpFailure(
            Outcome.DEFERRED, peer() + " does not offer AUTH " + want.smtpName() + offers, true);
      }
      if (want.sendsSecret() && !clearOk) {
        throw new SmtpFailure(
            Outcome.DEFERRED,
            "AUTH "
                + want.smtpName()
                + " not used with "
                + peer()
                + ": it would send the secret without TLS (tls = starttls or smtps, or"
                + " auth_allow_plaintext = true)",
            true);
      }
      return want;
    }
    for (AuthMechanism m : STRONGEST_FIRST) {
      if (offered.contains(m.smtpName()) && (clearOk || !m.sendsSecret())) {
        return m;
      }
    }
    throw new SmtpFailure(
        Outcome.DEFERRED,
        offered.isEmpty()
            ? peer() + " does not offer AUTH"
            : "AUTH: no mechanism to use with "
                + peer()
                + offers
                + (clearOk ? "" : "; PLAIN and LOGIN only with TLS or auth_allow_plaintext = true"),
        true);
  }

  private void startTls() throws SmtpFailure {
    TlsFactory f;
    try {
      f = tls.get();
    } catch (IOException e) {
      throw new SmtpFailure(
          Outcome.DEFERRED, "TLS with " + peer() + " failed: " + SmtpConnection.reason(e), true);
    }
    try {
      tlsProtocol = c.startTls(f);
    } catch (IOException e) {
      tlsHandshakeFailed = s.transport().tls() == TlsMode.MAY;
      throw new SmtpFailure(
          Outcome.DEFERRED, "TLS with " + peer() + " failed: " + SmtpConnection.reason(e), true);
    }
  }

  /**
   * EHLO again inside TLS. A server that refuses the client's certificate (or its absence) with TLS
   * 1.3 does so only after the handshake, by closing the connection: that is reported as the TLS
   * failure it is.
   */
  private void ehloInTls(String helo) throws SmtpFailure {
    try {
      ehlo(helo, true);
    } catch (SmtpFailure f) {
      if (f.getMessage().startsWith("EHLO refused") || f.getMessage().startsWith("HELO refused")) {
        throw f;
      }
      throw new SmtpFailure(
          Outcome.DEFERRED,
          "TLS with "
              + peer()
              + " failed after the handshake (the server refused the client certificate, or"
              + " wanted one?): "
              + f.getMessage(),
          true);
    }
  }

  private String heloName() {
    InetAddress local = c.channel().localAddress();
    if (s.transport().doCorrectHelo() && local != null) {
      String name = local.getCanonicalHostName();
      if (name.equals(local.getHostAddress())) {
        return local.getAddress().length == 4 ? "[" + name + "]" : "[IPv6:" + name + "]";
      }
      return name;
    }
    return s.heloName();
  }

  private void ehlo(String helo, boolean send) throws SmtpFailure {
    Duration t = s.timeouts().command();
    if (send) {
      c.command("EHLO " + helo);
      c.flush();
    }
    Reply r = c.readReply(t);
    if (r.isPositive()) {
      ext = Extensions.parse(r);
      return;
    }
    if (!r.isPermanent()) {
      throw SmtpFailure.reply("EHLO refused by " + peer(), r);
    }
    c.command("HELO " + helo);
    c.flush();
    r = c.readReply(t);
    if (!r.isPositive()) {
      throw SmtpFailure.reply("HELO refused by " + peer(), r);
    }
    ext = Extensions.NONE;
  }
}
