package masq.spool;

/**
 * One envelope recipient and its delivery state. {@code address} is the address as given (without
 * angle brackets); {@code parent} is the top-level recipient an alias expansion came from ("" for a
 * top-level recipient); {@code lastError} is the last failure reason, or "".
 */
public record Recipient(
    String address, State state, int tries, long lastAttempt, String parent, String lastError) {

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

  public Recipient with(State newState, long when, String error) {
    return new Recipient(address, newState, tries + 1, when, parent, error == null ? "" : error);
  }
}
