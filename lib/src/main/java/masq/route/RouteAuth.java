package masq.route;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import masq.MasqException;
import masq.config.RouteConfig;
import masq.config.Setting;
import masq.config.Values;

/**
 * A route's SMTP AUTH options (masq.route(5)), typed: the mechanism, the login, where the secret
 * comes from (inline, a file or a command; at most one), and whether a mechanism that sends the
 * secret itself may be used without TLS. The secret is read here only when it is inline; a file or
 * a command is read when a connection needs it ({@code masq.deliver.remote}).
 *
 * @param mechanism {@code auth_name}, or null to choose the strongest both sides offer
 * @param login {@code auth_login}, or null
 * @param secret {@code auth_secret}, or null
 * @param secretFile {@code auth_secret_file}: the secret is its first line; or null
 * @param secretCommand {@code auth_secret_command}: the secret is the first line it prints; or null
 * @param secretTimeout {@code auth_secret_timeout} (default 30s): how long the command may run
 * @param allowPlaintext {@code auth_allow_plaintext} (default false): PLAIN, LOGIN, XOAUTH2 and
 *     OAUTHBEARER may be used over a connection without TLS
 */
public record RouteAuth(
    AuthMechanism mechanism,
    String login,
    String secret,
    Path secretFile,
    String secretCommand,
    Duration secretTimeout,
    boolean allowPlaintext) {

  /** The default of {@code auth_secret_timeout}. */
  static final Duration SECRET_TIMEOUT = Duration.ofSeconds(30);

  /** True when the route authenticates: it names a secret (inline, a file or a command). */
  public boolean used() {
    return secret != null || secretFile != null || secretCommand != null;
  }

  /** The options as a record shows them, but with {@code auth_secret} hidden (it may be logged). */
  @Override
  public String toString() {
    return "RouteAuth[mechanism="
        + mechanism
        + ", login="
        + login
        + ", secret="
        + (secret == null ? "null" : "(hidden)")
        + ", secretFile="
        + secretFile
        + ", secretCommand="
        + secretCommand
        + ", allowPlaintext="
        + allowPlaintext
        + "]";
  }

  /**
   * The AUTH options of a route file; a bad value is a configuration error naming file and line.
   * Adds to {@code warn} a route file that holds {@code auth_secret}, or an {@code
   * auth_secret_file}, that others may read.
   */
  static RouteAuth read(RouteConfig rc, List<String> warn) throws MasqException {
    Setting an = RouteOption.AUTH_NAME.in(rc);
    AuthMechanism mechanism = null;
    if (an != null) {
      mechanism = AuthMechanism.named(an.value().strip());
      if (mechanism == null) {
        throw Values.bad(
            an, "expected plain, login, cram-md5, scram-sha-256, xoauth2 or oauthbearer");
      }
    }
    String login = RouteValues.str(rc, RouteOption.AUTH_LOGIN);
    String secret = RouteValues.str(rc, RouteOption.AUTH_SECRET);
    Path secretFile = RouteValues.path(rc, RouteOption.AUTH_SECRET_FILE);
    String secretCommand = RouteValues.command(rc, RouteOption.AUTH_SECRET_COMMAND);
    int sources = (secret == null ? 0 : 1) + (secretFile == null ? 0 : 1);
    sources += secretCommand == null ? 0 : 1;
    if (sources > 1) {
      Setting second =
          secretCommand != null
              ? RouteOption.AUTH_SECRET_COMMAND.in(rc)
              : RouteOption.AUTH_SECRET_FILE.in(rc);
      throw Values.bad(
          second, "a route has one of auth_secret, auth_secret_file and auth_secret_command");
    }
    if (an != null && (login == null || sources == 0)) {
      throw Values.bad(
          an,
          "auth_name needs auth_login and auth_secret (or auth_secret_file or"
              + " auth_secret_command)");
    }
    if (sources == 1 && login == null) {
      Setting s =
          secret != null
              ? RouteOption.AUTH_SECRET.in(rc)
              : secretFile != null
                  ? RouteOption.AUTH_SECRET_FILE.in(rc)
                  : RouteOption.AUTH_SECRET_COMMAND.in(rc);
      throw Values.bad(s, "AUTH needs auth_login too");
    }
    Setting st = RouteOption.AUTH_SECRET_TIMEOUT.in(rc);
    Duration secretTimeout = SECRET_TIMEOUT;
    if (st != null) {
      secretTimeout = Values.parseDuration(st.value());
      if (secretTimeout == null || secretTimeout.isZero()) {
        throw Values.bad(st, "expected a time such as 30s or 2m");
      }
    }
    if (secret != null && readableByOthers(rc.file())) {
      warn.add(
          rc.file()
              + ": holds auth_secret and is readable by group or others (chmod 600 it, or use"
              + " auth_secret_file or auth_secret_command)");
    }
    if (secretFile != null && readableByOthers(secretFile)) {
      warn.add(
          secretFile
              + ": auth_secret_file of "
              + rc.file()
              + ", is readable by group or others (chmod 600 it)");
    }
    return new RouteAuth(
        mechanism,
        login,
        secret,
        secretFile,
        secretCommand,
        secretTimeout,
        RouteValues.bool(rc, RouteOption.AUTH_ALLOW_PLAINTEXT, false));
  }

  private static boolean readableByOthers(Path file) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      return p.contains(PosixFilePermission.GROUP_READ)
          || p.contains(PosixFilePermission.OTHERS_READ);
    } catch (IOException | UnsupportedOperationException e) {
      return false; // no such file (a route parsed from text) or no POSIX permissions
    }
  }

  /** The {@link Route#describe} lines of the AUTH options; never the secret. */
  void describe(StringBuilder sb) {
    RouteValues.line(
        sb,
        RouteOption.AUTH_NAME,
        mechanism != null
            ? mechanism.smtpName().toLowerCase(Locale.ROOT)
            : used() ? "(the strongest both sides offer)" : "(no AUTH)");
    RouteValues.line(sb, RouteOption.AUTH_LOGIN, login == null ? "" : login);
    RouteValues.line(sb, RouteOption.AUTH_SECRET, secret == null ? "" : "(set, not shown)");
    RouteValues.line(sb, RouteOption.AUTH_SECRET_FILE, secretFile == null ? "" : secretFile);
    RouteValues.line(
        sb, RouteOption.AUTH_SECRET_COMMAND, secretCommand == null ? "" : secretCommand);
    RouteValues.line(sb, RouteOption.AUTH_SECRET_TIMEOUT, secretTimeout.toSeconds() + "s");
    RouteValues.line(sb, RouteOption.AUTH_ALLOW_PLAINTEXT, allowPlaintext);
  }
}
