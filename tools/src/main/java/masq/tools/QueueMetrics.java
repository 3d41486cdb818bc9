package masq.tools;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import masq.spool.Envelope;

/**
 * masq-queue status --prometheus: what {@link QueueStatus} judged, in the text format Prometheus'
 * node exporter reads from its textfile collector directory (one {@code # HELP} and {@code # TYPE}
 * line per metric family, names after Prometheus' conventions: {@code masq_} prefix, base units,
 * {@code _seconds}). Every message of the queue is counted once in {@code masq_queue_messages}, by
 * its state (held, deferred, waiting for a route, or queued: not tried yet) and by the route of its
 * last remote attempt ({@code none} before the first).
 */
final class QueueMetrics {
  private QueueMetrics() {}

  private static final List<String> STATES = List.of("queued", "deferred", "waiting", "held");

  /** The metrics of {@code st}, judged over {@code all}. */
  static String of(QueueStatus st, List<Envelope> all) {
    Map<String, long[]> byRoute = new TreeMap<>(); // route -> count per state, in STATES' order
    byRoute.put("none", new long[STATES.size()]);
    // by identity: a queue of 100,000 must not cost a search of a list per message
    Set<Envelope> deferred = Collections.newSetFromMap(new IdentityHashMap<>());
    deferred.addAll(st.deferred);
    Set<Envelope> waiting = Collections.newSetFromMap(new IdentityHashMap<>());
    waiting.addAll(st.waiting);
    for (Envelope e : all) {
      int state = e.held() ? 3 : deferred.contains(e) ? 1 : waiting.contains(e) ? 2 : 0;
      byRoute.computeIfAbsent(route(e), k -> new long[STATES.size()])[state]++;
    }
    StringBuilder sb = new StringBuilder(1024);
    family(
        sb,
        "masq_queue_messages",
        "Messages in the queue, by state and by the route of their last remote attempt.");
    for (Map.Entry<String, long[]> r : byRoute.entrySet()) {
      for (int i = 0; i < STATES.size(); i++) {
        sb.append("masq_queue_messages{state=\"")
            .append(STATES.get(i))
            .append("\",route=\"")
            .append(label(r.getKey()))
            .append("\"} ")
            .append(r.getValue()[i])
            .append('\n');
      }
    }
    gauge(
        sb,
        "masq_queue_oldest_message_age_seconds",
        "Age of the oldest message that can warn or bounce (0 when none).",
        Math.max(0, st.oldest) / 1000);
    family(
        sb,
        "masq_queue_recipients_stuck",
        "Pending recipients no route accepts, and those whose last try failed at AUTH or TLS.");
    sb.append("masq_queue_recipients_stuck{reason=\"unroutable\"} ")
        .append(st.unroutable.size())
        .append('\n');
    sb.append("masq_queue_recipients_stuck{reason=\"auth_tls\"} ")
        .append(st.authTls.size())
        .append('\n');
    gauge(
        sb,
        "masq_queue_spool_problems",
        "Problems masq-queue check finds in the spool.",
        st.problems.size());
    gauge(
        sb,
        "masq_queue_online_check_failed",
        "1 when the online check (online_query) fails now.",
        st.onlineFailure == null ? 0 : 1);
    gauge(
        sb,
        "masq_queue_status",
        "The monitoring plugin's verdict: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        st.code);
    gauge(sb, "masq_queue_up", "1 when the queue could be judged.", 1);
    return sb.toString();
  }

  /** What status --prometheus prints when the queue cannot be judged. */
  static String unknown() {
    StringBuilder sb = new StringBuilder();
    gauge(
        sb,
        "masq_queue_status",
        "The monitoring plugin's verdict: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        QueueStatus.UNKNOWN);
    gauge(sb, "masq_queue_up", "1 when the queue could be judged.", 0);
    return sb.toString();
  }

  /** The route name in a {@code tried} value ({@code route=isp1 link=isp1}), or "none". */
  private static String route(Envelope e) {
    String t = e.tried();
    if (t == null) {
      return "none";
    }
    for (String w : t.split(" ")) {
      if (w.startsWith("route=")) {
        return w.substring("route=".length());
      }
    }
    return t;
  }

  private static void family(StringBuilder sb, String name, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" gauge\n");
  }

  private static void gauge(StringBuilder sb, String name, String help, long value) {
    family(sb, name, help);
    sb.append(name).append(' ').append(value).append('\n');
  }

  /** A label value as the text format writes it: backslash, quote and newline escaped. */
  private static String label(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
