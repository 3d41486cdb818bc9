package masq.deliver.local;

/**
 * The result of one delivery attempt for one recipient: delivered, deferred (try again later) or
 * failed (bounce). {@code status} is the RFC 3463 enhanced status code that goes into a DSN; {@code
 * detail} says what happened, for the log and the spool.
 */
public record LocalResult(Verdict kind, String status, String detail) {
  public enum Verdict {
    DELIVERED,
    DEFERRED,
    FAILED
  }

  static LocalResult delivered(String how) {
    return new LocalResult(Verdict.DELIVERED, "2.0.0", how);
  }

  static LocalResult deferred(String status, String why) {
    return new LocalResult(Verdict.DEFERRED, status, why);
  }

  public static LocalResult failed(String status, String why) {
    return new LocalResult(Verdict.FAILED, status, why);
  }
}
