package masq.system;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import masq.Api;
import masq.Exit;
import masq.MasqException;
import masq.accept.DsnRequest;
import masq.accept.Submission;
import masq.address.Address;
import masq.address.AddressParser;
import masq.config.Config;
import masq.log.MailLog;
import masq.message.Header;
import masq.message.MessageReader;
import masq.spool.Envelope;
import masq.spool.MessageIds;
import masq.spool.Spool;

/**
 * System mode's maildrop: how a user who may not write the queue still queues mail. The user's
 * masq-inject writes {@code spool_dir/maildrop/ID.drop} (the directory is mode 1733: anyone may
 * create, nobody may list); masq-deliver, running as mail or root, picks it up.
 *
 * <p>A drop file is {@code masq-drop 1}, {@code key<TAB>value} lines, {@code end}, then the message
 * as read (line ends and dots already handled); spool-format.md has the details.
 *
 * <p>SECURITY: nothing in a drop file is trusted. The sender's identity is the file's owner; {@code
 * -f} is honoured only for trusted owners (root, mail, trusted_users); the envelope's uid must
 * match the owner. The file is taken out of the maildrop by an atomic rename into mail's {@code
 * tmp/} before it is looked at, then checked with lstat: a regular file with one link and a bounded
 * size, or it is never opened (and never followed through a symbolic link). A drop is mode 644 so
 * that mail can read it, under a name with 128 random bits: the maildrop cannot be listed, so only
 * its owner and mail can find it. Pickups are serialised by {@link Spool#lockPickup}, so a leftover
 * pickup file is always a dead run's.
 *
 * <p>Failures: anything that fails a check goes to {@code corrupt/} with a log line; a drop that
 * cannot be queued now (spool full) stays in {@code tmp/} for the next run; the writer exits 73
 * when the maildrop is missing or not writable, 75 on other write failures, leaving nothing.
 */
@Api
public final class Maildrop {
  static final String MAGIC = "masq-drop 1";

  /** The largest drop accepted when max_msg_size sets no limit. */
  static final long DEFAULT_CAP = 1L << 30;

  private static final int MAX_ENVELOPE = 64 * 1024;

  /** How long a drop may stay unfinished (.tmp) before it counts as a dead writer's. */
  static final Duration UNFINISHED = Duration.ofDays(1);

  private Maildrop() {}

  /** The maildrop of the spool at {@code spoolDir}: where ordinary users leave messages. */
  public static Path dir(Path spoolDir) {
    return MaildropDir.of(spoolDir);
  }

