package masq.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import masq.Exit;
import masq.MasqException;

/**
 * The spool: the only code that touches spool files. Layout and rules are in spool-format.md: a
 * message is {@code queue/ID.msg} (the message, never changed) plus {@code queue/ID.env} (the
 * envelope and delivery state, replaced atomically); {@code ID.env} appearing is the commit. The
 * lock of a message is an fcntl lock on its {@code .msg} file, so it dies with its process.
 *
 * <p>SECURITY: when root opens a spool that belongs to another user (system mode: mail), every file
 * and directory it creates in it is given to that owner, so that mail's runs can lock, update and
 * remove what root queued.
 */
public final class Spool {
  public static final String VERSION_LINE = "masq spool 1";
  static final String MSG = ".msg";
  static final String ENV = ".env";

  private final Path root;
  private final Path tmp;
  private final Path queue;
  private final Path corrupt;
  private final Clock clock;
  private final long pid;
  private final MessageIds ids;
  private final DirSync queueSync;
  private UserPrincipal owner;

  private Spool(Path root, Clock clock, long pid) {
    this.root = root;
    this.tmp = root.resolve("tmp");
    this.queue = root.resolve("queue");
    this.corrupt = root.resolve("corrupt");
    this.clock = clock;
    this.pid = pid;
    this.ids = new MessageIds(clock, pid);
    this.queueSync = new DirSync(queue);
  }

  /** Opens the spool at {@code root}, creating it (and its VERSION file) when missing. */
  public static Spool open(Path root, Clock clock, long pid) throws MasqException {
    Spool s = new Spool(root, clock, pid);
    Path version = root.resolve("VERSION");
    try {
      s.owner = foreignOwner(root);
      if (!Files.isDirectory(s.queue)
          || !Files.isDirectory(s.tmp)
          || !Files.isDirectory(s.corrupt)) {
        for (Path d : List.of(s.queue, s.tmp, s.corrupt)) {
          if (!Files.isDirectory(d)) {
            s.adopt(Files.createDirectories(d));
          }
        }
      }
      if (!Files.exists(version)) {
        // per thread and process (the pid last, for check): sendmail -bd -q30m opens it twice at
        // once
        Path t = s.tmp.resolve("VERSION." + Thread.currentThread().threadId() + "." + pid);
        Files.write(t, (VERSION_LINE + "\n").getBytes(StandardCharsets.US_ASCII));
        s.adopt(t);
        Files.move(t, version, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      String v = Files.readString(version, StandardCharsets.US_ASCII).strip();
      if (!v.equals(VERSION_LINE)) {
        throw new MasqException(
            Exit.CONFIG,
            "spool " + root + " has format '" + v + "'; this masq reads '" + VERSION_LINE + "'");
      }
    } catch (IOException e) {
      throw failure("cannot open spool " + root, e);
    }
    return s;
  }

  /** The owner of {@code root} when this process is root and the spool is not; else null. */
  private static UserPrincipal foreignOwner(Path root) throws IOException {
    if (root.getFileSystem() != FileSystems.getDefault() || !Files.isDirectory(root)) {
      return null;
    }
    Number spoolUid = (Number) Files.getAttribute(root, "unix:uid");
    return processUid() == 0 && spoolUid.longValue() != 0 ? Files.getOwner(root) : null;
  }

  /** The numeric uid of this process (the owner of /proc/self). */
  public static long processUid() throws IOException {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
  }

  /** Gives a file root just created in the spool to the spool's owner (see SECURITY). */
  void adopt(Path p) throws IOException {
    if (owner != null) {
      Files.setOwner(p, owner);
    }
  }

  /** Maps a file-system failure to the exit code the contract gives it (73 or 75). */
  public static MasqException failure(String what, IOException e) {
    if (e instanceof AccessDeniedException) {
      return new MasqException(Exit.CANTCREAT, what + ": permission denied", e);
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new MasqException(Exit.TEMPFAIL, what + ": " + m, e);
  }

  public Path root() {
    return root;
  }

  Path tmpDir() {
    return tmp;
  }

  /** The maildrop of system mode: where unprivileged users leave messages (mode 1733). */
  public Path maildropDir() {
    return root.resolve("maildrop");
  }

  /** Where a maildrop file is processed after it was taken out of the maildrop. */
  public Path pickupFile(String name) {
    return tmp.resolve(name + ".pickup");
  }

  static final String PICKUP_LOCK = "pickup.lock";

  /**
   * Takes the lock that serialises maildrop pickups (an fcntl lock on {@code tmp/pickup.lock})
   * without waiting. Returns null when another run holds it; close the channel to let go. While it
   * is held, every {@code tmp/*.pickup} file is this run's or a dead run's.
   */
  public FileChannel lockPickup() throws IOException {
    Path p = tmp.resolve(PICKUP_LOCK);
    FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      adopt(p);
      if (ch.tryLock() != null) {
        return ch;
      }
    } catch (OverlappingFileLockException e) {
      // held by this process
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    ch.close();
    return null;
  }

  /** Files being picked up, or left over from a pickup that died. */
  public List<Path> pickupFiles() throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, "*.pickup")) {
      ds.forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  /** Moves a file that cannot be taken as mail to {@code corrupt/} (never deletes it). */
  public Path quarantine(Path file) throws IOException {
    String n = file.getFileName().toString();
    Path target = corrupt.resolve(n);
    for (int i = 1; Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS); i++) {
      target = corrupt.resolve(n + "." + i);
    }
    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    syncDir(corrupt);
    return target;
  }

  Path queueDir() {
    return queue;
  }

  Path corruptDir() {
    return corrupt;
  }

  public Clock clock() {
    return clock;
  }

  long pid() {
    return pid;
  }

  /** Starts a new message; write it to {@link NewMessage#out()} and commit or close it. */
  public NewMessage create() throws IOException {
    for (int attempt = 0; ; attempt++) {
      String id = ids.next();
      if (Files.exists(queue.resolve(id + MSG))) {
        continue; // an ID from a recycled pid in the same millisecond: take the next
      }
      try {
        return new NewMessage(this, id);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  /** IDs of all committed messages, in arrival order. */
  public List<String> ids() throws IOException {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(queue)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.endsWith(ENV) && MessageIds.isValid(n.substring(0, n.length() - ENV.length()))) {
          out.add(n.substring(0, n.length() - ENV.length()));
        }
      }
    }
    Collections.sort(out);
    return out;
  }

  /** Reads the envelope of a committed message. */
  public Envelope read(String id) throws MasqException, IOException {
    checkId(id);
    byte[] b;
    try {
      b = Files.readAllBytes(queue.resolve(id + ENV));
    } catch (NoSuchFileException e) {
      throw new MasqException(Exit.NOUSER, "no such message: " + id);
    }
    try {
      return Envelope.decode(b);
    } catch (CorruptEntryException e) {
      throw new CorruptEntryException("message " + id + ": " + e.getMessage());
    }
  }

  /** True when the message is committed (its envelope exists). */
  public boolean exists(String id) {
    return MessageIds.isValid(id) && Files.exists(queue.resolve(id + ENV));
  }

  /** Opens the stored message (headers, blank line, body) for reading. */
  public InputStream openMessage(String id) throws MasqException, IOException {
    checkId(id);
    try {
      return Files.newInputStream(queue.resolve(id + MSG));
    } catch (NoSuchFileException e) {
      throw new MasqException(Exit.NOUSER, "no such message: " + id);
    }
  }

  private static void checkId(String id) throws MasqException {
    if (!MessageIds.isValid(id)) {
      throw new MasqException(Exit.NOUSER, "no such message: " + id);
    }
  }

  /**
   * Takes the lock of a message without waiting. Returns null when another process (or another lock
   * in this one) holds it.
   *
   * @throws MasqException 67 when there is no such message
   */
  public MessageLock lock(String id) throws MasqException, IOException {
    checkId(id);
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              queue.resolve(id + MSG), StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      throw new MasqException(Exit.NOUSER, "no such message: " + id);
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      return null;
    }
    if (!Files.exists(queue.resolve(id + ENV))) {
      // removed (or never committed) while we waited for the lock
      lock.release();
      ch.close();
      throw new MasqException(Exit.NOUSER, "no such message: " + id);
    }
    return new MessageLock(id, ch, lock);
  }

