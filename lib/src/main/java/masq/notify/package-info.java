/**
 * Telling the user ({@code notify_command}, masq.conf(5)): the events a user should hear of without
 * reading the log ({@link masq.notify.NotifyEvent}: a bounce sent, a recipient deferred longer than
 * {@code notify_after}, a message that waits untried, an unroutable recipient, a failing online
 * check, an AUTH or TLS failure on a route, a spool problem found by {@code masq-queue check}),
 * each given to the command in its environment ({@link masq.notify.Notifier}), detached from the
 * run and killed after {@code notify_timeout}.
 *
 * <p>May use: {@code masq.config}, {@code masq.exec}, {@code masq.log}, {@code masq.route} (command
 * words). Used by {@code masq.deliver} and the tools.
 */
package masq.notify;
