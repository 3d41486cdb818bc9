From: Mail Delivery System <MAILER-DAEMON@${host_name}>
Subject: Warning: message ${uid} delayed

This message was created automatically by the mail system (${package} ${version})
on ${host_name}.

A message that you sent has not yet been delivered to one or more of its
recipients. The mail system will keep trying; you will be told if it finally
gives up. You do not need to send the message again.

The following address(es) are delayed:

@failed_rcpts

The headers of the message are attached below.
@msg_headers
