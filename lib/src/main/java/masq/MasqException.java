package masq;

/**
 * An error that ends a command with a one-line message and a sysexits(3) code. Everything a user
 * can cause (bad input, bad config, a busy or full spool) is reported through this type, so the
 * tools never show a stack trace for it.
 */
@Api
public class MasqException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public MasqException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public MasqException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The sysexits(3) code the command exits with; see {@link Exit}. */
  public int exitCode() {
    return exitCode;
  }
}
