package masq.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * The spool on disk, as every part of this package sees it: where its directories are, the modes
 * and the owner a new file or directory gets (see {@link Spool}'s SECURITY), the group fsync of
 * {@code queue/}, and the reading of a message's stored envelope. {@link Spool}, {@link
 * NewMessage}, {@link MessageLock} and {@link SpoolCheck} work through it, so that none of them
 * needs another.
 */
final class SpoolLayout {
  static final String MSG = ".msg";
  static final String ENV = ".env";

  /** The prefix of a run's sent journal in {@code tmp/}: {@code sent.PID} (SentJournal). */
  static final String SENT_JOURNAL = "sent.";

  /** The lock of system mode's maildrop pickup, in {@code tmp/} (the check must know it). */
  static final String PICKUP_LOCK = "pickup.lock";

  static final Set<StandardOpenOption> NEW_FILE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  private final Path root;
  private final Path tmp;
  private final Path queue;
  private final Path corrupt;
  private final boolean systemMode;
  private final DirectoryFsync fsync;
  private final DirSync queueSync;

  /** The mode of every directory made in the spool (and of the spool itself, single-user mode). */
  private final FileAttribute<?>[] dirMode = {mode("rwx------")};

  /** The mode of every file made in the spool (but a system-mode VERSION). */
  private final FileAttribute<?>[] fileMode = {mode("rw-------")};

  private UserPrincipal owner;

  SpoolLayout(Path root, boolean systemMode, DirectoryFsync fsync) {
    this.root = root;
    this.tmp = root.resolve("tmp");
    this.queue = root.resolve("queue");
    this.corrupt = root.resolve("corrupt");
    this.systemMode = systemMode;
    this.fsync = fsync;
    this.queueSync = new DirSync(queue, fsync);
  }

  private static FileAttribute<?> mode(String rwx) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(rwx));
  }

  Path root() {
    return root;
  }

  Path tmpDir() {
    return tmp;
  }

  Path queueDir() {
    return queue;
  }

  Path corruptDir() {
    return corrupt;
  }

  /** True for a system-mode spool ({@code run_as_user = false}), which keeps its own modes. */
  boolean systemMode() {
    return systemMode;
  }

  DirectoryFsync fsync() {
    return fsync;
  }

  /** From now on, what this process creates in the spool is given to {@code owner} (or kept). */
  void owner(UserPrincipal owner) {
    this.owner = owner;
  }

  /** Gives a file root just created in the spool to the spool's owner (see SECURITY). */
  void adopt(Path p) throws IOException {
    if (owner != null) {
      Files.setOwner(p, owner);
    }
  }

  /** A file created with these attributes is 0600 (none on a file system without modes). */
  FileAttribute<?>[] fileMode() {
    return fileMode;
  }

  /** The attributes of a directory made in the spool: 0700. */
  FileAttribute<?>[] dirMode() {
    return dirMode;
  }

  /**
   * Creates a file in the spool for writing, mode 0600 from the start; a leftover of the same name
   * (from a process that died) is replaced, so that the mode is always this one.
   */
  FileChannel createFile(Path p) throws IOException {
    try {
      return FileChannel.open(p, NEW_FILE, fileMode);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(p);
      return FileChannel.open(p, NEW_FILE, fileMode);
    }
  }

  /** Makes directory {@code d} with {@code mode}, given to the spool's owner; one there is kept. */
  void makeDirectory(Path d, FileAttribute<?>... mode) throws IOException {
    try {
      adopt(Files.createDirectory(d, mode));
    } catch (FileAlreadyExistsException e) {
      // made meanwhile by another thread or process (or not a directory: the next step says so)
    }
  }

  /** Makes the removals and commits made so far in {@code queue/} durable (one fsync). */
  void syncQueue() throws IOException {
    queueSync.sync();
  }

  /** Moves a file that cannot be taken as mail to {@code corrupt/} (never deletes it). */
  Path quarantine(Path file) throws IOException {
    String n = file.getFileName().toString();
    Path target = corrupt.resolve(n);
    for (int i = 1; Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS); i++) {
      target = corrupt.resolve(n + "." + i);
    }
    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    fsync.sync(corrupt);
    return target;
  }

  /**
   * The current envelope of message {@code id} as stored, its file open as {@code msg}: {@code
   * ID.env} when its state has changed since it was accepted, else the envelope inside {@code
   * ID.msg}.
   */
  StoredEnvelope stored(String id, FileChannel msg) throws IOException, CorruptEntryException {
    Path env = queue.resolve(id + ENV);
    if (Files.exists(env)) { // most messages have none: asked without the cost of an exception
      try {
        return new StoredEnvelope(Files.readAllBytes(env), env);
      } catch (NoSuchFileException e) {
        // removed meanwhile: by a removal (then so is the message) or by hand
      }
    }
    return new StoredEnvelope(Trailer.read(msg, "message " + id), queue.resolve(id + MSG));
  }

  /** The envelope in {@code b}, a corrupt one naming message {@code id}. */
  static Envelope decode(String id, byte[] b) throws CorruptEntryException {
    try {
      return Envelope.decode(b);
    } catch (CorruptEntryException e) {
      throw new CorruptEntryException("message " + id + ": " + e.getMessage());
    }
  }

  /**
   * True when some process holds the fcntl lock of {@code p} (a message being written or delivered,
   * a live run's sent journal). Opening and closing {@code p} drops this process's own lock on it
   * (POSIX): never ask about a file this process holds.
   */
  static boolean isLocked(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      if (l == null) {
        return true;
      }
      l.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }
}
