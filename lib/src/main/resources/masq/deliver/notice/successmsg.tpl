From: Mail Delivery System <MAILER-DAEMON@${host_name}>
Subject: Delivery report: message ${uid} delivered

This message was created automatically by the mail system (${package} ${version})
on ${host_name}, because you asked to be told of the delivery (DSN NOTIFY=SUCCESS).

Your message was delivered to the following address(es), or relayed to a mail
system that does not report deliveries (then it is not known whether it reached
the mailbox):

@failed_rcpts

The headers of the message are attached below.
@msg_headers
