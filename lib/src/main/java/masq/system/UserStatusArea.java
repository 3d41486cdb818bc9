package masq.system;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import masq.Api;
import masq.Exit;
import masq.MasqException;
import masq.TempFile;
import masq.spool.CorruptEntryException;
import masq.spool.Envelope;
import masq.spool.MessageIds;
import masq.spool.Spool;

/**
 * System mode's per-user status area {@code spool_dir/users/} (mail's, mode 3733: anyone may create
 * an entry, nobody but mail may list it) as its user works on it: how a user who may not read the
 * queue still sees and manages the messages that are theirs (masq-inject notes its drops,
 * masq-queue reads the view and leaves requests). Mail's side is {@link StatusPublisher}; both
 * follow the layout named here. Layout and trust rules: spool-format.md, "The per-user status
 * area".
 *
 * <p>{@code users/UID} is made by that user's masq-inject or masq-queue (mode 2770, group mail
 * through the setgid parent: the user and mail may enter it, nobody else). In it:
 *
 * <ul>
 *   <li>{@code ID.HEX.pending} — written by the user after a drop {@code maildrop/ID.HEX.drop} is
 *       durable; deleted by the pickup (mail) once the drop is queued or refused;
 *   <li>{@code ID.refused} — written by the pickup when it refused the drop, with the reason; kept
 *       for {@link StatusPublisher#KEEP_REFUSED};
 *   <li>{@code ID.env} and {@code published} — the view: copies of the envelopes of the queued
 *       messages whose uid is UID, and when they were copied, rebuilt by every masq-deliver run;
 *   <li>{@code ID.remove}, {@code ID.hold}, {@code ID.release} — requests ({@link QueueOperation}),
 *       written by the user's masq-queue, carried out (and deleted) by the next masq-deliver run.
 * </ul>
 *
 * <p>SECURITY: everything here runs as the user, on the user's own {@code users/UID}, which is
 * checked with lstat to be a directory owned by the caller (not a link, not squatted) before it is
 * used.
 */
@Api
public final class UserStatusArea {
  /** The area's name in the spool. */
  static final String DIR = "users";

  /** When the view was last written: the epoch milliseconds as text. */
  static final String STAMP = "published";

  /** A queued message's envelope as the view copies it: {@code ID.env}. */
  static final String COPY = ".env";

  static final String PENDING = ".pending";
  static final String REFUSED = ".refused";

  private UserStatusArea() {}

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
   * name and renamed (not fsynced: see spool-format.md), with the time {@code clock} gives. The
   * drop is durable already, so a failure here is only returned as a warning (null when all went
   * well, or the spool has no {@code users/}).
   */
  public static String notePending(
      Path spoolDir, long uid, String drop, String sender, List<String> rcpts, Clock clock) {
    String base = dropBase(drop);
    if (base == null) {
      return null;
    }
    try {
      Path dir = own(spoolDir, uid, true);
      if (dir == null) {
        return null;
      }
      long size = Files.size(MaildropDir.of(spoolDir).resolve(drop));
      StringBuilder sb = new StringBuilder("masq-pending 1\n");
      sb.append("time\t").append(clock.millis()).append('\n');
      sb.append("size\t").append(size).append('\n');
      sb.append("sender\t").append(sender == null ? "" : clean(sender)).append('\n');
      for (String r : rcpts) {
        sb.append("rcpt\t").append(clean(r)).append('\n');
      }
      sb.append("end\n");
      Path tmp = dir.resolve("." + base + PENDING + ".tmp");
      // no fsync: a note lost in a crash only hides the drop until the pickup (the drop itself is
      // durable), and an fsync is a millisecond of every user's masq-inject
      TempFile.write(
          tmp,
          p ->
              FileChannel.open(
                  p,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING,
                  LinkOption.NOFOLLOW_LINKS),
          sb.toString().getBytes(StandardCharsets.UTF_8),
          false);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.move(tmp, dir.resolve(base + PENDING), StandardCopyOption.ATOMIC_MOVE);
      return null;
    } catch (MasqException e) {
      return e.getMessage();
    } catch (IOException e) {
      return "cannot note the drop in your status area: " + e;
    }
  }

