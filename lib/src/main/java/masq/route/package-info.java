/**
 * Routes (masq.route(5)): which route files apply ({@link masq.route.Routes}: permanent_routes,
 * query_routes.LINK, a route named on the command line), and each route typed once ({@link
 * masq.route.Route}) with its three parts as records: the conditions (who may use it, answered by
 * {@link masq.route.Route#admits}), the rewriting maps ({@link masq.route.RouteMaps}) and the
 * transport options ({@link masq.route.RouteTransport}, its AUTH options {@link
 * masq.route.RouteAuth}, and the enums {@link masq.route.TlsMode}, {@link masq.route.AuthMechanism}
 * and {@link masq.route.Resolver}), and the link options ({@link masq.route.LinkPolicy}:
 * online_probe, max_size). Each option is declared once, in {@link masq.route.RouteOption}, from
 * which the names a route file may use are derived; the masqmail options masq accepts and ignores
 * are said by masq-queue check and -v only ({@link masq.route.IgnoredOptions}). The defaults of
 * masq.route(5) are written here and nowhere else. Also the helpers routes and deliveries share:
 * which addresses are local ({@link masq.route.Locality}), command words ({@link masq.route.Words})
 * and their {@code $variables} ({@link masq.route.Variables}).
 *
 * <p>May use: {@code masq.config} (a route file's raw settings), {@code masq.address}, {@code
 * masq.message}. Used by {@code masq.rewrite}, {@code masq.deliver} (and its transport, {@code
 * masq.deliver.remote}), {@code masq.smtp} and the tools.
 */
package masq.route;
