package masq.route;

import java.time.Duration;
import masq.MasqException;
import masq.config.RouteConfig;
import masq.config.Setting;
import masq.config.Values;

/**
 * How a route treats the link it runs over (masq.route(5)): whether a queue run finds out by itself
 * that the link is up ({@code online_probe}: the route's server accepts a TCP connection within
 * {@code online_probe_timeout}), and how large a message it carries ({@code max_size}, for metered
 * links: larger messages wait for another route or a later run).
 *
 * @param onlineProbe {@code online_probe} (default false); only for a query route that sends by
 *     SMTP (not with pipe or wrapper)
 * @param probeTimeout {@code online_probe_timeout} (default 3s)
 * @param probeDomain the domain whose first MX is probed when the route has no {@code mail_host}:
 *     the first domain without wildcards in {@code allowed_recipients}; null with a mail_host
 * @param maxSize {@code max_size} in bytes, 0 for no limit (the default)
 */
public record LinkPolicy(
    boolean onlineProbe, Duration probeTimeout, String probeDomain, long maxSize) {

  /**
   * The link options of a route file; a bad value, or a probe the route cannot make, is a
   * configuration error naming file and line.
   */
  static LinkPolicy read(RouteConfig rc, RouteTransport t, RouteConditions c) throws MasqException {
    boolean probe = RouteValues.bool(rc, RouteOption.ONLINE_PROBE, false);
    Setting pt = RouteOption.ONLINE_PROBE_TIMEOUT.in(rc);
    Duration timeout = Duration.ofSeconds(3);
    if (pt != null) {
      timeout = Values.parseDuration(pt.value());
      if (timeout == null || timeout.isZero()) {
        throw Values.bad(pt, "expected a time such as 3s");
      }
    }
    Setting ms = RouteOption.MAX_SIZE.in(rc);
    long maxSize = ms == null ? 0 : Values.size(ms);
    String domain = null;
    if (probe) {
      Setting p = RouteOption.ONLINE_PROBE.in(rc);
      if (t.pipe() != null || t.wrapper() != null) {
        throw Values.bad(p, "online_probe needs a route that connects by TCP (no pipe or wrapper)");
      }
      if (t.mailHost() == null) {
        domain =
            c.allowedRecipients().stream()
                .map(AddressPattern::domain)
                .filter(d -> d != null && d.chars().noneMatch(ch -> "*?[]".indexOf(ch) >= 0))
                .findFirst()
                .orElseThrow(() ->
                    Values.bad(
                        p,
                        "a route without mail_host probes the first MX of a domain in"
                            + " allowed_recipients, and it names none without wildcards"));
      }
    }
    return new LinkPolicy(probe, timeout, domain, maxSize);
  }

  /**
   * The size limit over this route when the command line gives {@code extra} too ({@code
   * --max-size}, 0 for none): the smaller of the two; 0 for no limit.
   */
  public long limit(long extra) {
    if (maxSize == 0) {
      return extra;
    }
    return extra == 0 ? maxSize : Math.min(maxSize, extra);
  }

  /** The {@link Route#describe} lines. */
  void describe(StringBuilder sb) {
    RouteValues.line(sb, RouteOption.ONLINE_PROBE, onlineProbe);
    RouteValues.line(
        sb,
        RouteOption.ONLINE_PROBE_TIMEOUT,
        probeTimeout.toMillis() % 1000 == 0
            ? probeTimeout.toSeconds() + "s"
            : probeTimeout.toMillis() + "ms");
    RouteValues.line(sb, RouteOption.MAX_SIZE, maxSize == 0 ? "(no limit)" : human(maxSize));
  }

  /** A size for people: {@code 812 bytes}, {@code 4.5 kB}, {@code 2.1 MB} (powers of 1024). */
  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    long unit = bytes < 1L << 20 ? 1L << 10 : bytes < 1L << 30 ? 1L << 20 : 1L << 30;
    String name = unit == 1L << 10 ? " kB" : unit == 1L << 20 ? " MB" : " GB";
    long tenths = (bytes * 10 + unit / 2) / unit;
    return tenths / 10 + (tenths % 10 == 0 ? "" : "." + tenths % 10) + name;
  }
}
