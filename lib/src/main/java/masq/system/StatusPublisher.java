package masq.system;

import static masq.system.UserStatusArea.COPY;
import static masq.system.UserStatusArea.DIR;
import static masq.system.UserStatusArea.PENDING;
import static masq.system.UserStatusArea.REFUSED;
import static masq.system.UserStatusArea.STAMP;
import static masq.system.UserStatusArea.clean;
import static masq.system.UserStatusArea.dropBase;
import static masq.system.UserStatusArea.notOwnDirectory;

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
import masq.Api;
import masq.MasqException;
import masq.log.MailLog;
import masq.spool.CorruptEntryException;
import masq.spool.Envelope;
import masq.spool.MessageIds;
import masq.spool.Spool;
import masq.spool.StoredEnvelope;

/**
 * Mail's side of system mode's per-user status areas {@code users/UID} (see {@link UserStatusArea}
 * for the layout): masq-deliver, as mail or root, notes what the pickup did with each drop, carries
 * out the users' requests, and publishes to each user a view of the queued messages that are
 * theirs.
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
@Api
public final class StatusPublisher {
  /** How long a refusal stays for its user to see. */
  static final Duration KEEP_REFUSED = Duration.ofDays(7);

  /** How long a user's half-written pending note may stay (its masq-inject may still run). */
  static final Duration KEEP_UNFINISHED = Duration.ofDays(1);

  private StatusPublisher() {}

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
    return DIR + "/" + masq.Printable.of(name);
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
  static void pickedUp(Spool spool, MailLog log, long uid, String pickupName) {
    forget(spool, log, uid, pickupName, null);
  }

  /** The pickup refused a drop: its pending note goes, a note of the refusal takes its place. */
  static void refused(Spool spool, MailLog log, long uid, String pickupName, String why) {
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
            spool,
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
  static void afterPickup(Spool spool, MailLog log, boolean tookDrops) {
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
      QueueOperation op = dot < 0 ? null : QueueOperation.named(n.substring(dot + 1));
      if (op == null) {
        continue;
      }
      String id = n.substring(0, dot);
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
            } else if (!op.apply(spool, id, u.uid())) {
              continue; // being delivered: the next run tries again
            } else {
              log.write(id + " " + op.done() + " at the request of " + u.login());
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
        StoredEnvelope st = spool.stored(id);
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
          write(spool, u, e.getKey() + COPY, e.getValue().bytes(), e.getValue().modified());
        }
        write(spool, u, STAMP, (now + "\n").getBytes(StandardCharsets.US_ASCII), null);
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
              MaildropDir.of(spool.root()).resolve(base + ".drop"), LinkOption.NOFOLLOW_LINKS)
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
   * planted), mode 644 whatever the umask, renamed into place; its temporary name carries the pid
   * the spool was opened with. {@code modified}: the time to give it (a copy carries its
   * original's, to tell later whether it is current).
   */
  private static void write(Spool spool, UserDir u, String name, byte[] content, FileTime modified)
      throws IOException {
    Path tmp = Path.of("." + name + "." + spool.pid() + ".tmp");
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
