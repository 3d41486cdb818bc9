package masq.deliver.remote;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import masq.address.Address;
import masq.spool.Outcome;

/**
 * The entry point of remote delivery over one route: picks the transport the route's settings call
 * for ({@code pipe}, else SMTP through {@code wrapper}, {@code mail_host} or MX lookup) and sends
 * the messages, reporting per recipient.
 *
 * <p>Promise to the caller: every recipient of every message gets exactly one result, and nothing
 * is thrown; an unexpected error inside becomes a deferral with a one-line reason ("internal error:
 * ..."). Not thread-safe; use one instance per thread. Diagnostics that are not results (a
 * wrapper's stderr, a pipe command's output) go to {@code log}, one line each.
 */
public final class RemoteDelivery {
  private final RemoteSettings settings;
  private final Clock clock;
  private final Consumer<String> log;

  /**
   * @param clock for the From_ line of pipe routes
   * @param log receives diagnostic lines (e.g. {@code mailLog::write})
   */
  public RemoteDelivery(RemoteSettings settings, Clock clock, Consumer<String> log) {
    this.settings = settings;
    this.clock = clock;
    this.log = log;
  }

  /** Sends {@code messages}, handing results to {@code sink} as each message is done. */
  public void deliver(List<OutgoingMessage> messages, ResultSink sink) {
    deliver(messages.iterator(), sink);
  }

  /**
   * As {@link #deliver(List, ResultSink)}, with the messages taken from {@code messages} as they
   * are sent: {@code next()} may wait for the caller to have the next one ready. With {@code
   * mail_host} or {@code wrapper}, the connection is opened once the first message is there, and
   * each message goes out as soon as it is taken; pipe routes and MX lookup (which groups by
   * domain) take them all first. Every message taken gets its results.
   */
  public void deliver(Iterator<OutgoingMessage> messages, ResultSink sink) {
    Map<String, List<Address>> open = new HashMap<>();
    List<OutgoingMessage> taken = new ArrayList<>();
    Iterator<OutgoingMessage> tracked =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return messages.hasNext();
          }

          @Override
          public OutgoingMessage next() {
            OutgoingMessage m = messages.next();
            taken.add(m);
            open.computeIfAbsent(m.id(), k -> new ArrayList<>()).addAll(m.recipients());
            return m;
          }
        };
    ResultSink once =
        (m, results) -> {
          List<RecipientResult> fresh = new ArrayList<>(results.size());
          List<Address> pending = open.get(m.id());
          for (RecipientResult r : results) {
            if (pending != null && pending.remove(r.recipient())) {
              fresh.add(r);
            }
          }
          if (!fresh.isEmpty()) {
            sink.accept(m, fresh);
          }
        };
    try {
      if (settings.transport().pipe() != null) {
        List<OutgoingMessage> all = rest(tracked);
        if (!all.isEmpty()) {
          new PipeTransport(settings, clock, log).deliver(all, once);
        }
      } else {
        new SmtpTransport(settings, log).deliver(tracked, once);
      }
    } catch (RuntimeException e) {
      String why = "internal error: " + SmtpConnection.reason(e);
      log.accept("route " + settings.route().name() + ": " + why);
      try {
        rest(tracked);
      } catch (RuntimeException again) {
        // what was not taken has no results to give
      }
      for (OutgoingMessage m : taken) {
        List<Address> left = List.copyOf(open.getOrDefault(m.id(), List.of()));
        List<RecipientResult> rs = new ArrayList<>();
        for (Address a : left) {
          rs.add(new RecipientResult(m.id(), a, Outcome.DEFERRED, "-", why));
        }
        if (!rs.isEmpty()) {
          once.accept(m, rs);
        }
      }
    }
  }

  /** What is left of {@code messages}, taken now. */
  static List<OutgoingMessage> rest(Iterator<OutgoingMessage> messages) {
    List<OutgoingMessage> out = new ArrayList<>();
    messages.forEachRemaining(out::add);
    return out;
  }

  /** Sends {@code messages} and returns all results, in the order they became known. */
  public List<RecipientResult> deliver(List<OutgoingMessage> messages) {
    List<RecipientResult> all = new ArrayList<>();
    deliver(messages, (m, rs) -> all.addAll(rs));
    return all;
  }
}
