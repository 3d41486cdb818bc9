package masq.system;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import masq.Exit;
import masq.MasqException;
import masq.log.MailLog;
import masq.spool.CorruptEntryException;
import masq.spool.Envelope;
import masq.spool.MessageIds;
import masq.spool.MessageLock;
import masq.spool.Spool;

/**
 * System mode's per-user status area {@code spool_dir/users/} (mail's, mode 3733: anyone may create
 * an entry, nobody but mail may list it): how a user who may not read the queue still sees and
 * manages the messages that are theirs. Layout and trust rules: spool-format.md, "The per-user
 * status area".
 *
 * <p>{@code users/UID} is made by that user's masq-inject or masq-queue (mode 2770, group mail
 * through the setgid parent: the user and mail may enter it, nobody else). In it:
 *
 * <ul>
 *   <li>{@code ID.HEX.pending} — written by the user after a drop {@code maildrop/ID.HEX.drop} is
 *       durable; deleted by the pickup (mail) once the drop is queued or refused;
 *   <li>{@code ID.refused} — written by the pickup when it refused the drop, with the reason; kept
 *       for {@link #KEEP_REFUSED};
 *   <li>{@code ID.env} and {@code published} — the view: copies of the envelopes of the queued
 *       messages whose uid is UID, and when they were copied, rebuilt by every masq-deliver run;
 *   <li>{@code ID.remove}, {@code ID.hold}, {@code ID.release} — requests, written by the user's
 *       masq-queue, carried out (and deleted) by the next masq-deliver run.
 * </ul>
 *
 * <p>SECURITY: the user owns {@code users/UID} and may rename it, replace it with a symbolic link
 * or put anything in it; others may squat {@code users/N} for a uid not theirs. So mail (and root)
 * work only through a directory descriptor opened without following links and checked to be a
 * directory owned by uid N (the same inode as the checked name), and only with calls relative to it
 * ({@link SecureDirectoryStream}): no path the user controls is ever resolved. Mail never reads a
 * file the user wrote: a request is its name alone (a regular file owned by N, checked with lstat),
 * a pending record is matched by its name to the drop. Files mail writes there are created with
 * O_EXCL (never through a link someone planted) and renamed into place. Anything that fails a check
 * is ignored or deleted with a log line.
 */
public final class UserView {
  /** The area's name in the spool. */
  public static final String DIR = "users";

  /** When the view was last written: the epoch milliseconds as text. */
  static final String STAMP = "published";

  /** A queued message's envelope as the view copies it: {@code ID.env}. */
  static final String COPY = ".env";

  static final String PENDING = ".pending";
  static final String REFUSED = ".refused";

  /** What the user may ask for; the file name is ID.OP. */
  public static final List<String> OPS = List.of("remove", "hold", "release");

  /** How long a refusal stays for its user to see. */
  static final Duration KEEP_REFUSED = Duration.ofDays(7);

  /** How long a user's half-written pending note may stay (its masq-inject may still run). */
  static final Duration KEEP_UNFINISHED = Duration.ofDays(1);

  private UserView() {}

  // ---------------------------------------------------------------------------------------
  // The operation masq-queue and the requests share

  /**
   * Removes, holds or releases one queued message: masq-queue's {@code remove}, {@code hold},
   * {@code release}, and the requests users leave. Returns false when a delivery holds the message
   * locked (nothing done: try again later).
   *
   * @param uid the only uid whose messages may be changed, or -1 for any
   * @throws MasqException 67 when there is no such message (or it is not uid's)
   */
  public static boolean change(Spool spool, String id, String op, long uid)
      throws MasqException, IOException {
    try (MessageLock lock = spool.lock(id)) {
      if (lock == null) {
        return false;
      }
      Envelope e = spool.read(id);
      if (uid >= 0 && e.uid() != uid) {
        throw new MasqException(Exit.NOUSER, "no such message among yours: " + id);
      }
      switch (op) {
        case "remove" -> spool.remove(lock);
        case "hold" -> spool.update(lock, e.withHeld(true));
        case "release" -> spool.update(lock, e.withHeld(false));
        default -> throw new IllegalArgumentException(op);
      }
      return true;
    }
  }

