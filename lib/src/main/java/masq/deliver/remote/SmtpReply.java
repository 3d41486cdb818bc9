package masq.deliver.remote;

import java.util.List;
import masq.spool.Outcome;

/**
 * One SMTP reply: its three-digit code and its text lines (without the code and separator). Made
 * only by {@link SmtpConnection#readReply}, which has checked the syntax.
 */
record SmtpReply(int code, List<String> lines) {
  SmtpReply {
    lines = List.copyOf(lines);
  }

  boolean positive() {
    return code / 100 == 2;
  }

  boolean transient4xx() {
    return code / 100 == 4;
  }

  boolean permanent5xx() {
    return code / 100 == 5;
  }

  /** The outcome a recipient gets from this reply: 2xx delivered, 5xx failed, else deferred. */
  Outcome outcome() {
    return positive() ? Outcome.DELIVERED : permanent5xx() ? Outcome.FAILED : Outcome.DEFERRED;
  }

  /** The reply on one line, {@code 250 text; more text}, for logs and results. */
  String oneLine() {
    StringBuilder sb = new StringBuilder().append(code);
    String sep = " ";
    for (String l : lines) {
      if (!l.isEmpty()) {
        sb.append(sep).append(l);
        sep = "; ";
      }
    }
    return sb.toString();
  }
}
