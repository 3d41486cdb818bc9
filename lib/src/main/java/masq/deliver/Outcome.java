package masq.deliver;

/**
 * The result of one delivery attempt for one recipient: delivered, deferred (try again later) or
 * failed (bounce). {@code status} is the RFC 3463 enhanced status code that goes into a DSN; {@code
 * detail} says what happened, for the log and the spool.
 */
record Outcome(Kind kind, String status, String detail) {
  enum Kind {
    DELIVERED,
    DEFERRED,
    FAILED
  }

  static Outcome delivered(String how) {
    return new Outcome(Kind.DELIVERED, "2.0.0", how);
  }

  static Outcome deferred(String status, String why) {
    return new Outcome(Kind.DEFERRED, status, why);
  }

  static Outcome failed(String status, String why) {
    return new Outcome(Kind.FAILED, status, why);
  }
}
