package masq.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private final List<String> ignored;

  private RouteConfig(String name, Path file, List<Setting> list, boolean strict)
      throws MasqException {
    this.name = name;
    this.file = file;
    Map<String, Setting> map = new LinkedHashMap<>();
    List<String> warn = new ArrayList<>();
    List<String> ign = new ArrayList<>();
    for (Setting s : list) {
      String msg;
      if (OptionNames.ROUTE.contains(s.name())) {
        map.put(s.name(), s);
        continue;
      } else if (OptionNames.ROUTE_NOT_APPLICABLE.contains(s.name())) {
        msg =
            s.where()
                + ": masqmail route option '"
                + s.name()
                + "' is not applicable to masq and is ignored";
      } else {
        msg = unknown(s);
      }
      if (strict) {
        throw new MasqException(Exit.CONFIG, msg);
      }
      (OptionNames.ROUTE_NOT_APPLICABLE.contains(s.name()) ? ign : warn).add(msg);
    }
    this.settings = Collections.unmodifiableMap(map);
    this.warnings = List.copyOf(warn);
    this.ignored = List.copyOf(ign);
  }

  private static String unknown(Setting s) {
    String near = OptionNames.nearest(s.name(), OptionNames.ROUTE, Set.of());
    return s.where()
        + ": unknown route option '"
        + ConfigSyntax.quote(s.name())
        + "'"
        + (near == null ? "" : " (did you mean " + near + "?)");
  }

  /**
   * Reads a route file, which must be a regular file; the route's name is the file name without its
   * {@code .route} ending. A syntax error carries the warnings about the options above it.
   */
  public static RouteConfig load(Path file, boolean strict) throws MasqException {
    Path abs = file.toAbsolutePath();
    List<Setting> list;
    try {
      list = ConfigSyntax.read(abs, "route file");
    } catch (ConfigError e) {
      throw withWarnings(e);
    }
    return new RouteConfig(routeName(abs), abs, list, strict);
  }

  /** Parses route-file text as if read from {@code file}. */
  public static RouteConfig parse(String text, Path file, boolean strict) throws MasqException {
    Path abs = file.toAbsolutePath();
    List<Setting> list;
    try {
      list = ConfigSyntax.parse(text, abs);
    } catch (ConfigError e) {
      throw withWarnings(e);
    }
    return new RouteConfig(routeName(abs), abs, list, strict);
  }

  /** A syntax error with the warnings about unknown options above it. */
  private static ConfigError withWarnings(ConfigError e) {
    List<String> warn = new ArrayList<>();
    for (Setting s : e.before()) {
      if (!OptionNames.ROUTE.contains(s.name())
          && !OptionNames.ROUTE_NOT_APPLICABLE.contains(s.name())) {
        warn.add(unknown(s));
      }
    }
    return new ConfigError(e.getMessage(), warn, List.of());
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

  /** Unknown options, each naming file and line: printed by every command that reads the file. */
  public List<String> warnings() {
    return warnings;
  }

  /** masqmail route options that masq accepts and ignores: see {@link IgnoredOptions}. */
  public List<String> ignored() {
    return ignored;
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
