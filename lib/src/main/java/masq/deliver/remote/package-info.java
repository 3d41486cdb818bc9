/**
 * Remote delivery over one route: the SMTP client (EHLO/HELO, PIPELINING, SIZE, 8BITMIME,
 * STARTTLS/SMTPS with certificate and host-name checks or pinned fingerprints and a client
 * certificate, opportunistic STARTTLS for direct delivery, AUTH SCRAM-SHA-256/CRAM-MD5/PLAIN/LOGIN
 * and XOAUTH2/OAUTHBEARER with the secret from the route, a file or a command, the provider limits
 * that split transactions and connections), MX resolution, and the wrapper and pipe transports, by
 * the route's {@link masq.route.RouteTransport} options (masq.route(5) gives their meaning and
 * defaults).
 *
 * <p>{@code masq.deliver.RemoteRun} calls it once per route and queue run, with every locked
 * message that has recipients for the route; results arrive per message, so the spool is updated
 * before (or while) the next message goes out:
 *
 * <pre>{@code
 * RemoteSettings settings = RemoteSettings.fromRoute(route, config.names().hostName(), runSecrets);
 * new RemoteDelivery(settings, clock, mailLog::write).deliver(outgoing, (msg, results) -> {
 *   for (RecipientResult r : results) {
 *     mailLog.write(r.logLine(route.tag()));   // ID => rcpt route=.. link=.. host=.. reply
 *   }
 *   record(msg.id(), results);                   // D / F / P in the envelope
 * });
 * }</pre>
 *
 * <p>Public: {@link masq.deliver.remote.RemoteDelivery}, {@link
 * masq.deliver.remote.RemoteSettings}, {@link masq.deliver.remote.OutgoingMessage}, {@link
 * masq.deliver.remote.BodySource}, {@link masq.deliver.remote.ResultSink}, {@link
 * masq.deliver.remote.RecipientResult} (with its {@link masq.spool.Outcome}), {@link
 * masq.deliver.remote.AuthSecrets} (one per queue run, forgotten at its end), and {@link
 * masq.deliver.remote.LinkProbe} (online_probe: does a route's server answer?). Everything else is
 * package-private.
 *
 * <p>May use: {@code masq.route} (the route's options), {@code masq.address}, {@code masq.message},
 * {@code masq.config}, {@code masq.exec}, {@code masq.spool} (a queued message's body), {@code
 * masq.smtp} (the one SMTP reply type, {@link masq.smtp.Reply}), Mime4j and Commons IO (the 8-bit
 * to 7-bit conversion and its size). Used by {@code masq.deliver}.
 */
package masq.deliver.remote;
