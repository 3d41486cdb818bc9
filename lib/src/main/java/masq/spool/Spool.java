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
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import masq.Api;
import masq.Exit;
import masq.MasqException;
import masq.PrivateParents;
import masq.TempFile;

/**
 * The spool: the only code that touches spool files. Layout and rules are in spool-format.md: a
 * message is one file, {@code queue/ID.msg}: the message, then its envelope as it was accepted,
 * then a fixed-size last line that says where the envelope starts ({@link Trailer}); its link into
 * {@code queue/} is the commit. Once its state changes, {@code queue/ID.env} holds the current
 * envelope (replaced atomically) and wins over the one inside. The lock of a message is an fcntl
 * lock on its {@code .msg} file, so it dies with its process; as closing any descriptor of that
 * file drops the process's lock on it, a process reads a message it holds locked only through its
 * lock (this class sees to that).
 *
 * <p>SECURITY: when root opens a spool that belongs to another user (system mode: mail), every file
 * and directory it creates in it is given to that owner, so that mail's runs can lock, update and
 * remove what root queued.
 *
 * <p>SECURITY: whatever the umask, the directories made in the spool are 0700 and every file made
 * in it 0600 (set at creation, so there is no moment when another user could open it), but the
 * {@code VERSION} file of a system-mode spool, which every user reads, is 0644. In single-user mode
 * the spool directory itself is made 0700 too; in system mode it is the administrator's (0711).
 */
@Api
public final class Spool {
  public static final String VERSION_LINE = "masq spool 3";

  /** The format before the envelope moved into the message file; still read, upgraded on open. */
  static final String VERSION_1 = "masq spool 1";

  /** The format before DSN parameters and SMTPUTF8 (still read as it is, upgraded on open). */
  static final String VERSION_2 = "masq spool 2";

  static final String MSG = SpoolLayout.MSG;
  static final String ENV = SpoolLayout.ENV;

  private static final FileAttribute<?>[] NO_ATTRIBUTES = {};

  /** The directories, modes, owner and group fsync that every class here works through. */
  private final SpoolLayout disk;

  private final Path root;
  private final Path tmp;
  private final Path queue;
  private final Clock clock;
  private final long pid;
  private final MessageIds ids;
  private final HeldRoutes heldRoutes;

  /** The message locks this process holds (from {@link #lock}), and the IDs being locked. */
  private final Map<String, MessageLock> held = new ConcurrentHashMap<>();

  private final Set<String> taking = ConcurrentHashMap.newKeySet();

  private Spool(Path root, Clock clock, long pid, boolean systemMode, DirectoryFsync fsync) {
    this.disk = new SpoolLayout(root, systemMode, fsync);
    this.root = root;
    this.tmp = disk.tmpDir();
    this.queue = disk.queueDir();
    this.clock = clock;
    this.pid = pid;
    this.ids = new MessageIds(clock, pid);
    this.heldRoutes = new HeldRoutes(disk);
  }

  /**
   * Opens the single-user spool at {@code root}, creating it (and its VERSION file) when missing.
   */
  public static Spool open(Path root, Clock clock, long pid) throws MasqException {
    return open(root, clock, pid, false);
  }

  /**
   * Opens the spool at {@code root}, creating what is missing of it; {@code systemMode} ({@code
   * run_as_user = false}) keeps the modes system mode gives the spool itself and VERSION (see
   * SECURITY above).
   */
  public static Spool open(Path root, Clock clock, long pid, boolean systemMode)
      throws MasqException {
    return open(root, clock, pid, systemMode, DirectoryFsync::onDisk);
  }