  /** Replaces the envelope of a locked message atomically (write, fsync, rename, fsync dir). */
  public void update(MessageLock lock, Envelope env) throws IOException {
    if (!lock.id().equals(env.id())) {
      throw new IllegalArgumentException("lock is for " + lock.id() + ", envelope for " + env.id());
    }
    writeEnvelope(env);
  }

  void writeEnvelope(Envelope env) throws IOException {
    Path t = tmp.resolve(env.id() + ENV + "." + pid + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            t,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(env.encode());
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
      ch.force(true);
    }
    adopt(t);
    Files.move(
        t,
        queue.resolve(env.id() + ENV),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    queueSync.sync(); // shared with the other threads committing now (group commit)
  }

  /** Removes a locked message: its envelope first (so it is no longer queued), then its data. */
  public void remove(MessageLock lock) throws IOException {
    Files.deleteIfExists(queue.resolve(lock.id() + ENV));
    Files.deleteIfExists(queue.resolve(lock.id() + MSG));
    queueSync.sync(); // shared with other threads removing or committing now (group commit)
  }

  /**
   * Removes a locked message as {@link #remove(MessageLock)} does, but without the fsync of {@code
   * queue/}: the caller calls {@link #syncQueue} once after many. Until then a crash of the machine
   * (not of the process: the files are gone for every other process at once) may bring the message
   * back, whole, to be delivered again.
   */
  public void removeUnsynced(MessageLock lock) throws IOException {
    Files.deleteIfExists(queue.resolve(lock.id() + ENV));
    Files.deleteIfExists(queue.resolve(lock.id() + MSG));
  }

  /** Makes the removals and commits made so far in {@code queue/} durable (one fsync). */
  public void syncQueue() throws IOException {
    queueSync.sync();
  }

  /** Makes a directory's entries durable (fsync of the directory). */
  static void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      if (dir.getFileSystem() == FileSystems.getDefault()) {
        throw e;
      }
      // in-memory file systems (tests) have nothing to sync
    }
  }

  /** Reports (and with {@code repair} fixes) what crashes can leave behind; see spool-format.md. */
  public SpoolCheck check(boolean repair) throws IOException {
    return SpoolCheck.run(this, repair);
  }
}
