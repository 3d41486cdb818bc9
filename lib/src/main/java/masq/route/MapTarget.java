package masq.route;

/** What a {@code map_*} option rewrites: one of four headers, or the return path. */
public enum MapTarget {
  FROM("map_h_from_addresses", "From"),
  SENDER("map_h_sender_addresses", "Sender"),
  REPLY_TO("map_h_reply_to_addresses", "Reply-To"),
  MAIL_FOLLOWUP_TO("map_h_mail_followup_to_addresses", "Mail-Followup-To"),
  RETURN_PATH("map_return_path_addresses", null);

  /** The fallback for every target: its rules are searched after the specific ones. */
  public static final String OUTGOING = "map_outgoing_addresses";

  private final String option;
  private final String header;

  MapTarget(String option, String header) {
    this.option = option;
    this.header = header;
  }

  /** The route option of the specific map. */
  String option() {
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
