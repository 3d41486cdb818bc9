package masq.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import masq.Exit;
import masq.MasqException;

/**
 * The markers of {@code masq-queue hold --route} in {@code held-routes/} (spool-format.md, "Held
 * routes"): one empty file per held route, named {@code link=LINK} or {@code route=NAME}.
 */
final class HeldRoutes {
  private static final String DIR = "held-routes";

  private final SpoolLayout disk;

  HeldRoutes(SpoolLayout disk) {
    this.disk = disk;
  }

  /** The names of the markers; empty when there is none (one failed stat on every run). */
  Set<String> names() throws IOException {
    Path d = disk.root().resolve(DIR);
    if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
      return Set.of();
    }
    Set<String> out = new TreeSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (isName(n)) {
          out.add(n);
        }
      }
    }
    return out;
  }

  /**
   * Puts the marker {@code key} in {@code held-routes/} (made 0700 when missing; the marker is an
   * empty file, 0600). False when it was there already.
   */
  boolean hold(String key) throws MasqException, IOException {
    Path d = disk.root().resolve(DIR);
    if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
      disk.makeDirectory(d, disk.dirMode());
    }
    Path marker = d.resolve(checked(key));
    try (FileChannel ch = FileChannel.open(marker, SpoolLayout.NEW_FILE, disk.fileMode())) {
      ch.force(true);
    } catch (FileAlreadyExistsException e) {
      return false;
    }
    disk.adopt(marker);
    new DirSync(d, disk.fsync()).sync();
    return true;
  }

  /** Removes the marker {@code key}; false when there was none. */
  boolean release(String key) throws MasqException, IOException {
    Path d = disk.root().resolve(DIR);
    if (!Files.deleteIfExists(d.resolve(checked(key)))) {
      return false;
    }
    new DirSync(d, disk.fsync()).sync();
    return true;
  }

  /** A marker's name, checked: {@code link=} or {@code route=} and a plain name (exit 64). */
  private static String checked(String key) throws MasqException {
    if (!isName(key)) {
      throw new MasqException(Exit.USAGE, "cannot hold a route named '" + key + "'");
    }
    return key;
  }

  private static boolean isName(String n) {
    int eq = n.indexOf('=');
    String kind = eq < 0 ? "" : n.substring(0, eq);
    String name = n.substring(eq + 1);
    if ((!kind.equals("link") && !kind.equals("route")) || name.isEmpty() || name.length() > 128) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!(plain || c == '.' || c == '_' || c == '-') || (i == 0 && c == '.')) {
        return false;
      }
    }
    return true;
  }
}
