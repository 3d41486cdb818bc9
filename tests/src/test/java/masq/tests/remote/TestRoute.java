package masq.tests.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import masq.MasqException;
import masq.deliver.remote.RemoteSettings;
import masq.deliver.remote.RemoteSettings.Timeouts;
import masq.route.AuthMechanism;
import masq.route.Route;

/**
 * A route file written option by option for the transport tests ({@code .option("do_pipelining",
 * false)}) and read by masq's own {@link Route} parser, so a test sets what a user writes in {@code
 * NAME.route} and gets the defaults of masq.route(5) for the rest; {@link #build} gives the
 * transport's settings.
 */
final class TestRoute {
  private final String name;
  private final String hostName;
  private final StringBuilder text = new StringBuilder();
  private String mailHost;
  private int mailPort;
  private Timeouts timeouts = Timeouts.MASQMAIL;

  /** Route {@code name} on a host whose host_name is {@code hostName} (the default helo_name). */
  TestRoute(String name, String hostName) {
    this.name = name;
    this.hostName = hostName;
  }

  /** All four timeouts set to {@code d}. */
  static Timeouts timeouts(Duration d) {
    return new Timeouts(d, d, d, d);
  }

  /** Route option {@code option} set to {@code value}, as a line {@code option = "value"}. */
  TestRoute option(String option, Object value) {
    String v = String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"");
    text.append(option).append(" = \"").append(v).append("\"\n");
    return this;
  }

  /** {@code mail_host}; with {@link #mailPort}, {@code mail_host = HOST:PORT}. */
  TestRoute mailHost(String v) {
    mailHost = v;
    return this;
  }

  TestRoute mailPort(int v) {
    mailPort = v;
    return this;
  }

  /** {@code auth_name}, {@code auth_login} and {@code auth_secret}. */
  TestRoute auth(AuthMechanism mech, String login, String secret) {
    return option("auth_name", mech.smtpName().toLowerCase(Locale.ROOT))
        .option("auth_login", login)
        .option("auth_secret", secret);
  }

  TestRoute timeouts(Timeouts v) {
    timeouts = v;
    return this;
  }

  /** The settings, from the route file as written so far (strictly read: no unknown option). */
  RemoteSettings build() {
    String file = text.toString();
    if (mailHost != null) {
      file += "mail_host = \"" + mailHost + (mailPort > 0 ? ":" + mailPort : "") + "\"\n";
    }
    try {
      Route r = Route.parse(file, Path.of("/etc/masq", name + ".route"), true);
      return new RemoteSettings(r, hostName, timeouts);
    } catch (MasqException e) {
      throw new IllegalArgumentException(file, e);
    }
  }
}
