/**
 * masq-smtpd's side of SMTP (RFC 5321): one {@link masq.smtp.Session} per client, in inetd mode or
 * under a listening {@link masq.smtp.Server}; its input read in bounded lines and DATA blocks, the
 * link to the client that another thread may end (ClientLink: idle timeout, shutdown), MAIL's and
 * RCPT's parameters read by one parser (Parameters: SIZE, BODY, SMTPUTF8, RET, ENVID, NOTIFY,
 * ORCPT), the relay policy ({@link masq.smtp.RelayPolicy}), STARTTLS ({@link masq.smtp.ServerTls}),
 * SMTP AUTH ({@link masq.smtp.ServerAuth} against {@link masq.smtp.AuthUsers}) and ETRN ({@link
 * masq.smtp.EtrnCommand}, which starts runs through {@link masq.smtp.EtrnStarter}). An accepted
 * message goes to the spool through {@code masq.accept}. May use: {@code masq.accept}, {@code
 * masq.spool}, {@code masq.config}, {@code masq.route} (which domains are local), {@code
 * masq.address}, {@code masq.log}.
 */
package masq.smtp;
