package masq.deliver;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import masq.MasqException;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.config.Config;
import masq.log.MailLog;
import masq.message.Header;
import masq.notify.Notifier;
import masq.notify.NotifyEvent;
import masq.rewrite.HeaderSection;
import masq.route.Locality;
import masq.route.Route;
import masq.route.Routes;
import masq.spool.Envelope;
import masq.spool.MessageLock;
import masq.spool.Recipient;

/**
 * What a queue run tells of mail that stays queued, once a message's recipients are settled for the
 * run ({@link Settlement#finish}): which remote recipients no configured route accepts at all
 * ({@link #routability}: the {@code unroutable} state, which would otherwise wait for ever), and
 * notify_command's {@code deferred}, {@code waiting} and {@code unroutable} events ({@link #tell}).
 *
 * <p>masqmail's rule stands: only a recipient that was tried ages towards a delay warning and a
 * bounce; one that no route has tried yet waits, however long. This class only makes such waiting
 * visible. Trusts the configuration; a route file that does not load makes nothing unroutable (the
 * run that uses it reports it).
 */
final class WaitWatch {
  private final Config cfg;
  private final Notifier notifier;
  private final Locality locality;
  private final MailLog log;
  private final PrintStream err;
  private final int verbose;

  /** Every configured route (permanent and every connection's), loaded when first needed. */
  private List<Route> all;

  WaitWatch(
      Config cfg, Notifier notifier, Locality locality, MailLog log, PrintStream err, int verbose) {
    this.cfg = cfg;
    this.notifier = notifier;
    this.locality = locality;
    this.log = log;
    this.err = err;
    this.verbose = verbose;
  }

  /**
   * {@code env} with each pending remote recipient that no route has tried and that waits ({@link
   * #Recipient.NO_ROUTE}, or unroutable before) judged afresh against every configured route:
   * {@code unroutable: no configured route accepts it (REASONS)} when none admits it (its
   * conditions, its max_size), back to {@link #Recipient.NO_ROUTE} when one does again. A recipient
   * that becomes unroutable is logged and told to notify_command (once: the state is in its last
   * error). With no route configured at all nothing is unroutable: such mail waits for a route
   * (masqmail's).
   */
  Envelope routability(MessageLock lock, Envelope env) {
    List<Recipient> rs = new ArrayList<>(env.recipients());
    List<Header> headers = null;
    boolean changed = false;
    for (int i = 0; i < rs.size(); i++) {
      Recipient r = rs.get(i);
      Address a = waitingRemote(r);
      if (a == null) {
        continue;
      }
      if (headers == null) {
        if (routes().isEmpty() || (headers = headers(lock)) == null) {
          return env;
        }
      }
      String why = refusal(env, headers, a);
      String last = why == null ? Recipient.NO_ROUTE : Recipient.UNROUTABLE + why;
      if (last.equals(r.lastError())) {
        continue;
      }
      if (why != null && !r.unroutable()) {
        String line = env.id() + " unroutable <" + r.address() + ">: " + why;
        log.write(line);
        if (verbose > 0) {
          err.println("masq-deliver: " + line);
        }
        notifier.fire(NotifyEvent.UNROUTABLE, env.id(), r.address(), null, why);
      }
      rs.set(i, r.as(r.state(), last));
      changed = true;
    }
    return changed ? env.withRecipients(rs) : env;
  }

  /** The address of a pending remote recipient no route tried, that waits; else null. */
  private Address waitingRemote(Recipient r) {
    if (!r.isPending()
        || r.tries() > 0
        || !(r.lastError().equals(Recipient.NO_ROUTE)
            || r.lastError().startsWith(Recipient.UNROUTABLE))) {
      return null;
    }
    try {
      Address a = AddressParser.parseEnvelope(r.address());
      return a.isNull() || locality.isLocal(a) ? null : a;
    } catch (AddressException e) {
      return null;
    }
  }

