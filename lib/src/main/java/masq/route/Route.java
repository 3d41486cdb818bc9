package masq.route;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import masq.Api;
import masq.MasqException;
import masq.address.Address;
import masq.config.RouteConfig;
import masq.message.Header;

/**
 * One route ({@code NAME.route}) with every option of masq.route(5) read, validated and typed. A
 * bad value is a configuration error naming file and line (exit 78). Immutable.
 *
 * <p>The options come in three parts, each read by its own record: the conditions, answered by
 * {@link #admits}; the rewriting maps ({@link #maps}), applied by {@code masq.rewrite}; the
 * transport ({@link #transport}), used by {@code masq.deliver.remote}.
 */
@Api
public final class Route {
  private final String name;
  private final Path file;
  private final String link;
  private final List<String> warnings;
  private final RouteConditions conditions;
  private final RouteMaps maps;
  private final boolean lastRoute;
  private final RouteTransport transport;
  private final LinkPolicy linkPolicy;

  private Route(RouteConfig rc, String link) throws MasqException {
    this.name = rc.name();
    this.file = rc.file();
    this.link = link;
    List<String> warn = new ArrayList<>(rc.warnings());
    this.conditions = RouteConditions.read(rc);
    Map<MapTarget, List<MapRule>> byTarget = RouteMaps.specificRules(rc);
    List<MapRule> outgoing = RouteValues.rules(rc, MapTarget.OUTGOING);
    this.lastRoute = RouteValues.bool(rc, RouteOption.LAST_ROUTE, false);
    this.maps =
        new RouteMaps(
            byTarget, outgoing, RouteValues.bool(rc, RouteOption.QUALIFY_HEADER_ADDRESSES, true));
    this.transport = RouteTransport.read(rc, warn);
    this.linkPolicy = LinkPolicy.read(rc, transport, conditions);
    this.warnings = List.copyOf(warn);
  }

  /** Reads and validates a route file, used on its own (no connection). */
  static Route load(Path file, boolean strict) throws MasqException {
    return load(file, null, strict);
  }

  /**
   * Reads and validates a route file listed in {@code query_routes.LINK} ({@code link}), or in
   * {@code permanent_routes} ({@code link} null).
   */
  static Route load(Path file, String link, boolean strict) throws MasqException {
    return new Route(RouteConfig.load(file, strict, RouteOption.FILE_NAMES), link);
  }

  /** Parses route-file text as if read from {@code file} (for tests and tools). */
  public static Route parse(String text, Path file, boolean strict) throws MasqException {
    return new Route(RouteConfig.parse(text, file, strict, RouteOption.FILE_NAMES), null);
  }

  /**
   * May a message with return path {@code sender} and header section {@code headers} go over this
   * route, and (when {@code recipient} is not null) may it go there to {@code recipient}? Refusals
   * name the rule. The sender: a match in denied_senders refuses; when allowed_senders is set, the
   * sender must match it. The From: header (only when a from_hdrs list is set): every address of
   * every From:, qualified with {@code hostName}, the same logic, each must pass; a From: with an
   * element that cannot be read (or no address at all) refuses, no From: allows. The recipient:
   * likewise with the recipient lists.
   */
  public RouteDecision admits(
      Address sender, List<Header> headers, Address recipient, String hostName) {
    return conditions.admits(name, sender, headers, recipient, hostName);
  }

  /**
   * True when one of {@code holds} (masq-queue hold --route: {@code route=NAME} or {@code
   * link=LINK}, see {@link Routes#holdKey}) pauses this route.
   */
  public boolean heldBy(Set<String> holds) {
    return !holds.isEmpty()
        && (holds.contains("route=" + name) || (link != null && holds.contains("link=" + link)));
  }

  /** The route's name: its file name without {@code .route}. */
  public String name() {
    return name;
  }

  /**
   * The connection whose {@code query_routes.LINK} list this route was loaded from, or null for a
   * permanent route or a route file used on its own.
   */
  String link() {
    return link;
  }

  /**
   * How logs and {@code --dry-run} name this route: {@code route=NAME link=LINK} for a query route,
   * {@code route=NAME} for a permanent one (see masq-deliver(8)).
   */
  public String tag() {
    return link == null ? "route=" + name : "route=" + name + " link=" + link;
  }

  /** Warnings (unknown or not applicable options), each naming file and line. */
  public List<String> warnings() {
    return warnings;
  }

  /** The conditions: allowed_ and denied_ senders, recipients and From: headers. */
  RouteConditions conditions() {
    return conditions;
  }

  /** The rewriting: the {@code map_*} rules and qualify_header_addresses. */
  public RouteMaps maps() {
    return maps;
  }

  /** {@code last_route}: a message sent over this route is not offered to the later ones. */
  public boolean lastRoute() {
    return lastRoute;
  }

  /** The transport options: where and how the mail is sent. */
  public RouteTransport transport() {
    return transport;
  }

  /** The link options: online_probe and max_size. */
  public LinkPolicy linkPolicy() {
    return linkPolicy;
  }

  /** Every option with its value in force (defaults included), one per line; secrets hidden. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("route ").append(name).append(" (").append(file).append(")\n");
    conditions.describe(sb);
    maps.describe(sb);
    RouteValues.line(sb, RouteOption.LAST_ROUTE, lastRoute);
    transport.describe(sb);
    linkPolicy.describe(sb);
    return sb.toString();
  }
}
