package masq.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import masq.MasqException;

/**
 * What masq.conf ({@link Config}) and a route file ({@link RouteConfig}) share: reading a file's
 * statements (or text's), and the words for an option name that is not one of the file's, unknown
 * (with the nearest known name) or masqmail's and ignored. A syntax error carries the warnings
 * about the names above it.
 */
final class OptionFile {
  private OptionFile() {}

  /** The option names of one kind of file. */
  interface Names {
    /** Whether masq reads option {@code name}. */
    boolean reads(String name);

    /** Whether {@code name} is masqmail's, accepted and ignored. */
    boolean ignores(String name);

    /** The known name nearest to {@code name} when it looks like a typing mistake, or null. */
    String nearest(String name);

    /** What the warnings call an option of the file: "option" or "route option". */
    String what();
  }

  /** The statements of {@code file}, a {@code kind} ("route file") that must be a regular file. */
  static List<Setting> read(Path file, String kind, Names names) throws MasqException {
    try {
      return ConfigSyntax.read(file, kind);
    } catch (ConfigError e) {
      throw withWarnings(e, names);
    }
  }

  /** The statements of {@code text}, as if read from {@code file}. */
  static List<Setting> parse(String text, Path file, Names names) throws MasqException {
    try {
      return ConfigSyntax.parse(text, file);
    } catch (ConfigError e) {
      throw withWarnings(e, names);
    }
  }

  /** The warning for {@code s}'s name, naming file and line; null for an option masq reads. */
  static String warning(Setting s, Names names) {
    String n = s.name();
    if (names.reads(n)) {
      return null;
    }
    if (names.ignores(n)) {
      return s.where()
          + ": masqmail "
          + names.what()
          + " '"
          + n
          + "' is not applicable to masq and is ignored";
    }
    String near = names.nearest(n);
    return s.where()
        + ": unknown "
        + names.what()
        + " '"
        + ConfigSyntax.quote(n)
        + "'"
        + (near == null ? "" : " (did you mean " + near + "?)");
  }

  /** A syntax error with the warnings about the unknown options above it. */
  private static ConfigError withWarnings(ConfigError e, Names names) {
    List<String> warn = new ArrayList<>();
    for (Setting s : e.before()) {
      if (!names.reads(s.name()) && !names.ignores(s.name())) {
        warn.add(warning(s, names));
      }
    }
    return new ConfigError(e.getMessage(), warn, List.of());
  }
}
