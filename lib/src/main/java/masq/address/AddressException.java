package masq.address;

import masq.Api;
import masq.Exit;
import masq.MasqException;
import masq.Printable;

/** An address that does not parse (exit 65); the message names the address and the reason. */
@Api
public final class AddressException extends MasqException {
  private static final long serialVersionUID = 1L;

  public AddressException(String address, String reason) {
    this("invalid address '" + Printable.value(address) + "': " + reason);
  }

  private AddressException(String message) {
    super(Exit.DATAERR, message);
  }

  /**
   * An element of header {@code header}'s address list that cannot be read ({@code m} without an
   * address, or the null address where a mailbox is needed).
   */
  public static AddressException unreadable(String header, Mailbox m) {
    return new AddressException(
        "unreadable address in "
            + header
            + ": header: '"
            + Printable.value(m.address() == null ? m.text().strip() : "<>")
            + "'"
            + (m.problem() == null ? "" : " (" + m.problem() + ")"));
  }
}
