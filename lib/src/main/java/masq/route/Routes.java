package masq.route;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
import masq.config.Config;

/**
 * Finds the routes of a configuration: {@code permanent_routes} (tried on every run) and {@code
 * query_routes.NAME} (used while connection NAME is online), each a list of route files.
 */
public final class Routes {
  private Routes() {}

  /** The permanent routes, in the order given. */
  public static List<Route> permanent(Config cfg, boolean strict) throws MasqException {
    return load(cfg.permanentRoutes(), strict);
  }

  /** The routes of connection {@code name}; exit 69 when the configuration has no such one. */
  public static List<Route> query(Config cfg, String name, boolean strict) throws MasqException {
    List<Path> files = cfg.queryRoutes().get(name);
    if (files == null) {
      throw new MasqException(
          Exit.UNAVAILABLE, "no route " + name + " (known: " + known(cfg) + ")");
    }
    return load(files, strict);
  }

  /**
   * The one route called {@code name}: a file path (containing {@code /}), else the route whose
   * file is {@code name.route} in permanent_routes or any query_routes list, else the only route of
   * {@code query_routes.NAME}. Exit 69 when there is none, 64 when {@code query_routes.NAME} lists
   * several files (name one of them).
   */
  public static Route named(Config cfg, String name, boolean strict) throws MasqException {
    if (name.contains("/")) {
      return Route.load(Path.of(name), strict);
    }
    List<Path> all = new ArrayList<>(cfg.permanentRoutes());
    for (List<Path> l : cfg.queryRoutes().values()) {
      all.addAll(l);
    }
    for (Path p : all) {
      if (p.getFileName() != null && p.getFileName().toString().equals(name + ".route")) {
        return Route.load(p, strict);
      }
    }
    List<Path> files = cfg.queryRoutes().get(name);
    if (files != null && files.size() == 1) {
      return Route.load(files.get(0), strict);
    }
    if (files != null && !files.isEmpty()) {
      throw new MasqException(
          Exit.USAGE,
          "query_routes."
              + name
              + " lists "
              + files.size()
              + " route files; name one of them: "
              + String.join(", ", files.stream().map(Path::toString).toList()));
    }
    throw new MasqException(Exit.UNAVAILABLE, "no route " + name + " (known: " + known(cfg) + ")");
  }

  private static List<Route> load(List<Path> files, boolean strict) throws MasqException {
    List<Route> out = new ArrayList<>();
    for (Path p : files) {
      out.add(Route.load(p, strict));
    }
    return List.copyOf(out);
  }

  private static String known(Config cfg) {
    List<String> names = new ArrayList<>();
    for (Path p : cfg.permanentRoutes()) {
      names.add(routeName(p));
    }
    for (Map.Entry<String, List<Path>> e : cfg.queryRoutes().entrySet()) {
      names.add(e.getKey());
      for (Path p : e.getValue()) {
        String n = routeName(p);
        if (!names.contains(n)) {
          names.add(n);
        }
      }
    }
    return names.isEmpty() ? "none configured" : String.join(", ", names);
  }

  private static String routeName(Path p) {
    String n = p.getFileName() == null ? p.toString() : p.getFileName().toString();
    return n.endsWith(".route") ? n.substring(0, n.length() - ".route".length()) : n;
  }
}
