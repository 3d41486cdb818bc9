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
 * One route file ({@code NAME.route}), parsed with masqmail's syntax. The names it may use are the
 * caller's ({@code masq.route.RouteOption}, where each route option is declared once, with its
 * typed interpretation): an unknown one is warned about (an error with strict loading), one of
 * masqmail's that masq ignores is told by masq-queue check and -v only.
 */
public final class RouteConfig {
  private final String name;
  private final Path file;
  private final Map<String, Setting> settings;
  private final List<String> warnings;
  private final List<String> ignored;

  /** The option names a route file may use: those read, and masqmail's that are ignored. */
  public record Names(Set<String> read, Set<String> ignored) implements OptionFile.Names {
    @Override
    public boolean reads(String name) {
      return read.contains(name);
    }

    @Override
    public boolean ignores(String name) {
      return ignored.contains(name);
    }

    @Override
    public String nearest(String name) {
      return OptionNames.nearest(name, read, Set.of());
    }

    @Override
    public String what() {
      return "route option";
    }
  }

  private RouteConfig(String name, Path file, List<Setting> list, boolean strict, Names names)
      throws MasqException {
    this.name = name;
    this.file = file;
    Map<String, Setting> map = new LinkedHashMap<>();
    List<String> warn = new ArrayList<>();
    List<String> ign = new ArrayList<>();
    for (Setting s : list) {
      String msg = OptionFile.warning(s, names);
      if (msg == null) {
        map.put(s.name(), s);
        continue;
      }
      if (strict) {
        throw new MasqException(Exit.CONFIG, msg);
      }
      (names.ignores(s.name()) ? ign : warn).add(msg);
    }
    this.settings = Collections.unmodifiableMap(map);
    this.warnings = List.copyOf(warn);
    this.ignored = List.copyOf(ign);
  }

  /**
   * Reads a route file, which must be a regular file; the route's name is the file name without its
   * {@code .route} ending. A syntax error carries the warnings about the options above it.
   */
  public static RouteConfig load(Path file, boolean strict, Names names) throws MasqException {
    Path abs = file.toAbsolutePath();
    return new RouteConfig(
        routeName(abs), abs, OptionFile.read(abs, "route file", names), strict, names);
  }

  /** Parses route-file text as if read from {@code file}. */
  public static RouteConfig parse(String text, Path file, boolean strict, Names names)
      throws MasqException {
    Path abs = file.toAbsolutePath();
    return new RouteConfig(routeName(abs), abs, OptionFile.parse(text, abs, names), strict, names);
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

  /** masqmail route options that masq accepts and ignores: said by masq-queue check and -v. */
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
  public Path path(String option) throws MasqException {
    Setting s = settings.get(option);
    return s == null ? null : Config.resolve(s, s.value());
  }
}
