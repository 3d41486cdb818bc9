/**
 * Delivery notices: bounces (failure notices) and delay warnings to a message's sender, built from
 * templates ({@code Template}, masqmail's failmsg/warnmsg, built-in ones in this package's
 * resources) with the message variables ({@link masq.deliver.notice.MessageVariables}), and queued
 * as new messages in the spool.
 *
 * <p>Why a package of its own: a notice is written the same way whether the recipient failed
 * locally or over a route, and the templates' variables are the ones local delivery also expands;
 * neither needs the other's code.
 *
 * <p>Offers: {@link masq.deliver.notice.Notices} (with its {@code Item}) and {@link
 * masq.deliver.notice.MessageVariables}. May use: {@code masq.accept} (a notice is accepted like
 * any new message), {@code masq.config}, {@code masq.spool}, {@code masq.log}, {@code
 * masq.message}, {@code masq.address}, {@code masq.route} (variables).
 */
package masq.deliver.notice;
