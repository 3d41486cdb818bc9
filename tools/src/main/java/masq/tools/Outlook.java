package masq.tools;

import java.util.ArrayList;
import java.util.List;
import masq.config.Config;
import masq.deliver.Settlement;
import masq.spool.Envelope;
import masq.spool.Recipient;

/**
 * The words of a pending recipient's outlook in masq-queue show and list -v: what comes next for it
 * under masqmail's rule (a delay warning and the bounce come only with a try that defers it: a
 * recipient that no route has tried waits, and neither warns nor bounces), and why it waits. Times
 * are cut down, never rounded up, to two units ({@code in 3d 23h}, {@code in 52m}), so a message
 * seconds old with {@code max_defer_time = 4d} bounces {@code in 3d 23h}.
 */
final class Outlook {
  private Outlook() {}

  static String held() {
    return "held: no warning, no bounce, no delivery until released";
  }

  /** A local recipient: every run tries it. */
  static String local(Config cfg, Envelope e, long now) {
    return schedule(cfg, e, now) + "; local delivery";
  }

  /**
   * A remote recipient.
   *
   * @param route the route a run would send it over now ({@code route=NAME link=LINK}), or null
   * @param refusals why each usable (or held) route does not take it
   * @param why how the routes usable now were found (nothing online, held routes), or null
   */
  static String remote(
      Config cfg,
      Envelope e,
      Recipient r,
      long now,
      String route,
      List<String> refusals,
      String why) {
    if (r.unroutable()) {
      return "unroutable: no warning, no bounce; it waits until a route accepts it"
          + " (change the routes, or give up on it with masq-queue bounce)";
    }
    if (route != null) {
      return schedule(cfg, e, now) + "; over " + route + " now";
    }
    List<String> reasons = new ArrayList<>(refusals);
    if (why != null) {
      reasons.add(why);
    }
    String none = "no route takes it now (" + String.join("; ", reasons) + ")";
    if (r.tries() == 0) {
      return "waiting: no warning or bounce until a route tries it; " + none;
    }
    return schedule(cfg, e, now) + "; " + none;
  }

  /** {@code next warning in 52m, bounce in 3d 23h}: what a try that defers it brings. */
  private static String schedule(Config cfg, Envelope e, long now) {
    long warn = Settlement.nextWarning(cfg, e);
    return (warn < 0 ? "no more warnings" : "next warning " + due(warn, now))
        + ", bounce "
        + due(Settlement.bounceAt(cfg, e), now);
  }

  /** {@code in 3d 23h} or, once passed, {@code due at the next try}. */
  private static String due(long when, long now) {
    return when > now ? "in " + span(when - now) : "due at the next try";
  }

  /** A time span in its two largest units, cut down: {@code 3d 23h}, {@code 1h 5m}, {@code 52m}. */
  static String span(long millis) {
    long s = Math.max(0, millis / 1000);
    if (s >= 86400) {
      return two(s / 86400, "d", s % 86400 / 3600, "h");
    }
    if (s >= 3600) {
      return two(s / 3600, "h", s % 3600 / 60, "m");
    }
    if (s >= 60) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  private static String two(long big, String bigUnit, long small, String smallUnit) {
    return big + bigUnit + (small == 0 ? "" : " " + small + smallUnit);
  }
}
