package masq.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import masq.config.Config;
import masq.notify.NotifyEvent;
import masq.spool.Envelope;
import masq.spool.Recipient;

/**
 * masq-queue status: the queue judged in one line, as a monitoring plugin (Nagios, Icinga) reads it
 * — {@code MASQ OK - 3 queued, 1 deferred 2h over route=isp1 link=isp1 (REASON), oldest 2h |
 * PERFDATA} — and the plugin's exit code: 0 OK; 1 WARNING when a message (not held) is older than
 * the first of {@code warn_intervals}, when a recipient is unroutable (no configured route accepts
 * it), or when the online check fails (online_query cannot run, exits non-zero, times out); 2
 * CRITICAL when a message is older than half {@code max_defer_time}, when a pending recipient's
 * last error is an AUTH or TLS failure, or when the spool has a problem {@code masq-queue check}
 * reports; 3 UNKNOWN (the caller's) when the spool cannot be read. The ages count only messages
 * that can warn or bounce (masqmail's rule): a message whose pending recipients all wait for a
 * route that no run has tried them over is "waiting", counted apart, and does not age. Pure: the
 * caller reads the envelopes, checks the spool, runs the online check and names the route.
 */
final class QueueStatus {
  static final int OK = 0;
  static final int WARNING = 1;
  static final int CRITICAL = 2;
  static final int UNKNOWN = 3;

  private static final String[] WORDS = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

  /** A pending recipient the line names: its message, address and last error. */
  record Stuck(Envelope message, Recipient recipient) {}

  final int queued;
  final int held;
  final List<Envelope> deferred = new ArrayList<>();
  final List<Stuck> authTls = new ArrayList<>();
  final List<Stuck> unroutable = new ArrayList<>();

  /** Messages (not held) whose pending recipients all wait untried for a route. */
  final List<Envelope> waiting = new ArrayList<>();

  /** The fault of the online check, or null. */
  final String onlineFailure;

  final List<String> problems;
  final long oldest;
  final long warnAfter;
  final long critAfter;
  final int code;

  /** The worst deferred recipient (an AUTH/TLS failure first, else the oldest), or null. */
  final Stuck featured;

  /**
   * Judges {@code all} at {@code now}.
   *
   * @param problems what the spool check found
   * @param noRoute the last error of a recipient no route took yet (not a deferral)
   * @param onlineFailure what went wrong with the online check now, or null
   */
  QueueStatus(
      Config cfg,
      List<Envelope> all,
      List<String> problems,
      long now,
      String noRoute,
      String onlineFailure) {
    this.problems = List.copyOf(problems);
    this.onlineFailure = onlineFailure;
    int h = 0;
    long old = -1;
    Stuck worst = null;
    for (Envelope e : all) {
      if (e.held()) {
        h++;
        continue;
      }
      boolean ages = false;
      boolean counted = false;
      for (Recipient r : e.recipients()) {
        if (r.tries() == 0 && r.unroutable()) {
          unroutable.add(new Stuck(e, r));
        }
        ages |= r.isPending() && r.parent().isEmpty() && !waits(r, noRoute);
        if (!r.isPending() || r.tries() == 0 || r.lastError().equals(noRoute)) {
          continue;
        }
        if (!counted) {
          deferred.add(e);
          counted = true;
        }
        Stuck s = new Stuck(e, r);
        if (authOrTls(r.lastError())) {
          authTls.add(s);
          if (worst == null || !authOrTls(worst.recipient().lastError())) {
            worst = s;
          }
        } else if (worst == null) {
          worst = s; // the envelopes come in arrival order: the first is the oldest
        }
      }
      if (ages) {
        old = Math.max(old, now - e.received());
      } else {
        waiting.add(e);
      }
    }
    this.queued = all.size();
    this.held = h;
    this.oldest = old;
    this.featured = worst;
    this.warnAfter =
        cfg.notices().warnIntervals().stream().mapToLong(Duration::toMillis).min().orElse(-1);
    this.critAfter = cfg.notices().maxDeferTime().toMillis() / 2;
    if (!problems.isEmpty() || !authTls.isEmpty() || old > critAfter) {
      code = CRITICAL;
    } else if (warnAfter >= 0 && old > warnAfter
        || !unroutable.isEmpty()
        || onlineFailure != null) {
      code = WARNING;
    } else {
      code = OK;
    }
  }

  /**
   * True when a recipient's last error is an AUTH or TLS failure (what notify_command hears of).
   */
  static boolean authOrTls(String lastError) {
    return NotifyEvent.ofFailure(lastError) != null; // one reading of the client's wording
  }

  /**
   * True for a pending recipient that no run tried and that a run left waiting for a route (nothing
   * online, a held route, max_size, unroutable): it neither warns nor bounces. One no run has
   * looked at yet (no last error) ages: if no run ever comes, that is worth a warning.
   */
  static boolean waits(Recipient r, String noRoute) {
    String e = r.lastError();
    return r.tries() == 0
        && (e.equals(noRoute) || e.startsWith("waiting") || e.startsWith(Recipient.UNROUTABLE));
  }

  static String word(int code) {
    return WORDS[code];
  }

