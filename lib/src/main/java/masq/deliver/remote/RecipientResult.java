package masq.deliver.remote;

import masq.address.Address;
import masq.spool.Outcome;

/**
 * The result for one recipient of one message over one route.
 *
 * @param messageId the spool ID of the message
 * @param recipient the recipient as it was sent
 * @param outcome delivered, deferred or failed
 * @param host who answered: {@code name [address]:port}, {@code wrapper 'cmd'} or {@code pipe
 *     'cmd'}; the name alone when no connection was made
 * @param reply the server's reply on one line (e.g. {@code 550 5.1.1 unknown user}), or a one-line
 *     reason of masq's own (e.g. {@code connection refused})
 * @param tls over an SMTP connection to a TCP peer, the TLS protocol it used ({@code TLSv1.3}) or
 *     {@code none}; null when no such connection carried it (a wrapper, a pipe, no connection)
 * @param dsnPassed the server offered DSN, so the recipient's NOTIFY went with it (RFC 3461): the
 *     next hop reports a success, masq does not
 */
public record RecipientResult(
    String messageId,
    Address recipient,
    Outcome outcome,
    String host,
    String reply,
    String tls,
    boolean dsnPassed) {

  /** A result without a TLS outcome to tell, from a next hop that was not asked for DSN. */
  public RecipientResult(
      String messageId, Address recipient, Outcome outcome, String host, String reply) {
    this(messageId, recipient, outcome, host, reply, null, false);
  }

  /**
   * The text of the log line for this result, after the timestamp and pid that MailLog adds: {@code
   * ID => rcpt route=NAME link=LINK host=HOST tls=TLS reply}, without {@code tls=} when {@link
   * #tls} is null.
   *
   * @param route how the route is named: {@code route=NAME}, with {@code link=LINK} for a query
   *     route (masq.route.Route#tag)
   */
  public String logLine(String route) {
    return messageId
        + " "
        + outcome.marker()
        + " "
        + recipient
        + " "
        + route
        + " host="
        + host
        + (tls == null ? " " : " tls=" + tls + " ")
        + reply;
  }
}
