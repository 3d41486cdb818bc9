/**
 * Messages as RFC 5322 text: reading one from a stream ({@link masq.message.MessageReader}, the
 * project's one header reader: masqmail's accept rules for new mail, or verbatim for a filter),
 * header fields ({@link masq.message.Header}), writing header values safely ({@link
 * masq.message.HeaderValues}, with RFC 2047 encoded words from {@code masq.address}), and dates
 * ({@link masq.message.RfcDate}, and {@link masq.message.LocalOffset} for the local offset without
 * the JDK's time zone database).
 *
 * <p>It knows nothing of envelopes, the spool or delivery; what happens to a message when it is
 * accepted is {@code masq.accept}'s. May use: {@code masq} (exit codes), {@code masq.address} (the
 * strict UTF-8 reading of header values, the RFC 2047 encoder, off masq-inject's plain path), the
 * JDK.
 */
package masq.message;