  /**
   * The plugin's first line.
   *
   * @param now the time of the judgement
   */
  String line(long now) {
    StringBuilder sb = new StringBuilder("MASQ ").append(word(code)).append(" - ");
    if (!problems.isEmpty()) {
      sb.append(problems.size())
          .append(problems.size() == 1 ? " spool problem" : " spool problems")
          .append(" (masq-queue check: ")
          .append(cut(problems.get(0), 60))
          .append("), ");
    }
    if (onlineFailure != null) {
      sb.append("online check failed (").append(cut(onlineFailure, 200)).append("), ");
    }
    if (queued == 0) {
      sb.append("queue empty");
    } else {
      sb.append(queued).append(" queued");
      if (held > 0) {
        sb.append(", ").append(held).append(" held");
      }
      if (!deferred.isEmpty()) {
        sb.append(", ").append(deferred.size()).append(" deferred");
        if (featured != null) {
          sb.append(' ').append(QueueListing.age(now - featured.message().received()));
          if (featured.message().tried() != null) {
            sb.append(" over ").append(featured.message().tried()); // the last try's route
          }
          sb.append(" (").append(cut(featured.recipient().lastError(), 80)).append(')');
        }
      }
      if (!unroutable.isEmpty()) {
        Stuck u = unroutable.get(0);
        sb.append(", ")
            .append(unroutable.size())
            .append(" unroutable (")
            .append(u.recipient().address())
            .append(": ")
            .append(cut(u.recipient().lastError().substring(Recipient.UNROUTABLE.length()), 80))
            .append(')');
      }
      if (!waiting.isEmpty()) {
        sb.append(", ")
            .append(waiting.size())
            .append(" waiting for a route ")
            .append(QueueListing.age(now - waiting.get(0).received()));
      }
      if (authTls.size() > 1) {
        sb.append(", ").append(authTls.size()).append(" AUTH/TLS failures");
      }
      if (oldest >= 0) {
        sb.append(", oldest ").append(QueueListing.age(oldest));
      }
    }
    sb.append(" | queued=")
        .append(queued)
        .append(";;;0 deferred=")
        .append(deferred.size())
        .append(";;;0 held=")
        .append(held)
        .append(";;;0 oldest=")
        .append(Math.max(0, oldest) / 1000)
        .append("s;")
        .append(warnAfter < 0 ? "" : Long.toString(warnAfter / 1000))
        .append(';')
        .append(critAfter / 1000)
        .append(";0 auth_tls_failures=")
        .append(authTls.size())
        .append(";;0;0 problems=")
        .append(problems.size())
        .append(";;0;0 waiting=")
        .append(waiting.size())
        .append(";;;0 unroutable=")
        .append(unroutable.size())
        .append(";1;;0");
    return sb.toString();
  }

  /**
   * The JSON object of status --json when the queue could not be judged ({@code why}: the one-line
   * reason, such as a configuration error): the state UNKNOWN, code 3.
   */
  static String unknownJson(String why) {
    return "{\"state\": \"UNKNOWN\", \"code\": "
        + UNKNOWN
        + ", \"summary\": "
        + Json.str("MASQ UNKNOWN - " + why)
        + ", \"error\": "
        + Json.str(why)
        + "}\n";
  }

  /** The same as one JSON object; {@code line} is the plugin line. */
  String json(String line) {
    StringBuilder sb = new StringBuilder("{\"state\": ");
    sb.append(Json.str(word(code)))
        .append(", \"code\": ")
        .append(code)
        .append(", \"summary\": ")
        .append(Json.str(line))
        .append(", \"queued\": ")
        .append(queued)
        .append(", \"held\": ")
        .append(held)
        .append(", \"deferred\": ")
        .append(deferred.size())
        .append(", \"oldest_seconds\": ")
        .append(oldest < 0 ? "null" : Long.toString(oldest / 1000))
        .append(", \"warning_after_seconds\": ")
        .append(warnAfter < 0 ? "null" : Long.toString(warnAfter / 1000))
        .append(", \"critical_after_seconds\": ")
        .append(critAfter / 1000)
        .append(", \"auth_tls_failures\": [");
    json(sb, authTls);
    sb.append("], \"waiting\": ").append(waiting.size()).append(", \"unroutable\": [");
    json(sb, unroutable);
    sb.append("], \"online_failure\": ")
        .append(onlineFailure == null ? "null" : Json.str(onlineFailure))
        .append(", \"problems\": [");
    String sep = "";
    for (String p : problems) {
      sb.append(sep).append(Json.str(p));
      sep = ", ";
    }
    return sb.append("]}\n").toString();
  }

  /** The elements of a JSON array of recipients: each with its message's ID and last error. */
  private static void json(StringBuilder sb, List<Stuck> stuck) {
    String sep = "";
    for (Stuck s : stuck) {
      sb.append(sep)
          .append("{\"id\": ")
          .append(Json.str(s.message().id()))
          .append(", \"recipient\": ")
          .append(Json.str(s.recipient().address()))
          .append(", \"last_error\": ")
          .append(Json.str(s.recipient().lastError()))
          .append('}');
      sep = ", ";
    }
  }

  /** {@code s} cut to {@code max} characters, with "..." when cut. */
  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
