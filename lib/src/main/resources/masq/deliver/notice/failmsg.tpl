From: Mail Delivery System <MAILER-DAEMON@${host_name}>
Subject: Mail delivery failed: returning message to sender

This message was created automatically by the mail system (${package} ${version})
on ${host_name}.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

@failed_rcpts

The message had the identifier ${uid}. A copy of it is attached below.
@msg_body