  /** "removed", "held", "released". */
  public static String done(String op) {
    return switch (op) {
      case "remove" -> "removed";
      case "hold" -> "held";
      default -> "released";
    };
  }

  // ---------------------------------------------------------------------------------------
  // The user's side (masq-inject, masq-queue), as that user: users/UID is the caller's own

  /**
   * The caller's own directory {@code users/UID}, made when missing and {@code create}; null when
   * the spool has no {@code users/} (no per-user view) or, without {@code create}, when it does not
   * exist yet.
   *
   * @throws MasqException 73 naming the problem when {@code users/UID} is not the caller's
   *     directory (a symbolic link, a file, someone else's), or cannot be made
   */
  public static Path own(Path spoolDir, long uid, boolean create) throws MasqException {
    Path users = spoolDir.resolve(DIR);
    if (!Files.isDirectory(users, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    Path dir = users.resolve(Long.toString(uid));
    try {
      if (create && !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.createDirectory(dir);
          // group mail comes from the setgid parent; the kernel keeps setgid only for members
          Files.setAttribute(dir, "unix:mode", 02770);
        } catch (FileAlreadyExistsException e) {
          // made meanwhile (by another of the user's commands, or squatted: checked below)
        }
      }
      Map<String, Object> a =
          Files.readAttributes(
              dir, "unix:uid,isDirectory,isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
      String why = notOwnDirectory(a, uid, "by you");
      if (why != null) {
        throw new MasqException(
            Exit.CANTCREAT,
            dir
                + " is "
                + why
                + ": your status area is unusable; ask the administrator to remove it");
      }
      return dir;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw Spool.failure("cannot use your status area " + dir, e);
    }
  }

  /**
   * Notes a drop just made (as its user): {@code users/UID/ID.HEX.pending}, written to a temporary
   * name, fsynced, renamed. The drop is durable already, so a failure here is only returned as a
   * warning (null when all went well, or the spool has no {@code users/}).
   */
  public static String notePending(
      Path spoolDir, long uid, String drop, String sender, List<String> rcpts) {
    String base = dropBase(drop);
    if (base == null) {
      return null;
    }
    try {
      Path dir = own(spoolDir, uid, true);
      if (dir == null) {
        return null;
      }
      long size = Files.size(Maildrop.dir(spoolDir).resolve(drop));
      StringBuilder sb = new StringBuilder("masq-pending 1\n");
      sb.append("time\t").append(System.currentTimeMillis()).append('\n');
      sb.append("size\t").append(size).append('\n');
      sb.append("sender\t").append(sender == null ? "" : clean(sender)).append('\n');
      for (String r : rcpts) {
        sb.append("rcpt\t").append(clean(r)).append('\n');
      }
      sb.append("end\n");
      Path tmp = dir.resolve("." + base + PENDING + ".tmp");
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING,
              LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer bb = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
        // no fsync: a note lost in a crash only hides the drop until the pickup (the drop itself
        // is durable), and an fsync is a millisecond of every user's masq-inject
      }
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.move(tmp, dir.resolve(base + PENDING), StandardCopyOption.ATOMIC_MOVE);
      return null;
    } catch (MasqException e) {
      return e.getMessage();
    } catch (IOException e) {
      return "cannot note the drop in your status area: " + e;
    }
  }

  private static String clean(String s) {
    return s.replaceAll("[\\x00-\\x1f\\x7f]", " ");
  }

  /** "ID.HEX" of a drop file name "ID.HEX.drop" (or "ID.HEX.drop.pickup"), else null. */
  static String dropBase(String name) {
    String n = name.endsWith(".pickup") ? name.substring(0, name.length() - 7) : name;
    String[] p = n.split("\\.", -1);
    return p.length == 3
            && MessageIds.isValid(p[0])
            && p[1].matches("[0-9a-f]{32}")
            && p[2].equals("drop")
        ? p[0] + "." + p[1]
        : null;
  }

  /**
   * Why the attributes {@code a} (read with unix:uid, isDirectory, isSymbolicLink, not following
   * links) are not those of a directory owned by {@code uid}, or null when they are; {@code whom}
   * ends the ownership reason ("owned by uid N, not WHOM").
   */
  private static String notOwnDirectory(Map<String, Object> a, long uid, String whom) {
    if ((Boolean) a.get("isSymbolicLink")) {
      return "a symbolic link";
    }
    if (!(Boolean) a.get("isDirectory")) {
      return "not a directory";
    }
    long owner = ((Number) a.get("uid")).longValue();
    return owner != uid ? "owned by uid " + owner + ", not " + whom : null;
  }

  /** A drop still waiting for the pickup, as its user noted it. */
  public record Pending(String id, long time, long size, String sender, List<String> recipients) {}

  /** A drop the pickup refused, and why. */
  public record Refusal(String id, long time, String why) {}

  /**
   * What the user's directory shows: when the view was made (-1: not yet), the queued messages, the
   * drops waiting for pickup, the refused ones, and the requests not yet done (ID → operation).
   */
  public record View(
      long published,
      List<Envelope> queued,
      List<Pending> pending,
      List<Refusal> refused,
      Map<String, String> requests) {
    /** Whether {@code id} is the user's: queued (as of the view) or waiting for pickup. */
    public boolean has(String id) {
      return queued.stream().anyMatch(e -> e.id().equals(id))
          || pending.stream().anyMatch(p -> p.id().equals(id));
    }

    public Envelope envelope(String id) {
      return queued.stream().filter(e -> e.id().equals(id)).findFirst().orElse(null);
    }
  }

  /** Reads the caller's own directory (see {@link #own}); an empty view when it is null. */
  public static View read(Path dir) throws IOException {
    List<Envelope> queued = new ArrayList<>();
    List<Pending> pending = new ArrayList<>();
    List<Refusal> refused = new ArrayList<>();
    Map<String, String> requests = new TreeMap<>();
    long published = -1;
    if (dir == null) {
      return new View(published, queued, pending, refused, requests);
    }
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(entries::add);
    }
    entries.sort(null);
    for (Path p : entries) {
      String n = p.getFileName().toString();
      int dot = n.indexOf('.');
      String id = dot < 0 ? n : n.substring(0, dot);
      String kind = dot < 0 ? "" : n.substring(dot);
      try {
        if (n.equals(STAMP)) {
          published = Long.parseLong(Files.readString(p, StandardCharsets.US_ASCII).strip());
        } else if (kind.isEmpty()
            || !MessageIds.isValid(id)
            || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        } else if (kind.equals(COPY)) {
          queued.add(Envelope.decode(Files.readAllBytes(p)));
        } else if (kind.endsWith(PENDING)
            && dropBase(n.substring(0, n.length() - PENDING.length()) + ".drop") != null) {
          Map<String, List<String>> f = fields(p);
          pending.add(
              new Pending(
                  id,
                  number(f, "time"),
                  number(f, "size"),
                  first(f, "sender"),
                  f.getOrDefault("rcpt", List.of())));
        } else if (kind.equals(REFUSED)) {
          Map<String, List<String>> f = fields(p);
          refused.add(new Refusal(id, number(f, "time"), first(f, "why")));
        } else if (OPS.contains(kind.substring(1))) {
          requests.put(id, kind.substring(1));
        }
      } catch (NoSuchFileException | NumberFormatException | CorruptEntryException e) {
        // changed meanwhile, or not masq's: the view shows what it can
      }
    }
    return new View(published, queued, pending, refused, requests);
  }

