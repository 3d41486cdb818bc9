package masq.config;

import java.nio.file.Path;
import masq.Api;

/**
 * Where masq keeps its files (masq.conf(5)); single-user defaults live under {@code
 * $XDG_STATE_HOME/masq}.
 *
 * @param spoolDir {@code spool_dir}: the spool (spool-format.md)
 * @param mailDir {@code mail_dir}: where mbox mailboxes are
 * @param lockDir {@code lock_dir}: read for masqmail's sake; messages are locked in the spool
 * @param pidDir {@code pid_dir}: where {@code masq-smtpd --listen} writes its pid file
 */
@Api
public record Directories(Path spoolDir, Path mailDir, Path lockDir, Path pidDir) {}
