/**
 * Mail addresses: the {@link masq.address.Address} value, and the one RFC 5322 address-list reader
 * ({@link masq.address.AddressParser}, behind it {@code ListReader}) that recipient arguments,
 * {@code -t}, route conditions and rewriting all use; each element it reads is a {@link
 * masq.address.Mailbox} (readable, recovered around a fault, or unreadable with the reason). Also
 * the glob patterns of route conditions ({@link masq.address.Glob}).
 *
 * <p>May use: Mime4j (RFC 2047 decoding of encoded words in display names).
 */
package masq.address;
