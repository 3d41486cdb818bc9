/**
 * Configuration files in masqmail's syntax: the main file ({@link masq.config.Config}, every option
 * of masq.conf(5) typed, in one record per section: {@link masq.config.LocalNames}, {@link
 * masq.config.Directories}, {@link masq.config.LogSettings}, {@link masq.config.MailboxSettings},
 * {@link masq.config.OnlineSettings}, {@link masq.config.NoticeSettings}, {@link
 * masq.config.SmtpdSettings}, {@link masq.config.AcceptSettings}), a route file's raw settings
 * ({@link masq.config.RouteConfig}: read, with unknown options warned about; {@code masq.route}
 * types them), the syntax itself ({@link masq.config.ConfigSyntax}), typed values ({@link
 * masq.config.Values}), the safe reading of a file that must be a regular one ({@link
 * masq.config.RegularFile}), and the PEM certificate and key files that TLS options name ({@link
 * masq.config.PemFiles}), and the one did-you-mean of every command ({@link
 * masq.config.NearestWord}: configuration keys, options, commands, route names). A bad file is a
 * {@link masq.config.ConfigError} naming file and line (exit 78).
 *
 * <p>May use: only the JDK. Used by every other package.
 */
package masq.config;
