/**
 * The on-disk spool that every command shares (spool-format.md): {@link masq.spool.Spool} opens it,
 * commits a {@link masq.spool.NewMessage} (write, fsync, link into {@code queue/}, one group fsync
 * of the directory), locks a message per process ({@link masq.spool.MessageLock}), reads and
 * replaces its {@link masq.spool.Envelope} of {@link masq.spool.Recipient}s, and checks and repairs
 * what crashes leave ({@link masq.spool.SpoolCheck}); and {@link masq.spool.Outcome}, what one
 * delivery attempt made of a recipient, the one result type of local and remote delivery, which the
 * envelope then records. Nothing here knows what mail means beyond the envelope.
 *
 * <p>May use: Commons IO (the byte count of a message written).
 */
package masq.spool;
