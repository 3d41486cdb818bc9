/**
 * Remote delivery over one route: the SMTP client (EHLO/HELO, PIPELINING, SIZE, 8BITMIME,
 * STARTTLS/SMTPS with certificate and host-name checks, AUTH PLAIN/LOGIN/CRAM-MD5), MX
 * resolution, and the wrapper and pipe transports. The option semantics are written down in
 * {@code man/masq.route.5.remote}.
 *
 * <p>The queue runner calls it like this (one call per route and run; results arrive per
 * message, so the spool can be updated before the next message goes out):
 *
 * <pre>{@code
 * RemoteSettings settings = RemoteSettings.fromRoute(routeConfig, config.hostName());
 * List<OutgoingMessage> out = new ArrayList<>();
 * for (Envelope env : lockedMessages) {
 *   List<Header> headers = rewrittenHeaders(env);            // masq.rewrite, per route
 *   out.add(new OutgoingMessage(env.id(), returnPath(env), remoteRecipients(env), headers,
 *       BodySource.inSpool(spool, env.id()), true, env.size(), env.clientAddress(), env.ident()));
 * }
 * new RemoteDelivery(settings, clock, mailLog::write).deliver(out, (msg, results) -> {
 *   for (RecipientResult r : results) {
 *     mailLog.write(r.logLine(settings.routeName()));        // ID => rcpt route=.. host=.. reply
 *     record(msg.id(), r.recipient(), r.outcome(), r.reply()); // DELIVERED / DEFERRED / FAILED
 *   }
 * });
 * }</pre>
 *
 * <p>Public: {@link masq.deliver.remote.RemoteDelivery}, {@link masq.deliver.remote.RemoteSettings},
 * {@link masq.deliver.remote.OutgoingMessage}, {@link masq.deliver.remote.BodySource},
 * {@link masq.deliver.remote.ResultSink}, {@link masq.deliver.remote.RecipientResult},
 * {@link masq.deliver.remote.Outcome}. Everything else is package-private.
 */
package masq.deliver.remote;
