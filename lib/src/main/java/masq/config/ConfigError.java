package masq.config;

import java.util.List;
import masq.Api;
import masq.Exit;
import masq.MasqException;

/**
 * A configuration or route file that cannot be used (exit 78), with the warnings found in the same
 * file before the error (unknown options above a syntax error), so that a command prints them too
 * instead of losing them with the file.
 */
@Api
public final class ConfigError extends MasqException {
  private static final long serialVersionUID = 1L;

  /** Warnings about the file, each naming file and line; said before the error. */
  private final List<String> warnings;

  /** What parsed before the error, for the warnings that the caller can still find there. */
  private final transient List<Setting> before;

  ConfigError(String message, List<String> warnings, List<Setting> before) {
    super(Exit.CONFIG, message);
    this.warnings = List.copyOf(warnings);
    this.before = List.copyOf(before);
  }

  /** {@code e} (exit 78) with the warnings found in the file before it. */
  static ConfigError of(MasqException e, List<String> warnings) {
    return new ConfigError(e.getMessage(), warnings, List.of());
  }

  public List<String> warnings() {
    return warnings;
  }

  List<Setting> before() {
    return before;
  }
}
