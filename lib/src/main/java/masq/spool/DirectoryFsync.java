package masq.spool;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How the spool makes a directory's entries durable after it creates, links or renames in it:
 * {@link Spool#syncDir} (an fsync of the directory) for every spool on disk. An in-memory file
 * system, which has no directory to fsync, is given one that does nothing.
 */
@FunctionalInterface
public interface DirectoryFsync {
  void sync(Path dir) throws IOException;
}
