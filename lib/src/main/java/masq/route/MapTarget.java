package masq.route;

/** What a {@code map_*} option rewrites: one of four headers, or the return path. */
public enum MapTarget {
  FROM(RouteOption.MAP_H_FROM_ADDRESSES, "From"),
  SENDER(RouteOption.MAP_H_SENDER_ADDRESSES, "Sender"),
  REPLY_TO(RouteOption.MAP_H_REPLY_TO_ADDRESSES, "Reply-To"),
  MAIL_FOLLOWUP_TO(RouteOption.MAP_H_MAIL_FOLLOWUP_TO_ADDRESSES, "Mail-Followup-To"),
  RETURN_PATH(RouteOption.MAP_RETURN_PATH_ADDRESSES, null);

  /** The fallback for every target: its rules are searched after the specific ones. */
  public static final RouteOption OUTGOING = RouteOption.MAP_OUTGOING_ADDRESSES;

  private final RouteOption option;
  private final String header;

  MapTarget(RouteOption option, String header) {
    this.option = option;
    this.header = header;
  }

  /** The route option of the specific map. */
  RouteOption option() {
    return option;
  }

  /** The header name, or null for the return path. */
  public String header() {
    return header;
  }

  /** The target whose header is {@code name} (any case), or null. */
  public static MapTarget ofHeader(String name) {
    for (MapTarget t : values()) {
      if (t.header != null && t.header.equalsIgnoreCase(name)) {
        return t;
      }
    }
    return null;
  }
}
