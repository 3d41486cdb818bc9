/**
 * System mode ({@code run_as_user = false}): how ordinary users who may neither write nor read
 * mail's queue still send mail and manage what is theirs. Layout and trust rules: spool-format.md,
 * "The maildrop" and "The per-user status area".
 *
 * <ul>
 *   <li>{@link masq.system.Maildrop}: a user's masq-inject writes a drop file into {@code
 *       maildrop/} ({@link masq.system.DropRequest} is what it carries); masq-deliver, as mail or
 *       root, picks the drops up into the queue, the file's owner being the sender;
 *   <li>{@link masq.system.UserStatusArea}: the user's side of {@code users/UID} (notes of drops,
 *       the view read as a {@link masq.system.UserStatus} of {@link masq.system.PendingDrop}s and
 *       {@link masq.system.DropRefusal}s, requests left for the next run);
 *   <li>{@link masq.system.StatusPublisher}: mail's side of {@code users/} (notes of what the
 *       pickup did, requests carried out, each user's view published, the entries no run can use);
 *   <li>{@link masq.system.QueueOperation}: remove, hold and release of one queued message, done at
 *       once by masq-queue as mail or root, or asked for by a user.
 * </ul>
 *
 * <p>May use: {@code masq.spool} (the queue, its locks, {@code tmp/} and {@code corrupt/}), {@code
 * masq.accept} (a picked-up drop is accepted as any local submission), {@code masq.config}, {@code
 * masq.address}, {@code masq.message}, {@code masq.log}. Only {@code masq.tools} uses it. Public:
 * the classes named above, and of them only what masq-inject, masq-queue and masq-deliver call.
 */
package masq.system;
