package masq.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;

/**
 * One route file ({@code NAME.route}), parsed with masqmail's syntax. Every route option of
 * masq.route(5) is recognised; unknown ones are warned about (an error with strict loading). Typed
 * interpretation of the options belongs to {@code masq.route}.
 */
public final class RouteConfig {
  private final String name;
  private final Path file;
  private final Map<String, Setting> settings;
  private final List<String> warnings;

  private RouteConfig(String name, Path file, List<Setting> list, boolean strict)
      throws MasqException {
    this.name = name;
    this.file = file;
    Map<String, Setting> map = new LinkedHashMap<>();
    List<String> warn = new ArrayList<>();
    for (Setting s : list) {
      String msg;
      if (Options.ROUTE.contains(s.name())) {
        map.put(s.name(), s);
        continue;
      } else if (Options.ROUTE_NOT_APPLICABLE.contains(s.name())) {
        msg =
            s.where()
                + ": masqmail route option '"
                + s.name()
                + "' is not applicable to masq and is ignored";
      } else {
        msg = s.where() + ": unknown route option '" + s.name() + "'";
      }
      if (strict) {
        throw new MasqException(Exit.CONFIG, msg);
      }
      warn.add(msg);
    }
    this.settings = Collections.unmodifiableMap(map);
    this.warnings = List.copyOf(warn);
  }

  /** Reads a route file; the route's name is the file name without its {@code .route} ending. */
  public static RouteConfig load(Path file, boolean strict) throws MasqException {
    Path abs = file.toAbsolutePath();
    return new RouteConfig(routeName(abs), abs, ConfigSyntax.read(abs), strict);
  }

  /** Parses route-file text as if read from {@code file}. */
  public static RouteConfig parse(String text, Path file, boolean strict) throws MasqException {
    Path abs = file.toAbsolutePath();
    return new RouteConfig(routeName(abs), abs, ConfigSyntax.parse(text, abs), strict);
  }

  private static String routeName(Path file) {
    String n = file.getFileName().toString();
    return n.endsWith(".route") ? n.substring(0, n.length() - ".route".length()) : n;
  }

  public String name() {
    return name;
  }

  public Path file() {
    return file;
  }

  public List<String> warnings() {
    return warnings;
  }

  /** The statement for a route option, or null when the file does not set it. */
  public Setting setting(String option) {
    return settings.get(option);
  }

  /** Every option the file sets, in file order. */
  public Map<String, Setting> settings() {
    return settings;
  }

  /** A file name option, resolved against the route file's directory. */
  public Path path(String option) {
    Setting s = settings.get(option);
    return s == null ? null : Config.resolve(s, s.value());
  }
}
