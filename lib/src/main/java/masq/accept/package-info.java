/**
 * Accepting a message into the spool, the one way masq-inject, sendmail, masq-smtpd and the
 * system-mode pickup take mail in: {@link masq.accept.Submission} reads the message (bounded lines,
 * dot handling), applies what accepting a message does to its header ({@link
 * masq.accept.Acceptance}: Received:, Date:, Message-ID:, From:, Envelope-To:, the recipients of
 * {@code -t}) and commits it with its envelope. May use: {@code masq.spool}, {@code masq.message},
 * {@code masq.address}, {@code masq.config}, {@code masq.log}.
 */
package masq.accept;
