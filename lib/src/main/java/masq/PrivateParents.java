package masq;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes the missing directories that lead to a private file or directory (the spool's and the log's
 * in single-user mode, such as {@code ~/.local/state/masq}) 0700 whatever the umask, as the XDG
 * base directory specification asks; directories that exist keep their modes.
 */
public final class PrivateParents {
  private PrivateParents() {}

  private static final FileAttribute<?> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  /** Makes {@code dir} and its missing parents, each new one 0700 (on a POSIX file system). */
  public static void create(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      return;
    }
    Path parent = abs.getParent();
    if (parent != null) {
      create(parent);
    }
    boolean posix = abs.getFileSystem().supportedFileAttributeViews().contains("posix");
    try {
      if (posix) {
        Files.createDirectory(abs, PRIVATE);
      } else {
        Files.createDirectory(abs);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(abs)) {
        throw e; // a file where a directory belongs: the caller's next step names it
      }
    }
  }
}
