package masq.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Reads a file that must be a regular file (a configuration, route, alias, list or template file, a
 * dot-lock): anything else is refused before it is opened, so that a FIFO (whose open waits for a
 * writer, for ever), a device or a directory put where a file is expected gives an error naming
 * what it is instead of a hang or Java's "Is a directory". What is read is bounded by a cap.
 *
 * <p>Races: Java cannot open with O_NONBLOCK, so the type is checked right before the open, on the
 * same path (following a symbolic link, which may legitimately point to the real file, unless the
 * caller says NOFOLLOW_LINKS). Swapping the file for a FIFO between the check and the open takes
 * write access to its directory, which for configuration files already means control of the
 * configuration: the worst it can do is hang the command of whoever can change it anyway. Where
 * another user may own the directory (a dot-lock in a shared mail directory), the caller bounds the
 * open itself (see Mbox).
 */
public final class RegularFile {
  private RegularFile() {}

  /** The file is not a regular file; {@link #getReason} says what it is. */
  public static final class NotRegularException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    NotRegularException(Path file, String reason) {
      super(file.toString(), null, reason);
    }
  }

  /**
   * The bytes of {@code file}, which must be a regular file of at most {@code cap} bytes.
   *
   * @throws NotRegularException when it is a directory, FIFO, device or socket, or larger than cap
   * @throws IOException when it cannot be read (NoSuchFileException when it does not exist)
   */
  public static byte[] read(Path file, int cap, LinkOption... options) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, options);
    if (!a.isRegularFile()) {
      throw new NotRegularException(file, kind(file, a, options));
    }
    if (a.size() > cap) {
      throw new NotRegularException(file, "too large (over " + cap + " bytes)");
    }
    OpenOption[] open = Arrays.copyOf(options, options.length + 1, OpenOption[].class);
    open[options.length] = StandardOpenOption.READ;
    try (InputStream in = Files.newInputStream(file, open)) {
      // at most cap + 1 bytes whatever the size said: the file may grow meanwhile
      byte[] b = in.readNBytes(cap + 1);
      if (b.length > cap) {
        throw new NotRegularException(file, "too large (over " + cap + " bytes)");
      }
      return b;
    }
  }

  /** What a file that is not regular is, in words: "a directory", "not a regular file (a FIFO)". */
  static String kind(Path file, BasicFileAttributes a, LinkOption... options) {
    if (a.isDirectory()) {
      return "a directory, not a file";
    }
    if (a.isSymbolicLink()) {
      return "a symbolic link, not a file";
    }
    String what;
    try {
      int type = (Integer) Files.getAttribute(file, "unix:mode", options) & 0170000;
      what =
          switch (type) {
            case 0010000 -> " (a FIFO)";
            case 0020000 -> " (a character device)";
            case 0060000 -> " (a block device)";
            case 0140000 -> " (a socket)";
            default -> "";
          };
    } catch (IOException | RuntimeException e) {
      what = ""; // a file system without the unix view (e.g. in tests)
    }
    return "not a regular file" + what;
  }
}
