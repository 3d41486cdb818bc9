/**
 * Mail addresses: the {@link masq.address.Address} value, and the one RFC 5322 address-list reader
 * ({@link masq.address.AddressParser}, behind it {@code ListReader}) that recipient arguments,
 * {@code -t}, route conditions and rewriting all use; each element it reads is a {@link
 * masq.address.Mailbox} (readable, recovered around a fault, or unreadable with the reason). Also
 * the glob patterns of route conditions ({@link masq.address.Glob}), and RFC 2047 encoded words
 * both ways ({@link masq.address.EncodedWords}: decoded in display names, encoded in the header
 * text {@code masq.message} writes).
 *
 * <p>May use: Mime4j (RFC 2047 encoded words only, loaded only for text that has or needs them).
 */
package masq.address;
