package masq.config;

import java.time.Duration;
import masq.Api;

/**
 * (masq) What the user hears of, and how (masq.conf(5), NOTIFICATIONS; masq.notify runs it).
 *
 * @param notifyCommand {@code notify_command}: the command run on a bounce, a long deferral, mail
 *     that waits untried or is unroutable, a failing online check, an AUTH or TLS failure or a
 *     spool problem; null for none
 * @param notifyAfter {@code notify_after} (default 1h): how long a recipient may be deferred before
 *     the command hears of it, and again at most once per such interval
 * @param notifyTimeout {@code notify_timeout} (default 30s): how long the command may run before it
 *     is killed
 */
@Api
public record NotifySettings(String notifyCommand, Duration notifyAfter, Duration notifyTimeout) {}
