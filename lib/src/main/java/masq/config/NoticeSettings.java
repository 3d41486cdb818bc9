package masq.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import masq.Api;

/**
 * When and how masq tells a sender about mail it cannot deliver (masq.conf(5)).
 *
 * @param errmsgFile {@code errmsg_file}: the bounce template, or null for the built-in one
 * @param warnmsgFile {@code warnmsg_file}: the delay-warning template, or null
 * @param warnIntervals {@code warn_intervals}: after how long a delay warning is sent, each step
 *     once
 * @param maxDeferTime {@code max_defer_time}: after how long a deferred recipient bounces
 */
@Api
public record NoticeSettings(
    Path errmsgFile, Path warnmsgFile, List<Duration> warnIntervals, Duration maxDeferTime) {}