  /** {@code s} with control characters made spaces, for a line of a note. */
  static String clean(String s) {
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
  static String notOwnDirectory(Map<String, Object> a, long uid, String whom) {
    if ((Boolean) a.get("isSymbolicLink")) {
      return "a symbolic link";
    }
    if (!(Boolean) a.get("isDirectory")) {
      return "not a directory";
    }
    long owner = ((Number) a.get("uid")).longValue();
    return owner != uid ? "owned by uid " + owner + ", not " + whom : null;
  }

  /** Reads the caller's own directory (see {@link #own}); an empty view when it is null. */
  public static UserStatus read(Path dir) throws IOException {
    List<Envelope> queued = new ArrayList<>();
    List<PendingDrop> pending = new ArrayList<>();
    List<DropRefusal> refused = new ArrayList<>();
    Map<String, QueueOperation> requests = new TreeMap<>();
    long published = -1;
    if (dir == null) {
      return new UserStatus(published, queued, pending, refused, requests);
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
              new PendingDrop(
                  id,
                  number(f, "time"),
                  number(f, "size"),
                  first(f, "sender"),
                  f.getOrDefault("rcpt", List.of())));
        } else if (kind.equals(REFUSED)) {
          Map<String, List<String>> f = fields(p);
          refused.add(new DropRefusal(id, number(f, "time"), first(f, "why")));
        } else if (QueueOperation.named(kind.substring(1)) != null) {
          requests.put(id, QueueOperation.named(kind.substring(1)));
        }
      } catch (NoSuchFileException | NumberFormatException | CorruptEntryException e) {
        // changed meanwhile, or not masq's: the view shows what it can
      }
    }
    return new UserStatus(published, queued, pending, refused, requests);
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
  public static String request(Path spoolDir, Path dir, UserStatus v, String id, QueueOperation op)
      throws MasqException, IOException {
    if (!MessageIds.isValid(id) || dir == null) {
      throw new MasqException(Exit.NOUSER, "no such message among yours: " + id);
    }
    for (PendingDrop p : v.pending()) {
      if (!p.id().equals(id)) {
        continue;
      }
      if (op != QueueOperation.REMOVE) {
        throw new MasqException(
            Exit.TEMPFAIL,
            id
                + " is waiting for pickup; it can be "
                + op.done()
                + " once the next masq-deliver run has queued it");
      }
      for (Path pend : pendingFiles(dir, id)) {
        String base = pend.getFileName().toString();
        base = base.substring(0, base.length() - PENDING.length());
        if (dropBase(base + ".drop") == null) {
          continue; // not a note masq-inject wrote
        }
        try {
          Files.delete(MaildropDir.of(spoolDir).resolve(base + ".drop"));
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
      if (op != QueueOperation.REMOVE) {
        throw new MasqException(
            Exit.NOUSER, id + " was refused by the pickup; there is nothing to " + op.word());
      }
      Files.deleteIfExists(dir.resolve(id + REFUSED));
      return id + ": the note of its refusal is removed";
    }
    if (v.envelope(id) == null) {
      throw new MasqException(Exit.NOUSER, "no such message among yours: " + id);
    }
    // the last request counts: a hold after a release (or the reverse) replaces it
    for (QueueOperation other : QueueOperation.values()) {
      if (other != op) {
        Files.deleteIfExists(dir.resolve(id + "." + other.word()));
      }
    }
    Path req = dir.resolve(id + "." + op.word());
    if (!Files.isRegularFile(req, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(req);
      Files.createFile(
          req, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return id + ": " + op.word() + " requested; the next masq-deliver run carries it out";
  }

  private static List<Path> pendingFiles(Path dir, String id) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, id + ".*" + PENDING)) {
      ds.forEach(out::add);
    }
    return out;
  }
}
