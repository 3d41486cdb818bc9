package masq.deliver.remote;

import java.time.Duration;
import masq.route.Route;
import masq.route.RouteTransport;

/**
 * What the transport needs to send over one route: the route (its transport options, read and
 * validated by {@link Route}), the main host_name (the default helo_name) and how long to wait.
 *
 * @param route the route, for its name and its {@link RouteTransport} options
 * @param hostName the main host_name, the name for EHLO/HELO when the route sets no helo_name
 * @param timeouts how long to wait; {@link Timeouts#MASQMAIL} for a delivery
 * @param secrets the run's AUTH secrets, fetched when a connection needs them
 */
public record RemoteSettings(Route route, String hostName, Timeouts timeouts, AuthSecrets secrets) {

  /** Settings with secrets of their own (fetched at most once for all they send). */
  public RemoteSettings(Route route, String hostName, Timeouts timeouts) {
    this(route, hostName, timeouts, new AuthSecrets());
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
  }

  /** The settings to send over {@code route} with masqmail's timeouts. */
  public static RemoteSettings fromRoute(Route route, String hostName) {
    return new RemoteSettings(route, hostName, Timeouts.MASQMAIL);
  }

  /** As {@link #fromRoute(Route, String)}, with the secrets of the queue run. */
  public static RemoteSettings fromRoute(Route route, String hostName, AuthSecrets secrets) {
    return new RemoteSettings(route, hostName, Timeouts.MASQMAIL, secrets);
  }

  /** The route's transport options. */
  RouteTransport transport() {
    return route.transport();
  }

  /** The name for EHLO/HELO: the route's helo_name, else the main host_name. */
  String heloName() {
    return route.transport().heloName() == null ? hostName : route.transport().heloName();
  }
}
