package masq.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import masq.Api;

/**
 * What masq-smtpd offers and to whom (masq.conf(5)).
 *
 * @param listenAddresses {@code listen_addresses}: where {@code masq-smtpd --listen} listens
 * @param relayNets {@code relay_nets}: client networks that may relay
 * @param doRelay {@code do_relay}: every client may relay, not only those of relay_nets
 * @param smtpTimeout {@code smtp_timeout}: how long a client may stay silent
 * @param maxRecipients {@code max_recipients}: recipients accepted in one transaction
 * @param tlsCertFile {@code tls_cert_file}: the server certificate for STARTTLS, or null
 * @param tlsKeyFile {@code tls_key_file}: its key, or null
 * @param smtpAuthFile {@code smtp_auth_file}: the users AUTH accepts (salted PBKDF2 hashes), or
 *     null: no AUTH
 */
@Api
public record SmtpdSettings(
    List<String> listenAddresses,
    List<String> relayNets,
    boolean doRelay,
    Duration smtpTimeout,
    int maxRecipients,
    Path tlsCertFile,
    Path tlsKeyFile,
    Path smtpAuthFile) {}
