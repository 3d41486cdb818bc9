package masq.config;

import java.nio.file.Path;

/** One {@code name = value} statement of a configuration or route file, with where it stood. */
public record Setting(String name, String value, Path file, int line) {
  /** {@code file:line}, for error messages. */
  public String where() {
    return file + ":" + line;
  }
}
