package masq.route;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import masq.Api;
import masq.Exit;
import masq.MasqException;
import masq.Printable;
import masq.config.Config;
import masq.config.NearestWord;

/**
 * Finds the routes of a configuration by name: {@code permanent_routes} (tried on every run) and
 * {@code query_routes.LINK} (used while connection LINK is online), each a list of route files.
 *
 * <p>A route has two names a user may type: the connection (link) whose list names its file, and
 * the file's own name without {@code .route}. {@code --route NAME} takes either when it points one
 * way only; {@code link=NAME} and {@code route=NAME} say which is meant. An unknown name is exit 69
 * with the names that would be accepted; an ambiguous one is exit 64 with its candidates.
 */
@Api
public final class Routes {
  private static final String LINK = "link=";
  private static final String ROUTE = "route=";

  private Routes() {}

  /** The permanent routes, in the order given. */
  public static List<Route> permanent(Config cfg, boolean strict) throws MasqException {
    return load(cfg, cfg.online().permanentRoutes(), null, strict);
  }

  /**
   * The routes of connection {@code link} (as {@link #connection} gives it), each knowing its link;
   * exit 69 when the configuration has no such connection.
   */
  public static List<Route> query(Config cfg, String link, boolean strict) throws MasqException {
    List<Path> files = cfg.online().queryRoutes().get(link);
    if (files == null) {
      throw unknown(cfg, link, false);
    }
    return load(cfg, files, link, strict);
  }

  /**
   * The connection that {@code name} means for masq-deliver's {@code --route} (and names printed by
   * online_query or online_file): a {@code query_routes.NAME}, or the connection whose list holds
   * {@code NAME.route}. Exit 69 when there is none (the error lists the names accepted), 64 when
   * the name leads to two connections (the error lists them as {@code link=} forms).
   */
  public static String connection(Config cfg, String name) throws MasqException {
    Map<String, String> found = links(cfg, name);
    if (found.size() == 1) {
      return found.keySet().iterator().next();
    }
    if (found.isEmpty()) {
      throw unknown(cfg, name, false);
    }
    throw ambiguous(name, found.values());
  }

  /**
   * The one route called {@code name} (masq-rewrite's {@code --route}): a file path (containing
   * {@code /}), a route file {@code NAME.route} of permanent_routes or any query_routes list, or
   * the only route of {@code query_routes.NAME}. Exit 69 when there is none, 64 when the name is
   * ambiguous or {@code query_routes.NAME} lists several files (name one of them).
   */
  public static Route named(Config cfg, String name, boolean strict) throws MasqException {
    if (name.contains("/") && !name.startsWith(LINK) && !name.startsWith(ROUTE)) {
      return Route.load(Path.of(name), strict);
    }
    Map<Path, String> found = files(cfg, name);
    if (found.size() == 1) {
      Path p = found.keySet().iterator().next();
      refuseKnownProblem(cfg, p);
      return Route.load(p, strict);
    }
    if (!found.isEmpty()) {
      throw ambiguous(name, found.values());
    }
    List<Path> several = name.startsWith(ROUTE) ? null : cfg.online().queryRoutes().get(bare(name));
    if (several != null && several.size() > 1) {
      throw new MasqException(
          Exit.USAGE,
          "query_routes."
              + bare(name)
              + " lists "
              + several.size()
              + " route files; name one of them: "
              + String.join(", ", several.stream().map(Routes::routeName).toList()));
    }
    throw unknown(cfg, name, true);
  }

  /**
   * What {@code masq-queue hold --route NAME} pauses, as the name of its marker in the spool:
   * {@code link=LINK} for a connection ({@code query_routes.LINK}; every route of its list), {@code
   * route=NAME} for one route file ({@code NAME.route}, permanent or of a connection). A bare name
   * is a connection when there is one of that name, else a route file; {@code link=} and {@code
   * route=} say which is meant. Exit 69 when the configuration has no such connection or route (the
   * error lists the names accepted).
   */
  public static String holdKey(Config cfg, String name) throws MasqException {
    String n = bare(name);
    if (!name.startsWith(ROUTE) && cfg.online().queryRoutes().containsKey(n)) {
      return LINK + n;
    }
    if (!name.startsWith(LINK)) {
      for (Path p : all(cfg)) {
        if (routeName(p).equals(n)) {
          return ROUTE + n;
        }
      }
    }
    throw unknown(cfg, name, true);
  }

