package masq.config;

import java.nio.file.Path;
import masq.Api;

/**
 * Where the mail log goes (masq.conf(5)).
 *
 * @param logDir {@code log_dir}: where masq.log is written; null when the log goes to standard
 *     error instead
 * @param logToStderr {@code log_dir = ""} (masqmail 1.0): the log goes to standard error
 * @param useSyslog {@code use_syslog}: the log goes to syslog too
 */
@Api
public record LogSettings(Path logDir, boolean logToStderr, boolean useSyslog) {}
