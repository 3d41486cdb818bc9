package masq.deliver.remote;

import java.util.List;
import masq.address.Address;
import masq.message.Header;

/**
 * One message as it leaves over a route: the envelope (possibly rewritten for the route), the
 * header list (possibly rewritten; each {@link Header#raw()} ends in LF), and a way to open the
 * body, which is read only while it is sent and never held in memory.
 *
 * @param id the spool ID, for results and log lines
 * @param returnPath the reverse path; {@link Address#NULL} for {@code <>}
 * @param recipients the recipients to send to over this route (qualified addresses)
 * @param headers the header section to send, in order
 * @param body the body (everything after the blank line), LF line ends as in the spool
 * @param eightBit false when the message is known to hold no byte over 127 (it is sent as it is,
 *     without BODY=8BITMIME); true when it may: the SMTP client then reads it once more to know,
 *     and an 8-bit message gets BODY=8BITMIME from a server that offers 8BITMIME, or is converted
 *     to 7-bit MIME for one that does not
 * @param size the size in bytes announced with SIZE= and checked against the server's limit
 * @param receivedHost the client the message came from ($received_host for pipe), or ""
 * @param ident the ident of the local sender ($ident for pipe), or ""
 */
public record OutgoingMessage(
    String id,
    Address returnPath,
    List<Address> recipients,
    List<Header> headers,
    BodySource body,
    boolean eightBit,
    long size,
    String receivedHost,
    String ident) {

  public OutgoingMessage {
    recipients = List.copyOf(recipients);
    headers = List.copyOf(headers);
    receivedHost = receivedHost == null ? "" : receivedHost;
    ident = ident == null ? "" : ident;
  }

  /** A message without received_host and ident. */
  public static OutgoingMessage of(
      String id,
      Address returnPath,
      List<Address> recipients,
      List<Header> headers,
      BodySource body,
      boolean eightBit,
      long size) {
    return new OutgoingMessage(id, returnPath, recipients, headers, body, eightBit, size, "", "");
  }

  /** This message with another recipient list (the same body source). */
  public OutgoingMessage withRecipients(List<Address> rcpts) {
    return new OutgoingMessage(
        id, returnPath, rcpts, headers, body, eightBit, size, receivedHost, ident);
  }
}
