package masq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A file written whole under a temporary name and only then put in place (by a rename, or a link in
 * a Maildir), so that no reader ever sees a part of it: the spool's envelopes and VERSION, a
 * Maildir's messages, masq-smtpd's users and pid file, a user's notes in the status area. Each
 * caller opens the temporary file as it needs (new and 0600 for most, {@link #createPrivate}), and
 * says whether it is fsynced before it is closed; what follows the rename (a directory's fsync) is
 * the caller's too.
 */
@Api
public final class TempFile {
  private TempFile() {}

  private static final Set<StandardOpenOption> NEW =
      EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  private static final FileAttribute<?> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  /** How a caller opens its temporary file for writing. */
  @FunctionalInterface
  public interface Opener {
    FileChannel open(Path p) throws IOException;
  }

  /** What a caller writes into its temporary file. */
  @FunctionalInterface
  public interface Content {
    void writeTo(FileChannel ch) throws IOException;
  }

  /** Creates {@code p} for writing, 0600 whatever the umask; fails if it exists. */
  public static FileChannel createPrivate(Path p) throws IOException {
    return FileChannel.open(p, NEW, PRIVATE);
  }

  /**
   * Writes {@code tmp}: opened by {@code open}, filled by {@code content}, with {@code fsync}
   * forced to the disk (data and metadata) before it is closed.
   */
  public static void write(Path tmp, Opener open, Content content, boolean fsync)
      throws IOException {
    try (FileChannel ch = open.open(tmp)) {
      content.writeTo(ch);
      if (fsync) {
        ch.force(true);
      }
    }
  }

  /** {@link #write(Path, Opener, Content, boolean)} of the bytes {@code data}. */
  public static void write(Path tmp, Opener open, byte[] data, boolean fsync) throws IOException {
    write(
        tmp,
        open,
        ch -> {
          ByteBuffer b = ByteBuffer.wrap(data);
          while (b.hasRemaining()) {
            ch.write(b);
          }
        },
        fsync);
  }

  /**
   * Renames {@code tmp} over {@code target} in one step, so a reader sees the old file or the new
   * one.
   */
  public static void replace(Path tmp, Path target) throws IOException {
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
