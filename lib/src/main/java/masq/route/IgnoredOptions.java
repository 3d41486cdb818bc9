package masq.route;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import masq.Api;
import masq.MasqException;
import masq.config.Config;
import masq.config.RouteConfig;

/**
 * The masqmail options that masq accepts but ignores (lock_dir, debug_level, online_detect,
 * protocol, ...), in masq.conf and in its route files: said by {@code masq-queue check} and by a
 * command run with -v, not on every command's stderr, where a masqmail user's cron would mail them
 * and every mailq would show them. Unknown options stay warnings on every run: they are typing
 * mistakes.
 */
@Api
public final class IgnoredOptions {
  private IgnoredOptions() {}

  /**
   * Each ignored option of {@code cfg}'s file and of the route files it names, naming file and
   * line. A route file that cannot be read is left out: its fault is a warning of its own.
   */
  public static List<String> of(Config cfg) {
    List<String> out = new ArrayList<>(cfg.ignored());
    Set<Path> files = new LinkedHashSet<>(cfg.online().permanentRoutes());
    cfg.online().queryRoutes().values().forEach(files::addAll);
    for (Path p : files) {
      if (cfg.routeFileProblems().containsKey(p.toAbsolutePath().normalize())) {
        continue;
      }
      try {
        out.addAll(RouteConfig.load(p, false, RouteOption.FILE_NAMES).ignored());
      } catch (MasqException e) {
        // a bad route file: the command that uses it says so
      }
    }
    return List.copyOf(out);
  }
}