  /** Why no configured route takes {@code a} (every route's refusal), or null when one does. */
  private String refusal(Envelope env, List<Header> headers, Address a) {
    List<String> why = new ArrayList<>();
    for (Route r : routes()) {
      String no =
          RouteAdmission.refusal(
              r, env, headers, a, cfg.names().hostName(), r.linkPolicy().limit(0));
      if (no == null) {
        return null;
      }
      why.add(no);
    }
    String s = "no configured route accepts it (" + String.join("; ", why) + ")";
    return s.length() > 500 ? s.substring(0, 497) + "..." : s;
  }

  private List<Route> routes() {
    if (all == null) {
      List<Route> rs = new ArrayList<>();
      try {
        rs.addAll(Routes.permanent(cfg, false));
        for (String link : cfg.online().queryRoutes().keySet()) {
          rs.addAll(Routes.query(cfg, link, false));
        }
        all = rs;
      } catch (MasqException e) {
        all = List.of(); // a route file that does not load: nothing is judged unroutable
      }
    }
    return all;
  }

  private static List<Header> headers(MessageLock lock) {
    try (InputStream in = new BufferedInputStream(lock.openMessage(), 8192)) {
      return HeaderSection.read(in).headers();
    } catch (masq.message.MessageFormatException | IOException | RuntimeException e) {
      return null; // judged on a later run
    }
  }

  /**
   * notify_command's events for the pending recipients of a message older than notify_after (the
   * leaves of an alias, not the alias): {@code deferred} for one that was tried, once per
   * notify_after; {@code waiting} once for the message, naming all its recipients that no route has
   * tried yet (nothing online, a held route), and only once: a waiting recipient does not age. The
   * envelope's {@code notified} lines keep when each recipient was told (forgotten once it is no
   * longer pending); {@code waiting} counts as told. With {@code localOnly}, remote recipients are
   * left as they are (a remote pass follows, which tells).
   */
  Envelope tell(Envelope env, long now, Function<String, String> routeOf, boolean localOnly) {
    long after = cfg.notifications().notifyAfter().toMillis();
    if (now - env.received() <= after) {
      return env;
    }
    Set<String> parents = new LinkedHashSet<>();
    for (Recipient r : env.recipients()) {
      if (!r.parent().isEmpty()) {
        parents.add(r.parent());
      }
    }
    Map<String, Long> told = new LinkedHashMap<>();
    List<Recipient> waiting = new ArrayList<>();
    for (Recipient r : env.recipients()) {
      if (!r.isPending() || parents.contains(r.address())) {
        continue;
      }
      Long last = env.notified().get(r.address());
      if (localOnly && !isLocal(r.address())) {
        if (last != null) {
          told.put(r.address(), last);
        }
        continue;
      }
      if (r.tries() == 0 && r.unroutable()) {
        if (last != null) {
          told.put(r.address(), last); // told when it became unroutable: no event besides
        }
        continue;
      }
      if (r.tries() == 0) {
        if (last == null) {
          waiting.add(r);
          last = now;
        }
      } else if (last == null || now - last >= after) {
        notifier.fire(
            NotifyEvent.DEFERRED, env.id(), r.address(), routeOf.apply(r.address()), r.lastError());
        last = now;
      }
      told.put(r.address(), last);
    }
    if (!waiting.isEmpty()) {
      notifier.fire(
          NotifyEvent.WAITING,
          env.id(),
          String.join(", ", waiting.stream().map(Recipient::address).toList()),
          null,
          waiting.get(0).lastError().isEmpty()
              ? "not tried yet"
              : "not tried yet: " + waiting.get(0).lastError());
    }
    return told.equals(env.notified()) ? env : env.withNotified(told);
  }

  /** Whether a recipient line is delivered here (a local address, a pipe, a file). */
  private boolean isLocal(String address) {
    try {
      return locality.isLocal(AddressParser.parseEnvelope(address));
    } catch (AddressException e) {
      return true; // |command and /file leaves, or an address local delivery fails
    }
  }
}