  private static Map<String, List<String>> fields(Path p) throws IOException {
    Map<String, List<String>> f = new HashMap<>();
    for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        f.computeIfAbsent(line.substring(0, tab), k -> new ArrayList<>())
            .add(line.substring(tab + 1));
      }
    }
    return f;
  }

  private static String first(Map<String, List<String>> f, String key) {
    List<String> v = f.get(key);
    return v == null ? "" : v.get(0);
  }

  private static long number(Map<String, List<String>> f, String key) {
    String v = first(f, key);
    return v.isEmpty() ? 0 : Long.parseLong(v);
  }

  /**
   * Asks for {@code op} on one of the caller's messages (as the user). A queued message gets a
   * request file {@code ID.OP} that the next masq-deliver run carries out; a drop still waiting for
   * pickup is removed at once (the user owns it; the sticky maildrop lets its owner unlink it), and
   * so is the note of a refusal. Returns what was done, for the user.
   *
   * @throws MasqException 67 when {@code id} is not among the caller's; 75 when a drop is being
   *     picked up now, or a drop is to be held or released (it has no queue ID yet)
   */
  public static String request(Path spoolDir, Path dir, View v, String id, String op)
      throws MasqException, IOException {
    if (!MessageIds.isValid(id) || dir == null) {
      throw new MasqException(Exit.NOUSER, "no such message among yours: " + id);
    }
    for (Pending p : v.pending()) {
      if (!p.id().equals(id)) {
        continue;
      }
      if (!op.equals("remove")) {
        throw new MasqException(
            Exit.TEMPFAIL,
            id
                + " is waiting for pickup; it can be "
                + done(op)
                + " once the next masq-deliver run has queued it");
      }
      for (Path pend : pendingFiles(dir, id)) {
        String base = pend.getFileName().toString();
        base = base.substring(0, base.length() - PENDING.length());
        if (dropBase(base + ".drop") == null) {
          continue; // not a note masq-inject wrote
        }
        try {
          Files.delete(Maildrop.dir(spoolDir).resolve(base + ".drop"));
        } catch (NoSuchFileException e) {
          throw new MasqException(
              Exit.TEMPFAIL,
              id + " is being picked up now; see masq-queue list" + " after the masq-deliver run");
        }
        Files.deleteIfExists(pend);
      }
      return id + " removed (it was waiting for pickup)";
    }
    if (v.refused().stream().anyMatch(r -> r.id().equals(id)) && v.envelope(id) == null) {
      if (!op.equals("remove")) {
        throw new MasqException(
            Exit.NOUSER, id + " was refused by the pickup; there is nothing to " + op);
      }
      Files.deleteIfExists(dir.resolve(id + REFUSED));
      return id + ": the note of its refusal is removed";
    }
    if (v.envelope(id) == null) {
      throw new MasqException(Exit.NOUSER, "no such message among yours: " + id);
    }
    // the last request counts: a hold after a release (or the reverse) replaces it
    for (String other : OPS) {
      if (!other.equals(op)) {
        Files.deleteIfExists(dir.resolve(id + "." + other));
      }
    }
    Path req = dir.resolve(id + "." + op);
    if (!Files.isRegularFile(req, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(req);
      Files.createFile(
          req, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return id + ": " + op + " requested; the next masq-deliver run carries it out";
  }

  private static List<Path> pendingFiles(Path dir, String id) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, id + ".*" + PENDING)) {
      ds.forEach(out::add);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------
  // Mail's side (masq-deliver as mail or root): only through checked directory descriptors

  /** A user's directory that passed the checks, open as a descriptor. */
  private record UserDir(
      long uid, String login, UserPrincipal owner, SecureDirectoryStream<Path> ds)
      implements AutoCloseable {
    @Override
    public void close() throws IOException {
      ds.close();
    }
  }

  /** The entries of {@code users/}, sorted; none when the spool has no {@code users/}. */
  private static List<String> userNames(Spool spool) throws IOException {
    Path users = spool.root().resolve(DIR);
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(users, LinkOption.NOFOLLOW_LINKS)) {
      return names;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(users)) {
      ds.forEach(p -> names.add(p.getFileName().toString()));
    }
    names.sort(null);
    return names;
  }

  /**
   * Opens {@code users/NAME} when it is a real directory (not a link) owned by uid NAME; else
   * returns null, and logs why it is ignored when {@code report} (once per run is enough).
   */
  private static UserDir open(Spool spool, String name, MailLog log, boolean report) {
    return open(
        spool,
        name,
        why -> {
          if (report) {
            log.write(printable(name) + " ignored: " + why);
          }
        });
  }

  private static String printable(String name) {
    return DIR + "/" + name.replaceAll("[^\\x21-\\x7e]", "?");
  }

  /**
   * The entries of {@code users/} that every run ignores (not a uid, not that uid's own directory,
   * a link...), in name order, each as its path and {@code users/NAME: WHY}, for {@code masq-queue
   * check} ({@link Spool#check(boolean, Map)}).
   */
  public static Map<Path, String> unusable(Spool spool) throws IOException {
    Map<Path, String> out = new LinkedHashMap<>();
    for (String name : userNames(spool)) {
      String[] why = {null};
      UserDir u = open(spool, name, w -> why[0] = w);
      if (u != null) {
        u.close();
      } else if (why[0] != null) {
        out.put(spool.root().resolve(DIR).resolve(name), printable(name) + ": " + why[0]);
      }
    }
    return out;
  }

  private static UserDir open(
      Spool spool, String name, java.util.function.Consumer<String> ignored) {
    Path users = spool.root().resolve(DIR);
    if (!name.matches("0|[1-9][0-9]{0,9}")) {
      ignored.accept("not a uid (remove it)");
      return null;
    }
    long uid = Long.parseLong(name);
    Path p = users.resolve(name);
    try {
      Map<String, Object> a =
          Files.readAttributes(
              p, "unix:uid,isDirectory,isSymbolicLink,fileKey", LinkOption.NOFOLLOW_LINKS);
      String why = notOwnDirectory(a, uid, String.valueOf(uid));
      if (why != null) {
        ignored.accept(why + " (squatted? remove it)");
        return null;
      }
      SecureDirectoryStream<Path> ds;
      try (DirectoryStream<Path> parent = Files.newDirectoryStream(users)) {
        if (!(parent instanceof SecureDirectoryStream<Path> sp)) {
          ignored.accept("this system offers no safe access to directories (openat)");
          return null;
        }
        ds = sp.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
      }
      PosixFileAttributes opened =
          ds.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
      if (!a.get("fileKey").equals(opened.fileKey())) {
        ds.close();
        ignored.accept("replaced while it was checked");
        return null;
      }
      return new UserDir(uid, opened.owner().getName(), opened.owner(), ds);
    } catch (NoSuchFileException e) {
      return null; // removed meanwhile
    } catch (IOException e) {
      ignored.accept(
          e instanceof AccessDeniedException
              ? "permission denied (it must be" + " the user's, group mail, mode 2770)"
              : e.toString());
      return null;
    }
  }

  /** The pickup queued a drop: its pending note goes. */
  public static void pickedUp(Spool spool, MailLog log, long uid, String pickupName) {
    forget(spool, log, uid, pickupName, null);
  }

  /** The pickup refused a drop: its pending note goes, a note of the refusal takes its place. */
  public static void refused(Spool spool, MailLog log, long uid, String pickupName, String why) {
    forget(spool, log, uid, pickupName, why);
  }

  private static void forget(Spool spool, MailLog log, long uid, String pickupName, String why) {
    String base = dropBase(pickupName);
    if (base == null
        || !Files.isDirectory(spool.root().resolve(DIR), LinkOption.NOFOLLOW_LINKS)
        || !Files.exists(
            spool.root().resolve(DIR).resolve(Long.toString(uid)), LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (UserDir u = open(spool, Long.toString(uid), log, false)) {
      if (u == null) {
        return;
      }
      if (why != null) {
        String id = base.substring(0, base.indexOf('.'));
        write(
            u,
            id + REFUSED,
            ("masq-refused 1\ntime\t" + spool.clock().millis() + "\nwhy\t" + clean(why) + "\nend\n")
                .getBytes(StandardCharsets.UTF_8),
            null);
      }
      delete(u, base + PENDING);
    } catch (IOException e) {
      log.write(DIR + "/" + uid + ": cannot update the status of " + base + ": " + e);
    }
  }

  /**
   * Carries out the users' requests (after the pickup) and publishes the view when the pickup took
   * drops or a request was dealt with (else the view of the last run's end is current). The caller
   * holds the pickup lock ({@link Spool#lockPickup}), which serialises all writers of the area.
   */
  public static void afterPickup(Spool spool, MailLog log, boolean tookDrops) {
    serve(spool, log, true, tookDrops);
  }

  /**
   * Publishes the view at the end of a run, when no other run is picking up (that run publishes
   * then). Costs one lstat when the spool has no {@code users/}.
   */
  public static void publish(Spool spool, MailLog log) {
    if (!Files.isDirectory(spool.root().resolve(DIR), LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (FileChannel lock = spool.lockPickup()) {
      if (lock != null) {
        serve(spool, log, false, true);
      }
    } catch (IOException e) {
      log.write("users' status not published: " + e);
    }
  }

  private static void serve(Spool spool, MailLog log, boolean requests, boolean changed) {
    List<UserDir> dirs = new ArrayList<>();
    try {
      for (String name : userNames(spool)) {
        UserDir u = open(spool, name, log, requests);
        if (u != null) {
          dirs.add(u);
        }
      }
      if (dirs.isEmpty()) {
        return;
      }
      if (requests) {
        for (UserDir u : dirs) {
          changed |= carryOut(spool, log, u);
        }
      }
      if (changed) {
        publish(spool, log, dirs);
      }
    } catch (IOException e) {
      log.write("users' status not published: " + e);
    } finally {
      for (UserDir u : dirs) {
        try {
          u.close();
        } catch (IOException ignored) {
          // a directory descriptor: nothing was written through it at close
        }
      }
    }
  }

  /** Entries of a user's directory, sorted (read afresh: a stream's iterator serves once). */
  private static List<String> names(UserDir u) throws IOException {
    List<String> out = new ArrayList<>();
    try (SecureDirectoryStream<Path> again =
        u.ds().newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS)) {
      again.iterator().forEachRemaining(p -> out.add(p.getFileName().toString()));
    }
    out.sort(null);
    return out;
  }

  private static BasicFileAttributes lstat(UserDir u, String name) throws IOException {
    return u.ds()
        .getFileAttributeView(
            Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .readAttributes();
  }

  /** Deals with the requests in {@code u}; true when one was carried out or refused. */
  private static boolean carryOut(Spool spool, MailLog log, UserDir u) throws IOException {
    boolean acted = false;
    for (String n : names(u)) {
      int dot = n.indexOf('.');
      if (dot < 0 || !OPS.contains(n.substring(dot + 1))) {
        continue;
      }
      String id = n.substring(0, dot);
      String op = n.substring(dot + 1);
      String what =
          "request "
              + DIR
              + "/"
              + u.uid()
              + "/"
              + n.replaceAll("[^\\x21-\\x7e]", "?")
              + " of "
              + u.login();
      try {
        PosixFileAttributes a =
            u.ds()
                .getFileAttributeView(
                    Path.of(n), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
        String why =
            a.isSymbolicLink()
                ? "a symbolic link"
                : !a.isRegularFile()
                    ? "not a regular file"
                    : !a.owner().equals(u.owner())
                        ? "not owned by " + u.login()
                        : !MessageIds.isValid(id) ? "not a message ID" : null;
        if (why == null) {
          try {
            if (spool.read(id).uid() != u.uid()) {
              why = id + " is not " + u.login() + "'s";
            } else if (!change(spool, id, op, u.uid())) {
              continue; // being delivered: the next run tries again
            } else {
              log.write(id + " " + done(op) + " at the request of " + u.login());
            }
          } catch (CorruptEntryException e) {
            continue; // for the administrator (masq-queue check); the request waits
          } catch (MasqException e) {
            why = "no such message";
          }
        }
        if (why != null) {
          log.write(what + " refused: " + why);
        }
        acted = true;
        deleteAny(u, n, a.isDirectory());
      } catch (NoSuchFileException e) {
        // gone meanwhile
      } catch (IOException e) {
        log.write(what + " not carried out: " + e);
      }
    }
    return acted;
  }

  /** What the view needs of a queued message: its envelope file as it is now. */
  private record Copy(byte[] bytes, FileTime modified) {}

  private static void publish(Spool spool, MailLog log, List<UserDir> dirs) throws IOException {
    Map<Long, Map<String, Copy>> wanted = new HashMap<>();
    for (UserDir u : dirs) {
      wanted.put(u.uid(), new TreeMap<>());
    }
    // one scan of the queue for all users
    for (String id : spool.ids()) {
      try {
        Spool.Stored st = spool.stored(id);
        FileTime modified = Files.getLastModifiedTime(st.file());
        Map<String, Copy> mine = wanted.get(Envelope.decode(st.bytes()).uid());
        if (mine != null) {
          mine.put(id, new Copy(st.bytes(), modified));
        }
      } catch (NoSuchFileException | MasqException e) {
        // gone meanwhile, or for masq-queue check (corrupt): not shown
      }
    }
    long now = spool.clock().millis();
    for (UserDir u : dirs) {
      Map<String, Copy> mine = wanted.get(u.uid());
      try {
        for (String n : names(u)) {
          tidy(spool, u, n, mine, now);
        }
        for (var e : mine.entrySet()) {
          write(u, e.getKey() + COPY, e.getValue().bytes(), e.getValue().modified());
        }
        write(u, STAMP, (now + "\n").getBytes(StandardCharsets.US_ASCII), null);
      } catch (IOException e) {
        log.write(DIR + "/" + u.uid() + ": status not published: " + e);
      }
    }
  }

  /**
   * Deletes what the view no longer needs: copies of messages no longer queued, notes of drops
   * gone, old refusals, temporary files of a run that died, a user's half-written note older than a
   * day. A copy still current is taken off {@code mine}, so it is not written again.
   */
  private static void tidy(Spool spool, UserDir u, String n, Map<String, Copy> mine, long now)
      throws IOException {
    BasicFileAttributes a;
    try {
      a = lstat(u, n);
    } catch (NoSuchFileException e) {
      return;
    }
    if (n.startsWith(".") && n.endsWith(".tmp") && !n.endsWith(PENDING + ".tmp")) {
      deleteAny(u, n, a.isDirectory());
    } else if (n.endsWith(COPY)) {
      Copy c = mine.get(n.substring(0, n.length() - COPY.length()));
      if (c == null || !a.isRegularFile()) {
        deleteAny(u, n, a.isDirectory());
      } else if (a.lastModifiedTime().equals(c.modified()) && a.size() == c.bytes().length) {
        mine.remove(n.substring(0, n.length() - COPY.length()));
      }
    } else if (n.endsWith(PENDING)) {
      String base = n.substring(0, n.length() - PENDING.length());
      if (dropBase(base + ".drop") != null
          && !Files.exists(
              Maildrop.dir(spool.root()).resolve(base + ".drop"), LinkOption.NOFOLLOW_LINKS)
          && !Files.exists(spool.pickupFile(base + ".drop"), LinkOption.NOFOLLOW_LINKS)) {
        deleteAny(u, n, a.isDirectory()); // queued or refused by a run that had no note of it
      }
    } else if (n.endsWith(REFUSED)
        && now - a.lastModifiedTime().toMillis() > KEEP_REFUSED.toMillis()) {
      deleteAny(u, n, a.isDirectory());
    } else if (n.endsWith(PENDING + ".tmp")
        && now - a.lastModifiedTime().toMillis() > KEEP_UNFINISHED.toMillis()) {
      deleteAny(u, n, a.isDirectory()); // the user's masq-inject died before its rename
    }
  }

  /**
   * Writes {@code name} in a user's directory: a new file (O_EXCL, so never through a link the user
   * planted), mode 644 whatever the umask, renamed into place. {@code modified}: the time to give
   * it (a copy carries its original's, to tell later whether it is current).
   */
  private static void write(UserDir u, String name, byte[] content, FileTime modified)
      throws IOException {
    Path tmp = Path.of("." + name + "." + ProcessHandle.current().pid() + ".tmp");
    var opts =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    SeekableByteChannel ch;
    try {
      ch = u.ds().newByteChannel(tmp, opts);
    } catch (FileAlreadyExistsException e) {
      deleteAny(u, tmp.toString(), lstat(u, tmp.toString()).isDirectory());
      ch = u.ds().newByteChannel(tmp, opts);
    }
    try (SeekableByteChannel c = ch) {
      ByteBuffer bb = ByteBuffer.wrap(content);
      while (bb.hasRemaining()) {
        c.write(bb);
      }
    }
    PosixFileAttributeView view =
        u.ds().getFileAttributeView(tmp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    view.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
    if (modified != null) {
      view.setTimes(modified, null, null);
    }
    u.ds().move(tmp, u.ds(), Path.of(name));
  }

  private static void delete(UserDir u, String name) throws IOException {
    try {
      u.ds().deleteFile(Path.of(name));
    } catch (NoSuchFileException e) {
      // gone already
    }
  }

  /** Deletes an entry of a user's directory; a directory the user made there is left alone. */
  private static void deleteAny(UserDir u, String name, boolean isDirectory) throws IOException {
    if (!isDirectory) {
      delete(u, name);
    }
  }
}
