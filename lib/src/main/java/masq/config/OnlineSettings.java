package masq.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import masq.Api;

/**
 * Which routes there are and how masq learns which link is up (masq.conf(5)).
 *
 * @param permanentRoutes {@code permanent_routes}: route files usable at any time
 * @param queryRoutes {@code query_routes.NAME}: route files of each link, in the order given
 * @param onlineQuery {@code online_query}: a command that prints the name of the link that is up,
 *     or null
 * @param onlineFile {@code online_file}: a file holding that name, or null
 * @param onlineQueryTimeout (masq) {@code online_query_timeout}: how long online_query may run
 *     before it is killed and nothing taken as online
 */
@Api
public record OnlineSettings(
    List<Path> permanentRoutes,
    Map<String, List<Path>> queryRoutes,
    String onlineQuery,
    Path onlineFile,
    Duration onlineQueryTimeout) {}
