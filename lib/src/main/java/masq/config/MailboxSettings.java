package masq.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import masq.Api;

/**
 * How mail for local users is delivered (masq.conf(5)): mailbox kinds, the MDA, aliases.
 *
 * @param mboxDefault {@code mbox_default}: mbox, mda or maildir
 * @param mboxUsers {@code mbox_users}: users delivered to mbox whatever the default
 * @param mdaUsers {@code mda_users}: users delivered through the MDA
 * @param maildirUsers {@code maildir_users}: users delivered to a Maildir
 * @param maildirPath {@code maildir_path}: a user's Maildir, with variables
 * @param mda {@code mda}: the MDA command line, or null
 * @param mdaFromline {@code mda_fromline}: an mbox From_ line before the message for the MDA
 * @param mdaFromhack {@code mda_fromhack}: body lines starting "From " quoted for the MDA
 * @param pipeFromline {@code pipe_fromline}: the same for pipes of aliases
 * @param pipeFromhack {@code pipe_fromhack}: the same for pipes of aliases
 * @param mdaTimeout (masq) {@code mda_timeout}: how long an MDA or pipe command may run before it
 *     is killed and the mail deferred
 * @param aliasFile {@code alias_file}, or null
 * @param globaliasFile {@code globalias_file}, or null
 * @param caselessMatching {@code caseless_matching}: local parts and aliases matched regardless of
 *     case
 * @param logUser {@code log_user}: a user who gets a copy of every message delivered, or null
 * @param deferAll {@code defer_all}: every local delivery is deferred (for tests)
 */
@Api
public record MailboxSettings(
    String mboxDefault,
    List<String> mboxUsers,
    List<String> mdaUsers,
    List<String> maildirUsers,
    String maildirPath,
    String mda,
    boolean mdaFromline,
    boolean mdaFromhack,
    boolean pipeFromline,
    boolean pipeFromhack,
    Duration mdaTimeout,
    Path aliasFile,
    Path globaliasFile,
    boolean caselessMatching,
    String logUser,
    boolean deferAll) {}
