package masq.message;

import masq.Api;
import masq.Exit;
import masq.MasqException;

/** Input that cannot be accepted as a message (exit 65, or 66 for an empty one). */
@Api
public final class MessageFormatException extends MasqException {
  private static final long serialVersionUID = 1L;

  public MessageFormatException(String message) {
    super(Exit.DATAERR, message);
  }

  public MessageFormatException(int exitCode, String message) {
    super(exitCode, message);
  }
}