  /**
   * Writes a drop file (as the calling user): temporary name, fsync, rename. Returns its name. Exit
   * 73 when the maildrop cannot be written, 75 on other write failures.
   */
  public static String write(
      Path maildrop,
      MessageIds ids,
      long uid,
      DropRequest req,
      InputStream in,
      boolean dotEnds,
      long maxBody)
      throws MasqException {
    MessageReader reader = new MessageReader(in, dotEnds);
    List<Header> headers;
    try {
      headers = reader.readHeaders();
    } catch (IOException e) {
      throw new MasqException(Exit.IOERR, "cannot read message: " + e.getMessage(), e);
    }
    // the maildrop cannot be listed, so a name nobody can guess keeps the file to its owner and
    // mail, although mail (which has no other right to it) must be able to read it
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    String id = ids.next() + "." + java.util.HexFormat.of().formatHex(secret);
    Path tmp = maildrop.resolve(id + ".tmp");
    Path done = maildrop.resolve(id + ".drop");
    try {
      var readable = PosixFilePermissions.fromString("rw-r--r--");
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(readable))) {
        Files.setPosixFilePermissions(tmp, readable); // whatever the umask
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024);
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        sb.append("uid\t").append(uid).append('\n');
        if (req.sender() != null) {
          sb.append("sender\t<").append(req.sender()).append(">\n");
        }
        if (req.fullName() != null) {
          sb.append("fullname\t")
              .append(req.fullName().replaceAll("[\\x00-\\x1f]", " "))
              .append('\n');
        }
        if (req.fromHeaders()) {
          sb.append("from-headers\t1\n");
        }
        // checked by masq-inject (no tab or control character) and again by the pickup
        if (req.notifyOn() != null) {
          sb.append("notify\t").append(req.notifyOn()).append('\n');
        }
        if (req.ret() != null) {
          sb.append("ret\t").append(req.ret()).append('\n');
        }
        if (req.envid() != null) {
          sb.append("envid\t").append(req.envid()).append('\n');
        }
        for (String r : req.recipients()) {
          sb.append("rcpt\t<").append(r).append(">\n");
        }
        sb.append("end\n");
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        for (Header h : headers) {
          out.write(h.bytes());
        }
        out.write('\n');
        reader.copyBody(out, maxBody);
        out.flush();
        ch.force(true); // model: DROP_WRITE
      }
      Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE); // model: DROP_RENAME
      // model: DROP_SYNC. The rename must be durable before exit 0 promises the mail, and the
      // user may not open maildrop/ (mode 1733) to fsync it: an fsync of the renamed file
      // commits the rename with it on a journalling file system (ext4, XFS, btrfs)
      try (FileChannel ch = FileChannel.open(done, StandardOpenOption.READ)) {
        ch.force(true);
      }
      return done.getFileName().toString(); // model: DROP_ACK (masq-inject exits 0)
    } catch (MasqException e) {
      deleteQuietly(tmp);
      throw e;
    } catch (AccessDeniedException e) {
      deleteQuietly(tmp);
      throw new MasqException(
          Exit.CANTCREAT,
          "cannot write to maildrop "
              + maildrop
              + ": permission denied (it must be mode 1733, owned by mail)");
    } catch (NoSuchFileException e) {
      deleteQuietly(tmp);
      throw new MasqException(
          Exit.CANTCREAT,
          "no maildrop "
              + maildrop
              + ": the system-mode spool is not set up (make install-system)");
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw Spool.failure("cannot write to maildrop " + maildrop, e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // the maildrop is not ours to clean further
    }
  }

  /**
   * Moves every drop file into the queue (as mail or root). Returns the IDs queued. Bad files go to
   * {@code corrupt/}; a drop that cannot be queued now (spool full) stays for the next run.
   *
   * @param trusted whether a login may set the return path (-f)
   */
  public static List<String> pickup(Spool spool, Config cfg, MailLog log, Predicate<String> trusted)
      throws IOException {
    List<String> queued = new ArrayList<>();
    Path dir = dir(spool.root());
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return queued;
    }
    List<Path> drops = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(drops::add);
    }
    drops.sort(null);
    try (FileChannel pickupLock = spool.lockPickup()) {
      if (pickupLock == null) {
        return queued; // another run is picking up
      }
      pickupAll(spool, cfg, log, trusted, drops, queued);
    }
    return queued;
  }

  private static void pickupAll(
      Spool spool,
      Config cfg,
      MailLog log,
      Predicate<String> trusted,
      List<Path> drops,
      List<String> queued)
      throws IOException {
    // pickups that died earlier (a live one would hold the pickup lock): model: PICKUP_COMMIT
    List<Path> leftovers = spool.pickupFiles();
    for (Path work : leftovers) {
      try {
        process(spool, cfg, log, trusted, work, queued);
      } catch (IOException e) {
        log.write("maildrop " + work.getFileName() + " not picked up: " + e);
      }
    }
    // one user's odd file (a directory, a name too long to extend...) must not stop the others
    for (Path p : drops) {
      String n = p.getFileName().toString();
      try {
        if (n.endsWith(".tmp")) {
          dropUnfinished(spool, log, p); // else still being written by its user
          continue;
        }
        String safe =
            n.matches("[0-9A-Za-z._-]{1,128}")
                ? n
                : "odd-name-" + Integer.toHexString(n.hashCode());
        Path work = spool.pickupFile(safe);
        try {
          // model: PICKUP_RENAME, now out of the user's reach. Not fsynced: a crash may bring
          // the drop back into maildrop/, and the next run queues it again (at least once)
          Files.move(p, work, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
          continue; // another run took it
        }
        process(spool, cfg, log, trusted, work, queued);
      } catch (IOException e) {
        log.write("maildrop " + n.replaceAll("[^\\x21-\\x7e]", "?") + " not picked up: " + e);
      }
    }
    StatusPublisher.afterPickup(
        spool, log, !drops.isEmpty() || !leftovers.isEmpty()); // users' requests, their view
  }

  private static void process(
      Spool spool,
      Config cfg,
      MailLog log,
      Predicate<String> trusted,
      Path work,
      List<String> queued)
      throws IOException {
    String name = work.getFileName().toString();
    String why = refuse(work, cfg);
    if (why != null) {
      reject(spool, log, work, name, why);
      return;
    }
    long uid =
        ((Number) Files.getAttribute(work, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    String login = Files.getOwner(work, LinkOption.NOFOLLOW_LINKS).getName();
    FileChannel opened;
    try {
      // the user's own file, readable by mail because only its unguessable name leads to it
      opened = FileChannel.open(work, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (AccessDeniedException e) {
      reject(spool, log, work, name, "not readable (mode " + mode(work) + ")");
      return;
    }
    try (FileChannel ch = opened) {
      InputStream in = new java.io.BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
      Submission.Request req;
      try {
        req = request(readEnvelope(in), cfg, login, uid, trusted);
      } catch (MasqException e) {
        reject(spool, log, work, name, e.getMessage());
        return;
      }
      try {
        Envelope env = Submission.accept(in, req, cfg, spool, log); // model: PICKUP_COMMIT
        Files.delete(work); // model: PICKUP_UNLINK
        queued.add(env.id());
        log.write(env.id() + " picked up from maildrop " + name + " of " + login);
        StatusPublisher.pickedUp(spool, log, uid, name);
      } catch (MasqException e) {
        if (e.exitCode() == Exit.TEMPFAIL || e.exitCode() == Exit.IOERR) {
          log.write("maildrop " + name + " of " + login + " not queued yet: " + e.getMessage());
        } else {
          reject(spool, log, work, name, e.getMessage());
        }
      }
    } catch (NoSuchFileException e) {
      // taken by another run meanwhile
    }
  }

  /**
   * Deletes a drop still unfinished a day after it was last written: its writer died, and it was
   * never acknowledged (masq-inject exits 0 only after the rename to .drop).
   */
  private static void dropUnfinished(Spool spool, MailLog log, Path p) throws IOException {
    try {
      long age =
          spool.clock().millis()
              - Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
      if (age > UNFINISHED.toMillis()) {
        Files.delete(p);
        log.write(
            "maildrop "
                + p.getFileName()
                + " deleted: unfinished for "
                + age / 3_600_000
                + " hours (its writer died; never acknowledged)");
      }
    } catch (NoSuchFileException e) {
      // finished or taken meanwhile
    }
  }

  private static String mode(Path p) throws IOException {
    int mode = ((Number) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
    return Integer.toOctalString(mode & 07777);
  }

  /** Why a drop file must not be read, or null when it may. */
  private static String refuse(Path work, Config cfg) throws IOException {
    if (Files.isSymbolicLink(work)) {
      return "a symbolic link";
    }
    if (!Files.isRegularFile(work, LinkOption.NOFOLLOW_LINKS)) {
      return "not a regular file";
    }
    int links =
        ((Number) Files.getAttribute(work, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
    if (links != 1) {
      return "has " + links + " hard links";
    }
    long cap =
        cfg.accept().maxMsgSize() > 0
            ? cfg.accept().maxMsgSize() + MessageReader.MAX_HEADER_SECTION + MAX_ENVELOPE
            : DEFAULT_CAP;
    long size = Files.size(work);
    if (size > cap) {
      return "too large (" + size + " bytes)";
    }
    return null;
  }

  private static void reject(Spool spool, MailLog log, Path work, String name, String why)
      throws IOException {
    long owner =
        ((Number) Files.getAttribute(work, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    Path to = spool.quarantine(work);
    log.write("maildrop " + name + " refused: " + why + "; moved to corrupt/" + to.getFileName());
    StatusPublisher.refused(spool, log, owner, name, why);
  }

  /** The drop's envelope lines; the stream is left at the message. */
  static List<String[]> readEnvelope(InputStream in) throws IOException, MasqException {
    List<String[]> fields = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int total = 0;
    boolean first = true;
    while (true) {
      int c = in.read();
      if (c < 0 || ++total > MAX_ENVELOPE) {
        throw new MasqException(Exit.DATAERR, "not a masq drop file (no envelope end)");
      }
      if (c != '\n') {
        line.write(c);
        continue;
      }
      String l = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (first) {
        if (!l.equals(MAGIC)) {
          throw new MasqException(Exit.DATAERR, "not a masq drop file");
        }
        first = false;
        continue;
      }
      if (l.equals("end")) {
        return fields;
      }
      int tab = l.indexOf('\t');
      if (tab < 0) {
        throw new MasqException(Exit.DATAERR, "bad drop envelope line");
      }
      fields.add(new String[] {l.substring(0, tab), l.substring(tab + 1)});
    }
  }

  private static Submission.Request request(
      List<String[]> fields, Config cfg, String login, long uid, Predicate<String> trusted)
      throws MasqException {
    String sender = null;
    String fullName = null;
    boolean fromHeaders = false;
    String notifyOn = "";
    String ret = "";
    String envid = "";
    List<Address> rcpts = new ArrayList<>();
    for (String[] f : fields) {
      switch (f[0]) {
        case "uid" -> {
          if (!f[1].equals(Long.toString(uid))) {
            throw new MasqException(
                Exit.DATAERR,
                "forged identity: the envelope claims uid "
                    + f[1]
                    + ", the file belongs to "
                    + uid);
          }
        }
        case "sender" -> sender = unbracket(f[1]);
        case "fullname" -> fullName = f[1];
        case "from-headers" -> fromHeaders = f[1].equals("1");
        case "notify" -> notifyOn = checked("notify", DsnRequest.notify(f[1]));
        case "ret" -> ret = checked("ret", DsnRequest.ret(f[1]));
        case "envid" -> envid = checked("envid", DsnRequest.envid(f[1], false));
        case "rcpt" -> {
          Address a = AddressParser.parseEnvelope(f[1]);
          if (a.isNull()) {
            throw new MasqException(Exit.DATAERR, "empty recipient");
          }
          rcpts.add(a.qualify(cfg.names().hostName()));
        }
        default ->
            throw new MasqException(Exit.DATAERR, "unknown drop envelope field '" + f[0] + "'");
      }
    }
    Address returnPath = new Address(login, cfg.names().hostName());
    if (sender != null && trusted.test(login)) {
      returnPath = AddressParser.parseEnvelope(sender).qualify(cfg.names().hostName());
    }
    return Submission.Request.drop(
        returnPath,
        fullName,
        rcpts,
        fromHeaders,
        login,
        uid,
        notifyOn.isEmpty() && ret.isEmpty() && envid.isEmpty()
            ? null
            : new DsnRequest(ret, envid, notifyOn, java.util.Map.of()));
  }

  /** {@code value}, or a refusal of the drop naming {@code field} when it is null (malformed). */
  private static String checked(String field, String value) throws MasqException {
    if (value == null) {
      throw new MasqException(Exit.DATAERR, "bad drop envelope field '" + field + "'");
    }
    return value;
  }

  private static String unbracket(String v) throws MasqException {
    if (v.length() < 2 || v.charAt(0) != '<' || v.charAt(v.length() - 1) != '>') {
      throw new MasqException(Exit.DATAERR, "bad sender field");
    }
    return v.substring(1, v.length() - 1);
  }
}
