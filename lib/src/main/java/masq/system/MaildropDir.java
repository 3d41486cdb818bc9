package masq.system;

import java.nio.file.Path;

/**
 * Where system mode's maildrop is in a spool ({@code maildrop/}, spool-format.md "The maildrop"):
 * named once, for the writers and the pickup ({@link Maildrop}) and for the status area and its
 * publisher, which look at drops without needing the pickup's code.
 */
final class MaildropDir {
  private MaildropDir() {}

  static Path of(Path spoolDir) {
    return spoolDir.resolve("maildrop");
  }
}
