/**
 * The commands, one small class each: {@link masq.tools.Inject} (masq-inject), {@link
 * masq.tools.Sendmail} (sendmail and masqmail's other names), {@link masq.tools.Smtpd}
 * (masq-smtpd), {@link masq.tools.Deliver} (masq-deliver), {@link masq.tools.QueueTool}
 * (masq-queue) and {@link masq.tools.Rewrite} (masq-rewrite), on a common {@link masq.tools.Tool}
 * (configuration, spool, log, exit codes). Each defines its options once ({@code OptionDef}: --help
 * is made from them) and reads its command line (Commons CLI through {@code CliParser}, or
 * sendmail's own grammar for masq-inject and sendmail), calls into {@code lib}'s packages and turns
 * every failure into one line and a sysexits code. Also {@code ImmediateDelivery} (the detached
 * masq-deliver run after accepting mail) and {@code Train} (the workload the start-up caches are
 * made from). Nothing in {@code lib} uses it.
 *
 * <p>May use: {@code masq.accept}, {@code masq.address}, {@code masq.config}, {@code masq.deliver},
 * {@code masq.log}, {@code masq.message}, {@code masq.notify}, {@code masq.rewrite}, {@code
 * masq.route}, {@code masq.smtp}, {@code masq.spool}, {@code masq.system}, Commons CLI.
 */
package masq.tools;