  /** The connections {@code name} leads to, each with how. */
  private static Map<String, String> links(Config cfg, String name) {
    String n = bare(name);
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<Path>> e : cfg.online().queryRoutes().entrySet()) {
      String link = e.getKey();
      if (!name.startsWith(ROUTE) && link.equals(n)) {
        out.put(link, LINK + link + " (query_routes." + link + ")");
        continue;
      }
      if (name.startsWith(LINK)) {
        continue;
      }
      for (Path p : e.getValue()) {
        if (routeName(p).equals(n)) {
          out.put(link, LINK + link + " (its route file " + p.getFileName() + ")");
          break;
        }
      }
    }
    return out;
  }

  /** The route files {@code name} leads to (absolute, normalized), each with how. */
  private static Map<Path, String> files(Config cfg, String name) {
    String n = bare(name);
    Map<Path, String> out = new LinkedHashMap<>();
    List<Path> one = name.startsWith(ROUTE) ? null : cfg.online().queryRoutes().get(n);
    if (one != null && one.size() == 1) {
      out.put(norm(one.get(0)), LINK + n + " (" + one.get(0) + ")");
    }
    if (!name.startsWith(LINK)) {
      for (Path p : all(cfg)) {
        if (routeName(p).equals(n)) {
          out.putIfAbsent(norm(p), ROUTE + n + " (" + p + ")");
        }
      }
    }
    return out;
  }

  private static MasqException ambiguous(String name, Collection<String> candidates) {
    return new MasqException(
        Exit.USAGE,
        "ambiguous route '"
            + Printable.value(name)
            + "': "
            + String.join(" or ", candidates)
            + "; name one of these");
  }

  /** Exit 69 for {@code name}, with every name the command would accept. */
  private static MasqException unknown(Config cfg, String name, boolean anyRoute) {
    List<String> known = new ArrayList<>();
    List<String> permanent =
        cfg.online().permanentRoutes().stream().map(Routes::routeName).toList();
    List<String> names = new ArrayList<>(anyRoute ? permanent : List.of());
    for (Map.Entry<String, List<Path>> e : cfg.online().queryRoutes().entrySet()) {
      names.add(e.getKey());
      e.getValue().forEach(p -> names.add(routeName(p)));
    }
    for (String n : names) {
      if (!known.contains(n) && (anyRoute ? files(cfg, n) : links(cfg, n)).size() == 1) {
        known.add(n);
      }
    }
    String where = cfg.file() == null ? "the configuration" : cfg.file().toString();
    String near = NearestWord.of(bare(name), known);
    String why =
        known.isEmpty()
            ? (anyRoute ? "no routes in " : "no query_routes in ") + where
            : (near == null ? "" : "did you mean " + near + "? ")
                + "known: "
                + String.join(", ", known);
    if (!anyRoute && permanent.contains(bare(name))) {
      why = "a permanent route is used on every run without --route; " + why;
    }
    return new MasqException(
        Exit.UNAVAILABLE, "unknown route '" + Printable.value(name) + "' (" + why + ")");
  }

  private static List<Path> all(Config cfg) {
    List<Path> all = new ArrayList<>(cfg.online().permanentRoutes());
    cfg.online().queryRoutes().values().forEach(all::addAll);
    return all;
  }

  private static List<Route> load(Config cfg, List<Path> files, String link, boolean strict)
      throws MasqException {
    List<Route> out = new ArrayList<>();
    for (Path p : files) {
      refuseKnownProblem(cfg, p);
      out.add(Route.load(p, link, strict));
    }
    return List.copyOf(out);
  }

  /**
   * A route file that loading the configuration found missing or not a regular file is refused with
   * the configuration's line for it (option, masq.conf line, file): one line for one fault.
   */
  private static void refuseKnownProblem(Config cfg, Path p) throws MasqException {
    String problem = cfg.routeFileProblems().get(norm(p));
    if (problem != null) {
      throw new MasqException(Exit.CONFIG, problem);
    }
  }

  /**
   * The route files (absolute, normalized) a queue run loads: the permanent routes, and those of
   * the connection {@code name} leads to (none when name is null or leads nowhere one way).
   */
  public static Set<Path> filesOfRun(Config cfg, String name) {
    Set<Path> out = new LinkedHashSet<>();
    cfg.online().permanentRoutes().forEach(p -> out.add(norm(p)));
    Map<String, String> found = name == null ? Map.of() : links(cfg, name);
    if (found.size() == 1) {
      cfg.online()
          .queryRoutes()
          .get(found.keySet().iterator().next())
          .forEach(p -> out.add(norm(p)));
    }
    return out;
  }

  /** The route file (absolute, normalized) that {@link #named} loads for {@code name}, if any. */
  public static Set<Path> fileNamed(Config cfg, String name) {
    Map<Path, String> found = files(cfg, name);
    return found.size() == 1 ? found.keySet() : Set.of();
  }

  /** {@code name} without a {@code link=} or {@code route=} prefix. */
  private static String bare(String name) {
    if (name.startsWith(LINK)) {
      return name.substring(LINK.length());
    }
    return name.startsWith(ROUTE) ? name.substring(ROUTE.length()) : name;
  }

  private static Path norm(Path p) {
    return p.toAbsolutePath().normalize();
  }

  private static String routeName(Path p) {
    String n = p.getFileName() == null ? p.toString() : p.getFileName().toString();
    return n.endsWith(".route") ? n.substring(0, n.length() - ".route".length()) : n;
  }
}
