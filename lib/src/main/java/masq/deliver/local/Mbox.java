package masq.deliver.local;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import masq.config.RegularFile;

/**
 * Appends a message to an mbox file, never leaving it half-written.
 *
 * <p>Locks: first an fcntl write lock on the mailbox (through {@link FileChannel}), then the
 * dotlock {@code FILE.lock}, as mutt, procmail and mail(1) honour it. Both are waited for a few
 * seconds; a mailbox still busy after that is deferred. A dotlock is stale when the process that
 * made it is gone, or when it is older than five minutes.
 *
 * <p>Crash safety: masq writes {@code masq PID SIZE} into its dotlock, SIZE being the mailbox size
 * before the append. A failed append is truncated back to SIZE at once. If the process is killed
 * during the append, the dotlock stays; the next masq that locks the mailbox finds it stale (its
 * PID is dead) and truncates the mailbox back to SIZE before appending, so a partial message never
 * survives (the message itself is still queued and is delivered again). The fcntl lock, taken
 * before the dotlock is examined, makes sure no other masq appends meanwhile.
 */
final class Mbox {
  static final Duration STALE = Duration.ofMinutes(5);
  private static final Set<OpenOption> OPEN =
      Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS);

  private final Clock clock;
  private final Duration lockWait;

  Mbox(Clock clock, Duration lockWait) {
    this.clock = clock;
    this.lockWait = lockWait;
  }

  /** Writes one message (including its From line) at the end of the mailbox. */
  interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Who gets a new mailbox that root creates: its user, and (when not null) a group and mode. */
  record Owner(UserPrincipal user, GroupPrincipal group, Set<PosixFilePermission> mode) {
    /** Debian's /var/mail convention: the user, group mail, mode 660. */
    static Owner mailSpool(UserPrincipal user) {
      GroupPrincipal mail;
      try {
        mail =
            FileSystems.getDefault()
                .getUserPrincipalLookupService()
                .lookupPrincipalByGroupName("mail");
      } catch (IOException e) {
        mail = null; // no group mail: the mailbox stays the user's alone, mode 600
      }
      return new Owner(
          user, mail, mail == null ? null : PosixFilePermissions.fromString("rw-rw----"));
    }

    void give(Path file) throws IOException {
      Files.setOwner(file, user);
      if (group != null) {
        Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setGroup(group);
      }
      if (mode != null) {
        Files.setPosixFilePermissions(file, mode);
      }
    }
  }

  /** Appends to {@code file}; {@code owner} (or null) gets a new mailbox. */
  LocalResult append(Path file, Owner owner, Writer writer) {
    if (Files.isSymbolicLink(file)) {
      return LocalResult.failed("5.2.0", "mailbox " + file + " is a symbolic link");
    }
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return LocalResult.failed("5.2.0", "mailbox " + file + " is not a regular file");
    }
    boolean existed = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              file,
              OPEN,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (AccessDeniedException e) {
      return LocalResult.failed("5.2.0", "cannot open mailbox " + file + ": permission denied");
    } catch (NoSuchFileException e) {
      return LocalResult.failed("5.2.0", "cannot open mailbox " + file + ": no such directory");
    } catch (IOException e) {
      if (reason(e).contains("not permitted")) { // EPERM: an immutable or append-only file
        return LocalResult.failed("5.2.0", "cannot open mailbox " + file + ": permission denied");
      }
      return LocalResult.deferred("4.2.0", "cannot open mailbox " + file + ": " + reason(e));
    }
    try (ch) {
      if (!existed && owner != null) {
        owner.give(file);
      }
      FileLock lock = waitForLock(ch);
      if (lock == null) {
        return LocalResult.deferred("4.2.1", "mailbox " + file + " is locked");
      }
      Path dot = file.resolveSibling(file.getFileName() + ".lock");
      Dotlock d = takeDotlock(dot, ch);
      if (d == Dotlock.BUSY) {
        return LocalResult.deferred(
            "4.2.1", "mailbox " + file + " is locked (" + dot.getFileName() + ")");
      }
      long size = ch.size();
      try {
        OutputStream out =
            new BufferedOutputStream(Channels.newOutputStream(ch.position(size)), 16 * 1024);
        writer.writeTo(out);
        out.write('\n'); // the empty line that separates messages
        out.flush();
        ch.force(false); // model: DELIVER_MAILBOX
      } catch (IOException e) {
        truncate(ch, size);
        String why = reason(e);
        return why.contains("No space")
            ? LocalResult.deferred("4.3.1", "cannot write mailbox " + file + ": " + why)
            : LocalResult.deferred("4.2.0", "cannot write mailbox " + file + ": " + why);
      } finally {
        if (d == Dotlock.TAKEN) {
          Files.deleteIfExists(dot);
        }
        lock.release();
      }
      return LocalResult.delivered("mbox " + file);
    } catch (IOException e) {
      return LocalResult.deferred("4.2.0", "mailbox " + file + ": " + reason(e));
    }
  }

  private static void truncate(FileChannel ch, long size) {
    try {
      ch.truncate(size);
      ch.force(false);
    } catch (IOException e) {
      // nothing more can be done; the dotlock recovery below will try again
    }
  }

  private FileLock waitForLock(FileChannel ch) throws IOException {
    long deadline = clock.millis() + lockWait.toMillis();
    while (true) {
      try {
        FileLock l = ch.tryLock();
        if (l != null) {
          return l;
        }
      } catch (OverlappingFileLockException e) {
        // held by this process (another thread): wait like for anyone else
      }
      if (clock.millis() >= deadline || !pause()) {
        return null;
      }
    }
  }

  private enum Dotlock {
    TAKEN,
    NOT_POSSIBLE,
    BUSY
  }

  /**
   * Takes the dotlock; recovers from a dead masq's half-written append first. The lock file appears
   * with its content already in it (written under a temporary name, then linked), so no one ever
   * sees an empty masq dotlock.
   */
  private Dotlock takeDotlock(Path dot, FileChannel mbox) throws IOException {
    long pid = ProcessHandle.current().pid();
    Path hitch = dot.resolveSibling(dot.getFileName() + ".masq" + pid);
    long deadline = clock.millis() + lockWait.toMillis();
    try {
      while (true) {
        try {
          // the size as it is now: a stale lock's recovery below may have truncated the mailbox
          Files.write(
              hitch,
              ("masq " + pid + " " + mbox.size() + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (AccessDeniedException e) {
          return Dotlock.NOT_POSSIBLE; // a mail directory we may not write: the fcntl lock must do
        }
        try {
          Files.createLink(dot, hitch);
          return Dotlock.TAKEN;
        } catch (FileAlreadyExistsException e) {
          if (clearStale(dot, mbox)) {
            continue;
          }
        }
        if (clock.millis() >= deadline || !pause()) {
          return Dotlock.BUSY;
        }
      }
    } finally {
      Files.deleteIfExists(hitch);
    }
  }

  /** Removes {@code dot} if it is stale; true when it was (or is gone). */
  private boolean clearStale(Path dot, FileChannel mbox) throws IOException {
    String text;
    long age;
    try {
      text = readDotlock(dot);
      age = clock.millis() - Files.getLastModifiedTime(dot).toMillis();
    } catch (NoSuchFileException e) {
      return true;
    }
    String[] f = text.split("\\s+");
    long pid = -1;
    long size = -1;
    try {
      if (f.length == 3 && f[0].equals("masq")) {
        pid = Long.parseLong(f[1]);
        size = Long.parseLong(f[2]);
      } else if (f.length >= 1 && !f[0].isEmpty()) {
        pid = Long.parseLong(f[0]);
      }
    } catch (NumberFormatException e) {
      pid = -1;
    }
    boolean dead = pid > 0 && ProcessHandle.of(pid).isEmpty();
    if (!dead && age < STALE.toMillis()) {
      return false;
    }
    if (dead && size >= 0 && mbox.size() > size) {
      // a masq died while appending: take its partial message out again
      mbox.truncate(size);
      mbox.force(false);
    }
    Files.deleteIfExists(dot);
    if (dead) {
      Files.deleteIfExists(dot.resolveSibling(dot.getFileName() + ".masq" + pid));
    }
    return true;
  }

  /**
   * The content of a dot-lock, which any user who may create files in the mail directory can
   * create: read as a regular file only (not through a link), at most 256 bytes; "" when it is
   * something else (its age alone then says whether it is stale). The type is checked before the
   * open, but the file may be swapped for a FIFO in between, whose open would wait for a writer for
   * ever: so the read runs in a thread of its own and is given up after 2 seconds (the thread stays
   * blocked in open(2) until someone opens the FIFO; it does not keep the process alive).
   */
  static String readDotlock(Path dot) throws IOException {
    FutureTask<byte[]> read =
        new FutureTask<>(() -> RegularFile.read(dot, 256, LinkOption.NOFOLLOW_LINKS));
    Thread.ofPlatform().daemon().start(read);
    try {
      return new String(read.get(2, TimeUnit.SECONDS), StandardCharsets.US_ASCII).strip();
    } catch (TimeoutException e) {
      read.cancel(true);
      return "";
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RegularFile.NotRegularException) {
        return "";
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted reading " + dot);
    }
  }

  private static boolean pause() {
    try {
      Thread.sleep(50);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
