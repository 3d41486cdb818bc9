package masq.spool;

import masq.Api;
import masq.Exit;
import masq.MasqException;

/** A spool file that cannot be read as what it claims to be. */
@Api
public final class CorruptEntryException extends MasqException {
  private static final long serialVersionUID = 1L;

  public CorruptEntryException(String message) {
    super(Exit.DATAERR, message);
  }
}
