package masq.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import masq.Api;

/**
 * What {@code masq-queue check} finds: files that crashes leave behind. Stale temporary files
 * (never acknowledged to anyone) are deleted on repair; everything else that is not a whole message
 * is moved to {@code corrupt/}, never deleted. Files that a live process holds locked are work in
 * progress and are left alone.
 */
@Api
public final class SpoolCheck {
  private final List<String> problems = new ArrayList<>();
  private final List<String> repairs = new ArrayList<>();

  /** Paths reported already (and where repairs moved them): not reported again for their mode. */
  private final Set<Path> reported = new HashSet<>();

  private int messages;

  public List<String> problems() {
    return problems;
  }

  public List<String> repairs() {
    return repairs;
  }

  /** Whole, readable messages seen. */
  public int messages() {
    return messages;
  }

  static SpoolCheck run(SpoolLayout spool, boolean repair, Map<Path, String> unusableAreas)
      throws IOException {
    SpoolCheck c = new SpoolCheck(); // model: REPAIR (when repair is true)
    c.checkTmp(spool, repair);
    c.checkQueue(spool, repair);
    c.checkUsers(spool, repair, unusableAreas);
    c.checkModes(spool, repair);
    return c;
  }

  private void problem(Path p, String text) {
    reported.add(p);
    problems.add(text);
  }

  /**
   * Modes looser than the ones masq gives (spool-format.md): in single-user mode every directory
   * and file in the spool, which no one but the owner may use, and the spool directory itself,
   * which no one but the owner may write (others may list it: it holds only masq's fixed names and
   * each is private on its own); in system mode {@code queue/}, {@code tmp/} and {@code corrupt/}
   * (the rest has modes of its own, which install-system.sh sets). Symbolic links, FIFOs and the
   * like are not looked at (a FIFO is opened by no one here). One problem per path, unless it was
   * reported for something else; repair takes the group's and the others' rights away.
   *
   * <p>SECURITY: root may check a user's spool, so nothing in it is followed: the walk goes through
   * each directory's descriptor ({@code openat}, {@code fstatat} and {@code fchmodat} without
   * following links), so a link or a directory a user swaps in meanwhile is never gone through.
   */
  private void checkModes(SpoolLayout spool, boolean repair) throws IOException {
    if (spool.systemMode()) {
      for (Path d : List.of(spool.tmpDir(), spool.queueDir(), spool.corruptDir())) {
        checkMode(
            spool,
            d,
            Files.getFileAttributeView(d, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS),
            repair);
      }
      return;
    }
    Path root = spool.root(); // spool_dir itself may be a link to the spool
    if (checkMode(
        spool, root, Files.getFileAttributeView(root, PosixFileAttributeView.class), repair)) {
      walk(spool, root, Files.newDirectoryStream(root), repair);
    }
  }

