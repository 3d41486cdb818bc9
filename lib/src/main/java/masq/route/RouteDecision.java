package masq.route;

import masq.Api;

/**
 * The answer to "may this message (and recipient) go over this route?": allowed, or refused with
 * the reason (naming the rule and where it is written), for the log and for masq-rewrite.
 */
@Api
public record RouteDecision(boolean allowed, String reason) {
  public static final RouteDecision ALLOWED = new RouteDecision(true, null);

  static RouteDecision refused(String reason) {
    return new RouteDecision(false, reason);
  }
}
