package masq.config;

import java.util.List;
import masq.Api;

/**
 * What masq takes in and what it does right after (masq.conf(5)).
 *
 * @param maxMsgSize {@code max_msg_size}: largest accepted body in bytes; 0 means no limit
 * @param trustedUsers {@code trusted_users}: users besides root who may set the sender with -f
 * @param doQueue {@code do_queue}: accepted mail only queued, never delivered at once
 * @param doSaveEnvelopeTo {@code do_save_envelope_to}: an incoming Envelope-To: header is kept as
 *     X-Orig-Envelope-To:
 */
@Api
public record AcceptSettings(
    long maxMsgSize, List<String> trustedUsers, boolean doQueue, boolean doSaveEnvelopeTo) {}
