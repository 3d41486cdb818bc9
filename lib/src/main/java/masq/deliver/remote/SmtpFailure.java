package masq.deliver.remote;

import masq.smtp.Reply;
import masq.spool.Outcome;

/**
 * Why an SMTP exchange stopped before a message's recipients got their own results: the outcome all
 * affected recipients get and a one-line reason. Internal: the transports turn it into {@link
 * RecipientResult}s; it never leaves this package.
 */
final class SmtpFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final Outcome outcome;
  private final boolean connectionLost;

  SmtpFailure(Outcome outcome, String reason, boolean connectionLost) {
    super(reason, null, false, false);
    this.outcome = outcome;
    this.connectionLost = connectionLost;
  }

  /** The connection is gone or unusable (timeout, EOF, I/O error): defers what was left. */
  static SmtpFailure lost(String reason) {
    return new SmtpFailure(Outcome.DEFERRED, reason, true);
  }

  /** A reply that ends the session: 5xx fails, anything else defers. */
  static SmtpFailure reply(String what, Reply r) {
    Outcome o = r.isPermanent() ? Outcome.FAILED : Outcome.DEFERRED;
    return new SmtpFailure(o, what + ": " + r.oneLine(), true);
  }

  Outcome outcome() {
    return outcome;
  }

  /** True when nothing more can be sent over this connection. */
  boolean connectionLost() {
    return connectionLost;
  }
}
