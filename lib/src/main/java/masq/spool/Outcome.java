package masq.spool;

/**
 * What one delivery attempt made of one recipient, locally (a mailbox, an MDA, a pipe) or over a
 * route: the one result type of both; the spool then records the recipient as delivered, still
 * pending, or failed ({@link Recipient.State}).
 */
public enum Outcome {
  /**
   * Written to the mailbox, taken by the MDA, or the server took responsibility (2xx after the
   * final dot), or the pipe command exited 0.
   */
  DELIVERED("=>"),
  /**
   * Try again later: 4xx, connection trouble, timeouts, TLS or AUTH trouble, exit 75, a full disk.
   */
  DEFERRED("=="),
  /** Never try again (bounce): 5xx, SIZE exceeded, connect_error_fail, no such mailbox. */
  FAILED("**");

  private final String marker;

  Outcome(String marker) {
    this.marker = marker;
  }

  /** The log marker of masq's log format: {@code =>}, {@code ==} or {@code **}. */
  public String marker() {
    return marker;
  }
}
