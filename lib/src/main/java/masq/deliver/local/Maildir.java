package masq.deliver.local;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import masq.TempFile;
import masq.spool.DirectoryFsync;

/**
 * Delivers into a Maildir: the message is written to {@code tmp/UNIQUE}, fsynced, linked as {@code
 * new/UNIQUE} and the {@code new/} directory fsynced; only then does it count as delivered. A crash
 * leaves at most a file in {@code tmp/}, which readers ignore. Unique names are {@code
 * SECONDS.MMICROSPPIDQN.HOST} (the usual scheme: time, pid and a per-process count). Missing {@code
 * tmp/}, {@code new/} and {@code cur/} directories are made (mode 0700).
 */
final class Maildir {
  private final Clock clock;
  private final String host;
  private final long pid = ProcessHandle.current().pid();
  private final AtomicLong counter = new AtomicLong();

  Maildir(Clock clock, String hostName) {
    this.clock = clock;
    this.host = hostName.replace("/", "\\057").replace(":", "\\072");
  }

  /** Writes one message into {@code folder}; {@code owner} (or null) gets what is created. */
  LocalResult deliver(Path folder, UserPrincipal owner, Mbox.Writer writer) {
    Path tmpDir = folder.resolve("tmp");
    Path newDir = folder.resolve("new");
    try {
      if (!Files.isDirectory(tmpDir)
          || !Files.isDirectory(newDir)
          || !Files.isDirectory(folder.resolve("cur"))) {
        var mode =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        if (!Files.isDirectory(folder)) {
          Files.createDirectories(folder, mode);
          give(folder, owner);
        }
        for (String d : new String[] {"tmp", "new", "cur"}) {
          if (!Files.isDirectory(folder.resolve(d))) {
            give(Files.createDirectory(folder.resolve(d), mode), owner);
          }
        }
      }
    } catch (AccessDeniedException e) {
      return LocalResult.failed("5.2.0", "cannot create Maildir " + folder + ": permission denied");
    } catch (FileAlreadyExistsException e) {
      return LocalResult.failed(
          "5.2.0", "cannot create Maildir " + folder + ": " + e.getFile() + " is not a directory");
    } catch (IOException e) {
      return LocalResult.deferred(
          "4.2.0", "cannot create Maildir " + folder + ": " + Mbox.reason(e));
    }
    Instant now = clock.instant(); // seconds and microseconds of one moment
    String name =
        now.getEpochSecond()
            + ".M"
            + now.getNano() / 1000
            + "P"
            + pid
            + "Q"
            + counter.incrementAndGet()
            + "."
            + host;
    Path tmp = tmpDir.resolve(name);
    try {
      TempFile.write(
          tmp,
          TempFile::createPrivate,
          ch -> {
            give(tmp, owner);
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 16 * 1024);
            writer.writeTo(out);
            out.flush();
          },
          true);
      Files.createLink(newDir.resolve(name), tmp);
      Files.delete(tmp);
      DirectoryFsync.onDisk(newDir); // model: DELIVER_MAILBOX
      return LocalResult.delivered("maildir " + folder);
    } catch (AccessDeniedException e) {
      deleteQuietly(tmp);
      return LocalResult.failed("5.2.0", "cannot write Maildir " + folder + ": permission denied");
    } catch (IOException e) {
      deleteQuietly(tmp);
      String why = Mbox.reason(e);
      return LocalResult.deferred(
          why.contains("No space") ? "4.3.1" : "4.2.0",
          "cannot write Maildir " + folder + ": " + why);
    }
  }

  private static void give(Path p, UserPrincipal owner) throws IOException {
    if (owner != null) {
      Files.setOwner(p, owner);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a file left in tmp/ is ignored by every reader
    }
  }
}
