package masq.deliver.local;

import masq.spool.Outcome;

/**
 * The result of one delivery attempt for one recipient: delivered, deferred (try again later) or
 * failed (bounce). {@code status} is the RFC 3463 enhanced status code that goes into a DSN; {@code
 * detail} says what happened, for the log and the spool.
 */
public record LocalResult(Outcome kind, String status, String detail) {
  static LocalResult delivered(String how) {
    return new LocalResult(Outcome.DELIVERED, "2.0.0", how);
  }

  static LocalResult deferred(String status, String why) {
    return new LocalResult(Outcome.DEFERRED, status, why);
  }

  public static LocalResult failed(String status, String why) {
    return new LocalResult(Outcome.FAILED, status, why);
  }
}