  private void walk(SpoolLayout spool, Path dir, DirectoryStream<Path> ds, boolean repair)
      throws IOException {
    try (ds) {
      if (!(ds instanceof SecureDirectoryStream<Path> sds)) {
        throw new IOException("cannot check the modes in " + dir + " without following links");
      }
      List<Path> names = new ArrayList<>();
      for (Path p : sds) {
        names.add(p.getFileName());
      }
      names.sort(null);
      for (Path name : names) {
        Path p = dir.resolve(name);
        if (checkMode(
            spool,
            p,
            sds.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS),
            repair)) {
          DirectoryStream<Path> sub;
          try {
            sub = sds.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
          } catch (NoSuchFileException | java.nio.file.NotDirectoryException gone) {
            continue; // removed or replaced meanwhile
          }
          walk(spool, p, sub, repair);
        }
      }
    }
  }

  /** Checks (and mends) the mode of {@code p} through {@code view}; true when it is a directory. */
  private boolean checkMode(SpoolLayout spool, Path p, PosixFileAttributeView view, boolean repair)
      throws IOException {
    PosixFileAttributes a;
    try {
      a = view.readAttributes();
    } catch (NoSuchFileException gone) {
      return false; // removed meanwhile
    }
    if (!a.isDirectory() && !a.isRegularFile()) {
      return false;
    }
    Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
    mode.addAll(a.permissions());
    // the spool directory itself holds only the names masq gives (queue/, tmp/, VERSION ...),
    // each checked on its own: reading or passing through it shows nothing, writing to it would
    // let others replace what is in it (a root made with mkdir, 0755, is no problem)
    boolean loose =
        p.equals(spool.root())
            ? !Collections.disjoint(mode, OTHERS_WRITE)
            : !Collections.disjoint(mode, OTHERS);
    if (loose) {
      mode.removeAll(OTHERS);
      String name =
          p.equals(spool.root())
              ? p + "/"
              : spool.root().relativize(p) + (a.isDirectory() ? "/" : "");
      if (!reported.contains(p)) {
        problems.add(
            "mode "
                + octal(a.permissions())
                + " of "
                + name
                + " lets others in (masq makes it "
                + (a.isDirectory() ? "0700" : "0600")
                + ")");
      }
      if (repair) {
        view.setPermissions(mode);
        repairs.add("mode of " + name + " set to " + octal(mode));
      }
    }
    return a.isDirectory();
  }

  /** The group's and the others' rights. */
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.complementOf(
          EnumSet.of(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE));

  /** The group's and the others' right to write. */
  private static final Set<PosixFilePermission> OTHERS_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

  /** {@code 0644} for rw-r--r--. */
  static String octal(Set<PosixFilePermission> mode) {
    String rwx = PosixFilePermissions.toString(mode); // owner's read first, others' execute last
    int bits = 0;
    for (int i = 0; i < rwx.length(); i++) {
      bits |= rwx.charAt(i) == '-' ? 0 : 0400 >> i;
    }
    String o = Integer.toOctalString(bits);
    return "0000".substring(o.length()) + o;
  }

  /**
   * System mode: entries of {@code users/} that no run uses (squatted, links, not a uid) are moved
   * to {@code corrupt/}, out of everyone's way; the rightful user's next command makes a new one.
   */
  private void checkUsers(SpoolLayout spool, boolean repair, Map<Path, String> unusable)
      throws IOException {
    for (var e : unusable.entrySet()) {
      problem(e.getKey(), "unusable status area " + e.getValue());
      if (repair) {
        try {
          moveToCorrupt(spool, e.getKey());
        } catch (NoSuchFileException gone) {
          // removed meanwhile
        }
      }
    }
  }

  private void checkTmp(SpoolLayout spool, boolean repair) throws IOException {
    for (Path p : list(spool.tmpDir())) {
      String n = p.getFileName().toString();
      String rel = "tmp/" + n;
      if (n.equals(SpoolLayout.PICKUP_LOCK)) {
        continue; // kept: it only carries the pickup lock
      }
      if (n.endsWith(".pickup")) {
        if (!SpoolLayout.isLocked(spool.tmpDir().resolve(SpoolLayout.PICKUP_LOCK))) {
          // mail a user dropped; the next masq-deliver run queues it, so it is never deleted
          problem(
              p, "maildrop file awaiting pickup " + rel + " (the next masq-deliver run takes it)");
        }
        continue;
      }
      if (n.startsWith(SpoolLayout.SENT_JOURNAL)
          && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        if (!SpoolLayout.isLocked(p)) {
          // what servers took from a run that died: the next masq-deliver run records it
          problem(
              p,
              "sent journal of a run that died "
                  + rel
                  + " (the next masq-deliver run records its deliveries)");
        }
        continue;
      }
      if (n.endsWith(SpoolLayout.MSG) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        if (SpoolLayout.isLocked(p)) {
          continue; // a message being written right now
        }
      } else if (n.contains(SpoolLayout.ENV + ".") && n.endsWith(".tmp")) {
        long writer = pidOf(n);
        if (writer > 0
            && ProcessHandle.of(writer).map(ProcessHandle::isAlive).orElse(false)
            && writer != ProcessHandle.current().pid()) {
          continue; // an envelope being replaced right now
        }
      } else if (n.startsWith("VERSION.")) {
        long writer = pidOf(n);
        if (writer > 0 && ProcessHandle.of(writer).isPresent()) {
          continue;
        }
      }
      if (n.endsWith(SpoolLayout.MSG) && links(p) > 1) {
        // the writer died after the commit (the link into queue/), before unlinking this name
        problem(p, "second name of a queued message " + rel);
        if (repair) {
          Files.deleteIfExists(p);
          repairs.add("deleted " + rel + " (queue/" + n + " is the message)");
        }
        continue;
      }
      problem(p, "stale temporary file " + rel);
      if (repair) {
        Files.deleteIfExists(p);
        repairs.add("deleted " + rel + " (never committed)");
      }
    }
  }

  private static int links(Path p) throws IOException {
    return ((Number) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
  }

  private static long pidOf(String name) {
    String[] parts = name.split("\\.");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isEmpty()
          && parts[i].chars().allMatch(Character::isDigit)
          && parts[i].length() < 11) {
        return Long.parseLong(parts[i]);
      }
    }
    return -1;
  }

  private void checkQueue(SpoolLayout spool, boolean repair) throws IOException {
    TreeSet<String> ids = new TreeSet<>();
    for (Path p : list(spool.queueDir())) {
      String n = p.getFileName().toString();
      String id =
          n.endsWith(SpoolLayout.MSG)
              ? n.substring(0, n.length() - SpoolLayout.MSG.length())
              : n.endsWith(SpoolLayout.ENV)
                  ? n.substring(0, n.length() - SpoolLayout.ENV.length())
                  : null;
      if (id == null
          || !MessageIds.isValid(id)
          || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        problem(p, "unexpected file queue/" + n);
        if (repair) {
          moveToCorrupt(spool, p);
        }
        continue;
      }
      ids.add(id);
    }
    for (String id : ids) {
      Path msg = spool.queueDir().resolve(id + SpoolLayout.MSG);
      Path env = spool.queueDir().resolve(id + SpoolLayout.ENV);
      if (Files.exists(msg) && SpoolLayout.isLocked(msg)) {
        messages++; // being delivered or changed right now
        continue;
      }
      // look again now that nobody holds it
      if (!Files.exists(msg)) {
        if (Files.exists(env)) {
          problem(env, "envelope without message data queue/" + id + SpoolLayout.ENV);
          if (repair) {
            moveToCorrupt(spool, env);
          }
        }
        continue;
      }
      String why;
      try {
        why = damage(spool, id, msg);
      } catch (NoSuchFileException ex) {
        continue; // removed meanwhile
      }
      if (why == null) {
        messages++;
      } else {
        problem(msg, "unreadable message " + id + ": " + why);
        reported.add(env);
        if (repair) {
          if (Files.exists(env)) {
            moveToCorrupt(spool, env);
          }
          moveToCorrupt(spool, msg);
        }
      }
    }
  }

  /**
   * What is wrong with the message {@code id}, or null: its current envelope must be readable and
   * for this id, and its size must be the length of the message data: where the envelope inside the
   * file starts, or the whole file for a version 1 message (which has none, and whose last line may
   * happen to look like the line that says where one starts).
   */
  private static String damage(SpoolLayout spool, String id, Path msg) throws IOException {
    try (FileChannel ch = FileChannel.open(msg, StandardOpenOption.READ)) {
      Envelope e = Envelope.decode(spool.stored(id, ch).bytes());
      long offset = Trailer.offset(ch);
      if (!e.id().equals(id)) {
        return "envelope names another id (" + e.id() + ")";
      } else if (offset != e.size() && ch.size() != e.size()) {
        return "message data is "
            + (offset < 0 ? ch.size() : offset)
            + " bytes, envelope says "
            + e.size();
      }
      return null;
    } catch (CorruptEntryException ex) {
      return ex.getMessage();
    }
  }

  private void moveToCorrupt(SpoolLayout spool, Path p) throws IOException {
    Path target = spool.quarantine(p);
    reported.add(target);
    repairs.add("moved " + spool.root().relativize(p) + " to corrupt/" + target.getFileName());
  }

  private static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        out.add(p);
      }
    }
    out.sort(null);
    return out;
  }
}
