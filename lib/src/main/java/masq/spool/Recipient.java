package masq.spool;

import masq.Api;

/**
 * One envelope recipient and its delivery state. {@code address} is the address as given (without
 * angle brackets); {@code parent} is the top-level recipient an alias expansion came from ("" for a
 * top-level recipient); {@code lastError} is the last failure reason, or "". {@code notifyOn} and
 * {@code orcpt} are the DSN parameters the submitter gave (RFC 3461; spool format 3): NOTIFY as
 * {@code NEVER} or a comma list of {@code SUCCESS}, {@code FAILURE}, {@code DELAY}, and ORCPT as
 * {@code TYPE;ADDRESS} (decoded), each "" when not given.
 */
@Api
public record Recipient(
    String address,
    State state,
    int tries,
    long lastAttempt,
    String parent,
    String lastError,
    String notifyOn,
    String orcpt) {

  /** A recipient without DSN parameters. */
  public Recipient(
      String address, State state, int tries, long lastAttempt, String parent, String lastError) {
    this(address, state, tries, lastAttempt, parent, lastError, "", "");
  }

  /** Where a recipient stands. */
  public enum State {
    PENDING('P', "pending"),
    DELIVERED('D', "delivered"),
    FAILED('F', "failed");

    final char code;
    final String word;

    State(char code, String word) {
      this.code = code;
      this.word = word;
    }

    public String word() {
      return word;
    }

    static State of(char c) {
      for (State s : values()) {
        if (s.code == c) {
          return s;
        }
      }
      return null;
    }
  }

  public static Recipient pending(String address) {
    return new Recipient(address, State.PENDING, 0, 0, "", "");
  }

  public boolean isPending() {
    return state == State.PENDING;
  }

  /** The last error of a remote recipient that no route has taken yet (spool-format.md). */
  public static final String NO_ROUTE = "waiting for a route";

  /**
   * How the last error of a recipient starts that no configured route accepts at all: the {@code
   * unroutable} state (spool-format.md).
   */
  public static final String UNROUTABLE = "unroutable: ";

  /** True for a pending recipient in the {@code unroutable} state. */
  public boolean unroutable() {
    return isPending() && lastError.startsWith(UNROUTABLE);
  }

  public Recipient with(State newState, long when, String error) {
    return new Recipient(
        address, newState, tries + 1, when, parent, error == null ? "" : error, notifyOn, orcpt);
  }

  /** This recipient in {@code newState} with {@code error}, its tries and last attempt kept. */
  public Recipient as(State newState, String error) {
    return new Recipient(address, newState, tries, lastAttempt, parent, error, notifyOn, orcpt);
  }

  /** This recipient with the DSN parameters {@code newNotify} and {@code newOrcpt}. */
  public Recipient withDsn(String newNotify, String newOrcpt) {
    return new Recipient(
        address, state, tries, lastAttempt, parent, lastError, newNotify, newOrcpt);
  }

  /**
   * Whether the submitter wants a notice of this kind ({@code SUCCESS}, {@code FAILURE} or {@code
   * DELAY}): without NOTIFY, failures and delays (RFC 3461's default), never successes.
   */
  public boolean wants(String kind) {
    if (notifyOn.isEmpty()) {
      return !kind.equals("SUCCESS");
    }
    return notifyOn.contains(kind);
  }
}
