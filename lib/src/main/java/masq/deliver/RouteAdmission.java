package masq.deliver;

import java.util.List;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.message.Header;
import masq.route.LinkPolicy;
import masq.route.Route;
import masq.route.RouteDecision;
import masq.spool.Envelope;

/**
 * Whether a route takes a queued recipient: the route's conditions on the message's return path,
 * headers and recipient, then its size limit. One answer for the run that sends ({@link
 * RouteSelection}), the check for mail no route accepts ({@code WaitWatch}) and the sending itself
 * ({@code RemoteMessage}, for the return path), so none of them needs another for it.
 */
final class RouteAdmission {
  private RouteAdmission() {}

  /** The return path of {@code env}; {@link Address#NULL} for none (or one that cannot be read). */
  static Address sender(Envelope env) {
    if (env.sender().isEmpty()) {
      return Address.NULL;
    }
    try {
      return AddressParser.parseEnvelope(env.sender());
    } catch (AddressException e) {
      return Address.NULL;
    }
  }

  /** True when {@code r}'s conditions take recipient {@code a} of {@code env} (size aside). */
  static boolean admits(Route r, Envelope env, List<Header> headers, Address a, String hostName) {
    return r.admits(sender(env), headers, a, hostName).allowed();
  }

  /**
   * Why route {@code r} does not take recipient {@code a} of {@code env} (its conditions on the
   * sender, the headers and the recipient, then the size limit {@code limit}, 0 for none), or null
   * when it does.
   */
  static String refusal(
      Route r, Envelope env, List<Header> headers, Address a, String hostName, long limit) {
    RouteDecision d = r.admits(sender(env), headers, a, hostName);
    if (!d.allowed()) {
      return d.reason();
    }
    if (limit > 0 && env.size() > limit) {
      return "route "
          + r.name()
          + ": "
          + LinkPolicy.human(env.size())
          + " over max_size "
          + LinkPolicy.human(limit);
    }
    return null;
  }
}
