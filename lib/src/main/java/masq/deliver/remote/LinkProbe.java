package masq.deliver.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import masq.route.LinkPolicy;
import masq.route.RouteTransport;

/**
 * The probe of {@code online_probe} (masq.route(5)): is a route's link up? It is when the route's
 * server accepts a TCP connection within {@code online_probe_timeout}: the {@code mail_host} (its
 * first address by the route's resolve_list) at the route's port, or, without a mail_host, the
 * first MX of the route's probe domain ({@link LinkPolicy#probeDomain}). The connection is closed
 * at once, nothing is sent. Trusts nothing from the network; never throws: a host that cannot be
 * resolved, a refusal or the timeout is a link that is down, with the reason.
 */
public final class LinkProbe {
  private LinkProbe() {}

  /**
   * What a probe found.
   *
   * @param up the server accepted the connection
   * @param detail {@code 192.0.2.1:25 accepted in 12 ms}, or why the link counts as down
   */
  public record Answer(boolean up, String detail) {}

  /** Probes the server of a route with transport {@code t} and link options {@code p}. */
  public static Answer probe(RouteTransport t, LinkPolicy p) {
    long start = System.nanoTime();
    Duration timeout = p.probeTimeout();
    String name = t.mailHost() != null ? t.mailHost() : p.probeDomain();
    try {
      List<MxResolver.Target> targets = new MxResolver(timeout).resolve(name, t.resolveList());
      MxResolver.Target first = targets.get(0);
      InetSocketAddress a = new InetSocketAddress(first.address(), t.port());
      String where = first.name() + ":" + t.port();
      long left = timeout.toMillis() - (System.nanoTime() - start) / 1_000_000;
      if (left <= 0) {
        return new Answer(false, where + ": no answer within " + timeout.toMillis() + " ms");
      }
      try (Socket s = new Socket()) {
        s.connect(a, (int) Math.min(Integer.MAX_VALUE, left));
      } catch (java.net.SocketTimeoutException e) {
        return new Answer(false, where + ": no answer within " + timeout.toMillis() + " ms");
      }
      return new Answer(
          true, where + " accepted in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    } catch (IOException | RuntimeException e) {
      return new Answer(false, name + ":" + t.port() + ": " + SmtpConnection.reason(e));
    }
  }
}