  /**
   * {@link #open(Path, Clock, long, boolean)} with {@code fsync} making a directory's entries
   * durable: {@link DirectoryFsync#onDisk} on disk; on an in-memory file system, which cannot fsync
   * a directory, one that does nothing.
   */
  public static Spool open(
      Path root, Clock clock, long pid, boolean systemMode, DirectoryFsync fsync)
      throws MasqException {
    Spool s = new Spool(root, clock, pid, systemMode, fsync);
    Path version = root.resolve("VERSION");
    try {
      s.disk.owner(foreignOwner(root));
      if (!Files.isDirectory(s.queue)
          || !Files.isDirectory(s.tmp)
          || !Files.isDirectory(s.disk.corruptDir())) {
        s.makeDirectories();
      }
      if (!Files.exists(version)) {
        // per thread and process (the pid last, for check): sendmail -bd -q30m opens it twice at
        // once
        TempFile.replace(s.newVersionFile(), version);
      }
      String v = Files.readString(version, StandardCharsets.US_ASCII).strip();
      if (v.equals(VERSION_1) || v.equals(VERSION_2)) {
        v = s.upgrade(version);
      }
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

  /**
   * Makes the spool's missing directories, 0700 whatever the umask; in system mode the spool
   * directory itself (the administrator's, 0711) and the directories that lead to it keep the
   * umask's mode, while in single-user mode missing parents are made 0700 too (the XDG base
   * directory specification's rule for {@code ~/.local/state}).
   */
  private void makeDirectories() throws IOException {
    if (!Files.isDirectory(root)) {
      Path parent = root.toAbsolutePath().getParent();
      if (parent != null && disk.systemMode()) {
        Files.createDirectories(parent);
      } else if (parent != null) {
        PrivateParents.create(parent);
      }
      disk.makeDirectory(root, disk.systemMode() ? NO_ATTRIBUTES : disk.dirMode());
    }
    for (Path d : List.of(queue, tmp, disk.corruptDir())) {
      if (!Files.isDirectory(d)) {
        disk.makeDirectory(d, disk.dirMode());
      }
    }
  }

  /**
   * Writes {@code tmp/VERSION.THREAD.PID}, to be renamed over VERSION: 0600 in single-user mode,
   * 0644 in system mode, where every user reads it.
   */
  private Path newVersionFile() throws IOException {
    Path t = tmp.resolve("VERSION." + Thread.currentThread().threadId() + "." + pid);
    TempFile.write(
        t, disk::createFile, (VERSION_LINE + "\n").getBytes(StandardCharsets.US_ASCII), false);
    if (disk.systemMode()) {
      Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--")); // any umask
    }
    disk.adopt(t);
    return t;
  }

  /**
   * A version 1 spool is read as it is (its messages all have {@code ID.env}, which gives the
   * length of the message data), and so is a version 2 spool (its envelopes lack only the DSN and
   * SMTPUTF8 fields, which then mean "not asked"); so upgrading either is only saying so in
   * VERSION, which keeps older masq commands from misreading the messages written from now on (or
   * writing their envelopes back without those fields). Who may not write VERSION (an ordinary user
   * in system mode) reads the spool without upgrading it.
   */
  private String upgrade(Path version) throws IOException {
    Path t = null;
    try {
      t = newVersionFile();
      TempFile.replace(t, version);
      disk.fsync().sync(root);
    } catch (AccessDeniedException e) {
      try {
        if (t != null) {
          Files.deleteIfExists(t); // written, but VERSION could not be replaced
        }
      } catch (IOException notEvenThat) {
        // tmp/ is not ours either: nothing was written
      }
    }
    return VERSION_LINE;
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

  // System mode's pickup (masq.system.Maildrop) works in tmp/: its files and its lock are named
  // here, beside the spool's own, because the spool check must tell them from leftovers.

  /** Where a maildrop file is processed after it was taken out of the maildrop. */
  public Path pickupFile(String name) {
    return tmp.resolve(name + ".pickup");
  }

  /**
   * Takes the lock that serialises maildrop pickups (an fcntl lock on {@code tmp/pickup.lock})
   * without waiting. Returns null when another run holds it; close the channel to let go. While it
   * is held, every {@code tmp/*.pickup} file is this run's or a dead run's.
   */
  public FileChannel lockPickup() throws IOException {
    Path p = tmp.resolve(SpoolLayout.PICKUP_LOCK);
    FileChannel ch =
        FileChannel.open(
            p, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), disk.fileMode());
    try {
      disk.adopt(p);
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

  /**
   * The lock file of on-demand queue runs called {@code name} ({@code runs/NAME.lock}, made 0600
   * when missing, in a {@code runs/} made 0700 when missing), for masq-smtpd's ETRN: the run it
   * starts holds a flock(2) lock on it while it lasts, so there is one such run per name at a time.
   * {@code name} must be a plain file name (no {@code /}, not starting with a dot).
   */
  public Path runLock(String name) throws IOException {
    if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\0")) {
      throw new IllegalArgumentException("bad run lock name");
    }
    Path dir = root.resolve("runs");
    if (!Files.isDirectory(dir)) {
      disk.makeDirectory(dir, disk.dirMode());
    }
    Path f = dir.resolve(name + ".lock");
    if (!Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try {
        disk.adopt(Files.createFile(f, disk.fileMode()));
      } catch (FileAlreadyExistsException e) {
        // made meanwhile by another session
      }
    }
    return f;
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
    return disk.quarantine(file);
  }

  public Clock clock() {
    return clock;
  }

  /** The process ID this spool was opened with (in the names of temporary files). */
  public long pid() {
    return pid;
  }

  /** This process's {@link SentJournal}: a remote run notes there what servers took. */
  public SentJournal sentJournal() {
    return new SentJournal(disk, pid);
  }

  /**
   * Applies the sent journals that runs which died left ({@link SentJournal#replay}); one log line
   * per message changed.
   */
  public List<String> replaySentJournals() throws IOException {
    return SentJournal.replay(this, disk);
  }

  /** Starts a new message; write it to {@link NewMessage#out()} and commit or close it. */
  public NewMessage create() throws IOException {
    for (int attempt = 0; ; attempt++) {
      String id = ids.next();
      if (Files.exists(queue.resolve(id + MSG))) {
        continue; // an ID from a recycled pid in the same millisecond: take the next
      }
      try {
        return new NewMessage(disk, id);
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
        if (n.endsWith(MSG) && MessageIds.isValid(n.substring(0, n.length() - MSG.length()))) {
          out.add(n.substring(0, n.length() - MSG.length()));
        }
      }
    }
    Collections.sort(out);
    return out;
  }

  /** Reads the current envelope of a committed message. */
  public Envelope read(String id) throws MasqException, IOException {
    checkId(id);
    MessageLock mine = held.get(id);
    return mine != null ? mine.envelope() : SpoolLayout.decode(id, stored(id).bytes());
  }

  /**
   * The current envelope of a committed message as stored: {@code ID.env} when its state has
   * changed since it was accepted, else the envelope inside {@code ID.msg}.
   */
  public StoredEnvelope stored(String id) throws MasqException, IOException {
    checkId(id);
    MessageLock mine = held.get(id);
    if (mine != null) {
      return mine.stored(); // through the lock: opening the file again would let go of it
    }
    try (FileChannel ch = FileChannel.open(queue.resolve(id + MSG), StandardOpenOption.READ)) {
      return disk.stored(id, ch);
    } catch (NoSuchFileException e) {
      throw new MasqException(Exit.NOUSER, "no such message: " + id);
    }
  }

  /** True when the message is committed (its file is in the queue). */
  public boolean exists(String id) {
    return MessageIds.isValid(id) && Files.exists(queue.resolve(id + MSG));
  }

  /**
   * Opens the stored message (headers, blank line, body) for reading. A message this process holds
   * locked is read through its lock.
   */
  public InputStream openMessage(String id) throws MasqException, IOException {
    checkId(id);
    MessageLock mine = held.get(id);
    if (mine != null) {
      return mine.openMessage();
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(queue.resolve(id + MSG), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new MasqException(Exit.NOUSER, "no such message: " + id);
    }
    try {
      long size = SpoolLayout.decode(id, disk.stored(id, ch).bytes()).size();
      return new DataStream(ch, 0, size, true);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
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
    if (!taking.add(id)) {
      // this process holds it, or another of its threads is taking it: opening and closing the
      // file here would drop that thread's lock (POSIX), so it is busy without a look
      return null;
    }
    MessageLock l = null;
    try {
      l = tryLock(id);
      if (l != null) {
        held.put(id, l);
      }
      return l;
    } finally {
      if (l == null) {
        taking.remove(id);
      }
    }
  }

  private MessageLock tryLock(String id) throws MasqException, IOException {
    FileChannel ch;
    try {
      ch = // model: RUN_OPEN
          FileChannel.open(
              queue.resolve(id + MSG), StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      throw new MasqException(Exit.NOUSER, "no such message: " + id);
    }
    FileLock lock;
    try {
      lock = ch.tryLock(); // model: RUN_LOCK
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
    if (!Files.exists(queue.resolve(id + MSG))) {
      // model: RUN_CHECK_QUEUED: removed while we waited for the lock
      lock.release();
      ch.close();
      throw new MasqException(Exit.NOUSER, "no such message: " + id);
    }
    return new MessageLock(disk, id, ch, lock, this::released);
  }

  /** Replaces the envelope of a locked message atomically (write, fsync, rename, fsync dir). */
  public void update(MessageLock lock, Envelope env) throws IOException {
    if (!lock.id().equals(env.id())) {
      throw new IllegalArgumentException("lock is for " + lock.id() + ", envelope for " + env.id());
    }
    writeEnvelope(env);
  }

  void writeEnvelope(Envelope env) throws IOException {
    // model: ENVELOPE_WRITE (write, fsync, rename), then ENVELOPE_SYNC
    Path t = tmp.resolve(env.id() + ENV + "." + pid + ".tmp");
    TempFile.write(t, disk::createFile, env.encode(), true);
    disk.adopt(t);
    TempFile.replace(t, queue.resolve(env.id() + ENV));
    // model: ENVELOPE_SYNC, shared with the other threads committing now (group commit)
    disk.syncQueue();
  }

  /**
   * Removes a locked message: its file first (from then on it is not queued), then its changed
   * envelope if it has one.
   */
  public void remove(MessageLock lock) throws IOException {
    removeUnsynced(lock);
    // model: REMOVE_SYNC, shared with other threads removing or committing now (group commit)
    disk.syncQueue();
  }

  /**
   * Removes a locked message as {@link #remove(MessageLock)} does, but without the fsync of {@code
   * queue/}: the caller calls {@link #syncQueue} once after many. Until then a crash of the machine
   * (not of the process: the files are gone for every other process at once) may bring the message
   * back, whole, to be delivered again.
   */
  public void removeUnsynced(MessageLock lock) throws IOException {
    Files.deleteIfExists(queue.resolve(lock.id() + MSG)); // model: REMOVE_MSG, the data first
    Files.deleteIfExists(queue.resolve(lock.id() + ENV)); // model: REMOVE_ENV
  }

  /**
   * The routes held by {@code masq-queue hold --route}: the names of the markers in {@code
   * held-routes/} ({@code link=LINK} or {@code route=NAME}); empty when there is none.
   */
  public Set<String> heldRoutes() throws IOException {
    return heldRoutes.names();
  }

  /** Holds route {@code key} ({@code link=LINK} or {@code route=NAME}); false when it was held. */
  public boolean holdRoute(String key) throws MasqException, IOException {
    return heldRoutes.hold(key);
  }

  /** Releases route {@code key}; false when it was not held. */
  public boolean releaseRoute(String key) throws MasqException, IOException {
    return heldRoutes.release(key);
  }

  /** Forgets a lock being closed (see {@link #lock} and {@link #openMessage}). */
  void released(MessageLock lock) {
    if (held.remove(lock.id(), lock)) {
      taking.remove(lock.id());
    }
  }

  /** Makes the removals and commits made so far in {@code queue/} durable (one fsync). */
  public void syncQueue() throws IOException {
    disk.syncQueue();
  }

  /**
   * Reports (and with {@code repair} fixes) what crashes can leave behind; see spool-format.md. A
   * spool without system mode's status areas ({@code users/}): see {@link #check(boolean, Map)}.
   */
  public SpoolCheck check(boolean repair) throws IOException {
    return check(repair, Map.of());
  }

  /**
   * As {@link #check(boolean)}, and reports (with {@code repair}: moves to {@code corrupt/}) the
   * {@code unusableAreas}: entries of system mode's {@code users/} that no run uses, each path with
   * the text that names it and says why (found by {@code masq.system}, which owns that area).
   */
  public SpoolCheck check(boolean repair, Map<Path, String> unusableAreas) throws IOException {
    return SpoolCheck.run(disk, repair, unusableAreas);
  }
}
