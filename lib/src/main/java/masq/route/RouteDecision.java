package masq.route;

/**
 * The answer to "may this message (and recipient) go over this route?": allowed, or refused with
 * the reason (naming the rule and where it is written), for the log and for masq-rewrite.
 */
public record RouteDecision(boolean allowed, String reason) {
  public static final RouteDecision ALLOWED = new RouteDecision(true, null);

  static RouteDecision refused(String reason) {
    return new RouteDecision(false, reason);
  }
}
