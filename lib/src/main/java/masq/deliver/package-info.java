/**
 * The queue run of masq-deliver (and of masq-inject's immediate delivery): {@link
 * masq.deliver.QueueRunner} locks each spooled message, expands its recipients' aliases and hands
 * local leaves to {@code masq.deliver.local} ({@code LocalPass}), records every outcome in the
 * spool ({@code SpoolRecorder}), ends each message's attempt the same way for both passes ({@link
 * masq.deliver.Settlement}: expiry, bounces, warnings, the final state), sends notices through
 * {@code masq.deliver.notice}, and, with routes ({@link masq.deliver.RouteSelection}), sends the
 * remote recipients over them ({@code RemoteRun}, {@code RemoteMessage}, through {@code
 * masq.deliver.remote}); what stays queued is judged and told by {@code WaitWatch} (unroutable
 * recipients; the waiting and deferred events); {@code DryRun} prints what a run would do.
 *
 * <p>Why the run is its own package: it is the one place that decides what happens to a message and
 * in which order (local pass, remote pass, warnings and bounces, removal from the spool); the
 * transports and notices below it know nothing of queues, locks or retries.
 *
 * <p>Offers: {@link masq.deliver.QueueRunner}, {@link masq.deliver.RouteSelection} and {@link
 * masq.deliver.Settlement} (when a warning or bounce falls due). May use: {@code
 * masq.deliver.local}, {@code masq.deliver.notice}, {@code masq.deliver.remote}, {@code
 * masq.spool}, {@code masq.route}, {@code masq.config}, {@code masq.log}, {@code masq.message},
 * {@code masq.rewrite}, {@code masq.address}, {@code masq.exec}, {@code masq.notify}
 * (notify_command events).
 */
package masq.deliver;
