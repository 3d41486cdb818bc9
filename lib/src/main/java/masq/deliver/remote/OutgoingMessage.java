package masq.deliver.remote;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
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
 * @param eightBit true when the message holds a byte over 127 (in its headers or body; see {@link
 *     #eightBit(InputStream)}): it then gets BODY=8BITMIME from a server that offers 8BITMIME, or
 *     is converted to 7-bit MIME for one that does not; false sends it as it is
 * @param size the size in bytes announced with SIZE= and checked against the server's limit
 * @param receivedHost the client the message came from ($received_host for pipe), or ""
 * @param ident the ident of the local sender ($ident for pipe), or ""
 * @param utf8 the message needs SMTPUTF8 (RFC 6531: an address or a header beyond ASCII): it goes
 *     only to a server that offers it, and fails with 5.6.7 for one that does not, never downgraded
 * @param mailDsn the DSN parameters of MAIL ({@code " RET=HDRS ENVID=xtext"}), or "": sent to a
 *     server that offers DSN
 * @param rcptDsn per recipient, the DSN parameters of its RCPT ({@code " NOTIFY=... ORCPT=..."})
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
    String ident,
    boolean utf8,
    String mailDsn,
    Map<Address, String> rcptDsn) {

  public OutgoingMessage {
    recipients = List.copyOf(recipients);
    headers = List.copyOf(headers);
    receivedHost = receivedHost == null ? "" : receivedHost;
    ident = ident == null ? "" : ident;
    rcptDsn = Map.copyOf(rcptDsn);
  }

  /** A message without received_host, ident, SMTPUTF8 and DSN parameters. */
  public static OutgoingMessage of(
      String id,
      Address returnPath,
      List<Address> recipients,
      List<Header> headers,
      BodySource body,
      boolean eightBit,
      long size) {
    return new OutgoingMessage(
        id, returnPath, recipients, headers, body, eightBit, size, "", "", false, "", Map.of());
  }

  /** True when one of {@code headers} holds a byte over 127. */
  public static boolean eightBit(List<Header> headers) {
    for (Header h : headers) {
      if (eightBit(h.raw())) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code s} (one char per byte) holds a byte over 127. */
  public static boolean eightBit(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when what is left of {@code in} holds a byte over 127: reads it to its end (or to the
   * first such byte). Neither masq-inject nor masq-smtpd records whether a message is 8-bit, so the
   * sender reads it (what is already in a buffer costs no I/O).
   */
  public static boolean eightBit(InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      for (int i = 0; i < n; i++) {
        if (buf[i] < 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** This message with another recipient list (the same body source). */
  public OutgoingMessage withRecipients(List<Address> rcpts) {
    return new OutgoingMessage(
        id,
        returnPath,
        rcpts,
        headers,
        body,
        eightBit,
        size,
        receivedHost,
        ident,
        utf8,
        mailDsn,
        rcptDsn);
  }
}
