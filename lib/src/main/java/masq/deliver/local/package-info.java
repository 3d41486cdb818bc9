/**
 * Local delivery of one message to one recipient: alias expansion ({@link
 * masq.deliver.local.Aliases}) and the local transports it leads to — an mbox ({@code Mbox}, with
 * its dot-lock and crash safety), a Maildir folder ({@code Maildir}), the MDA or a {@code |pipe}
 * ({@code PipeCommand}) and a {@code /file} ({@code Mbox}, or in system mode the hidden {@link
 * masq.deliver.local.FileAppend} program run as the recipient).
 *
 * <p>Why a package of its own: these classes write into mailboxes and run programs as users; they
 * need the configuration, the spooled message and the system's users, never the queue run, the
 * routes or the notices. Kept apart, the code that can touch a user's mailbox is the code in this
 * directory, and {@link masq.deliver.local.LocalDelivery} (which picks the transport for a leaf of
 * an expansion) is the only way in.
 *
 * <p>Offers: {@link masq.deliver.local.LocalDelivery}, {@link masq.deliver.local.LocalResult} (what
 * one attempt did), {@link masq.deliver.local.Aliases} (with its leaves), and {@code FileAppend}'s
 * {@code main}. May use: {@code masq.config}, {@code masq.spool}, {@code masq.address}, {@code
 * masq.route} (variables and words), {@code masq.exec}, {@code masq.deliver.notice} (the message
 * variables).
 */
package masq.deliver.local;
