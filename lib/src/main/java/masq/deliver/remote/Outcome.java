package masq.deliver.remote;

/** What became of one recipient over a route. */
public enum Outcome {
  /** The server took responsibility (2xx after the final dot), or the pipe command exited 0. */
  DELIVERED("=>"),
  /** Try again later: 4xx, connection trouble, timeouts, TLS or AUTH trouble, pipe exit 75. */
  DEFERRED("=="),
  /** Never try again over this route (bounce): 5xx, SIZE exceeded, connect_error_fail. */
  FAILED("**");

  private final String marker;

  Outcome(String marker) {
    this.marker = marker;
  }

  /** The log marker of masq's log format: {@code =>}, {@code ==} or {@code **}. */
  String marker() {
    return marker;
  }
}
