package masq.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How the spool makes a directory's entries durable after it creates, links or renames in it:
 * {@link #onDisk} (an fsync of the directory) for every spool on disk. An in-memory file system,
 * which has no directory to fsync, is given one that does nothing.
 */
@FunctionalInterface
public interface DirectoryFsync {
  void sync(Path dir) throws IOException;

  /**
   * An fsync of {@code dir}, so that the names made in it survive a crash: the one used by the
   * spool, Maildir delivery and the SMTP AUTH user file. Nothing on another file system than the
   * default one (Jimfs in tests cannot fsync a directory).
   */
  static void onDisk(Path dir) throws IOException {
    if (dir.getFileSystem() != FileSystems.getDefault()) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
