package masq.spool;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.time.Clock;
import masq.MasqException;

/**
 * In-memory file systems (Jimfs) for spool tests, with what the spool reads of a real one: modes
 * (posix) and link counts (unix:nlink). Files a test plants get 0600, as the spool's own files do.
 * Such a file system cannot fsync a directory: spools on it are opened with one that does nothing.
 */
public final class MemorySpoolFs {
  private MemorySpoolFs() {}

  /** An unbounded one. */
  public static FileSystem unix() {
    return Jimfs.newFileSystem(builder().build());
  }

  /** One that holds at most {@code maxSize} bytes (blocks of 4 KB): a full disk. */
  public static FileSystem unix(long maxSize) {
    return Jimfs.newFileSystem(builder().setMaxSize(maxSize).setBlockSize(4096).build());
  }

  private static Configuration.Builder builder() {
    return Configuration.unix().toBuilder()
        .setAttributeViews("basic", "owner", "posix", "unix")
        .setDefaultAttributeValue("posix:permissions", "rw-------");
  }

  /** The single-user spool at {@code root} on an in-memory file system. */
  public static Spool open(Path root, Clock clock, long pid) throws MasqException {
    return open(root, clock, pid, false);
  }

  /** The spool at {@code root} on an in-memory file system. */
  public static Spool open(Path root, Clock clock, long pid, boolean systemMode)
      throws MasqException {
    return Spool.open(root, clock, pid, systemMode, dir -> {});
  }
}
