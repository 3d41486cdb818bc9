/**
 * The mail log ({@link masq.log.MailLog}): one line per event in {@code log_dir/masq.log}, or on
 * standard error with {@code log_dir = ""}, and to syslog through logger(1) with {@code
 * use_syslog}. May use: {@code masq.exec} (for logger).
 */
package masq.log;
