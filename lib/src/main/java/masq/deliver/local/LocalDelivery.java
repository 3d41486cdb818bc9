package masq.deliver.local;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
import masq.address.Address;
import masq.config.Config;
import masq.config.MailboxSettings;
import masq.deliver.notice.MessageVariables;
import masq.route.Variables;
import masq.route.Words;
import masq.spool.Envelope;
import masq.spool.MessageLock;

/**
 * Delivers one message to one local leaf of an alias expansion (deliver.c {@code deliver_local}): a
 * user's mailbox (mbox, Maildir or the MDA, as {@code mbox_users}, {@code mda_users}, {@code
 * maildir_users} and {@code mbox_default} say), a {@code |pipe} or a {@code /file}. Which local
 * parts exist: in single-user mode ({@code run_as_user}) every one that is a plain file name;
 * otherwise only users of the system's user database ("unknown user" fails).
 *
 * <p>SECURITY (system mode, {@code run_as_user = false}): nothing is written or run with root's
 * rights on a user's behalf. Run as root, new mboxes are given to their user (group mail, mode 660,
 * Debian's /var/mail), new Maildir folders and files to their user, and MDA, pipe and file
 * deliveries run as the recipient through util-linux's setpriv ({@link Account#runAs}): the user
 * the top-level recipient names, or mail when it names no user. Run as anyone else (mail), MDA,
 * pipe and file deliveries are refused (deferred, with the reason in the log), and a mailbox that
 * does not exist yet is deferred, since only root can create it for its user.
 */
public final class LocalDelivery {
  private final Config cfg;
  private final MailboxSettings boxes;
  private final Clock clock;
  private final Map<String, String> processEnv;
  private final Mbox mbox;
  private final Maildir maildir;
  private final boolean root;
  private final boolean system;
  private final List<String> mdaWords;

  /**
   * @param clock the time of From_ lines and Maildir names, in the zone of From_ lines
   * @param processEnv this process's environment (HOME, for commands in single-user mode;
   *     MASQ_SHORT_FLAGS, bin/launch.sh's JVM flags for {@link FileAppend})
   * @param uid the uid this process runs as (0: new mailboxes are given to their user)
   */
  public LocalDelivery(Config cfg, Clock clock, Map<String, String> processEnv, long uid)
      throws MasqException {
    this.cfg = cfg;
    this.boxes = cfg.mailboxes();
    this.clock = clock;
    this.processEnv = processEnv;
    this.mbox = new Mbox(clock, Duration.ofSeconds(10));
    this.maildir = new Maildir(clock, cfg.names().hostName());
    this.root = uid == 0 && !cfg.runAsUser();
    this.system = !cfg.runAsUser();
    List<String> w = null;
    if (boxes.mda() != null) {
      try {
        w = Words.split(boxes.mda());
      } catch (IllegalArgumentException e) {
        throw new MasqException(Exit.CONFIG, where("mda") + "mda: " + e.getMessage());
      }
    }
    this.mdaWords = w;
  }

  private String where(String option) {
    var s = cfg.setting(option);
    return s == null ? "" : s.where() + ": ";
  }

  /** How a user's mail is stored: mbox, maildir or mda. */
  String method(String localPart) {
    if (containsCaseless(boxes.mboxUsers(), localPart)) {
      return "mbox";
    }
    if (containsCaseless(boxes.mdaUsers(), localPart)) {
      return "mda";
    }
    if (containsCaseless(boxes.maildirUsers(), localPart)) {
      return "maildir";
    }
    return boxes.mboxDefault();
  }

  private static boolean containsCaseless(List<String> list, String s) {
    for (String x : list) {
      if (x.equalsIgnoreCase(s)) {
        return true;
      }
    }
    return false;
  }

  /** What {@link #deliver} would do, for --dry-run. */
  public String describe(Envelope env, Aliases.Leaf leaf, Address top) {
    return switch (leaf.kind()) {
      case PIPE -> "pipe to " + leaf.command();
      case FILE -> "append to file " + leaf.file();
      case REMOTE -> "waiting for a route";
      case USER -> {
        LocalResult bad = checkUser(leaf.address());
        if (bad != null) {
          yield "fail: " + bad.detail();
        }
        String m = method(leaf.address().localPart());
        try {
          yield switch (m) {
            case "mbox" -> "mbox " + cfg.dirs().mailDir().resolve(leaf.address().localPart());
            case "maildir" -> "maildir " + maildirFolder(env, leaf.address());
            default -> "mda " + String.join(" ", mdaArgs(env, leaf.address()));
          };
        } catch (MasqException e) {
          yield "defer: " + e.getMessage();
        }
      }
    };
  }

  /** Delivers the message of {@code env} to {@code leaf}; {@code top} is the envelope recipient. */
  public LocalResult deliver(MessageLock lock, Envelope env, Aliases.Leaf leaf, Address top) {
    if (boxes.deferAll()) {
      return LocalResult.deferred("4.3.2", "defer_all is set");
    }
    MessageCopy copy = new MessageCopy(top.toString(), env.sender(), lock::openMessage);
    String fromLine = MessageCopy.fromLine(env.sender(), clock.instant(), clock.getZone());
    switch (leaf.kind()) {
      case PIPE -> {
        List<String> argv;
        try {
          argv = Words.split(leaf.command());
        } catch (IllegalArgumentException e) {
          return LocalResult.failed(
              "5.3.0", "bad pipe command '" + leaf.command() + "': " + e.getMessage());
        }
        Map<String, String> vars = environment(env, top, top);
        if (system) {
          AsRecipient as = asRecipient("pipe to " + leaf.command(), top, argv, vars);
          if (as.refusal() != null) {
            return as.refusal();
          }
          return PipeCommand.run(
              as.label(),
              as.argv(),
              vars,
              out ->
                  copy.writeTo(out, boxes.pipeFromline() ? fromLine : null, boxes.pipeFromhack()),
              boxes.mdaTimeout());
        }
        return PipeCommand.run(
            argv,
            vars,
            out -> copy.writeTo(out, boxes.pipeFromline() ? fromLine : null, boxes.pipeFromhack()),
            boxes.mdaTimeout());
      }
      case FILE -> {
        if (system) {
          AsRecipient as =
              asRecipient(
                  "file " + leaf.file(),
                  top,
                  FileAppend.command(leaf.file(), processEnv.get("MASQ_SHORT_FLAGS")),
                  new LinkedHashMap<>());
          return as.refusal() != null
              ? as.refusal()
              : PipeCommand.run(
                  as.label(),
                  as.argv(),
                  Map.of(),
                  out -> copy.writeTo(out, fromLine, true),
                  boxes.mdaTimeout());
        }
        return mbox.append(leaf.file(), null, out -> copy.writeTo(out, fromLine, true));
      }
      case REMOTE -> {
        return LocalResult.deferred("4.4.0", "waiting for a route");
      }
      default -> {
        // a user's mailbox
      }
    }
    Address user = leaf.address();
    LocalResult bad = checkUser(user);
    if (bad != null) {
      return bad;
    }
    UserPrincipal owner = null;
    if (root) {
      try {
        owner =
            FileSystems.getDefault()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName(user.localPart());
      } catch (IOException e) {
        owner = null;
      }
    }
    try {
      String how = method(user.localPart());
      if (system && !root) {
        LocalResult no = notAsMail(how, env, user);
        if (no != null) {
          return no;
        }
      }
      if (how.equals("mbox") && cfg.runAsUser() && !Files.isDirectory(cfg.dirs().mailDir())) {
        try {
          Files.createDirectories(
              cfg.dirs().mailDir()); // single-user mode: the user's own directory
        } catch (IOException e) {
          return LocalResult.deferred(
              "4.2.0", "cannot create mail_dir " + cfg.dirs().mailDir() + ": " + Mbox.reason(e));
        }
      }
      return switch (how) {
        case "mbox" ->
            mbox.append(
                cfg.dirs().mailDir().resolve(user.localPart()),
                owner == null ? null : Mbox.Owner.mailSpool(owner),
                out -> copy.writeTo(out, fromLine, true));
        case "maildir" ->
            maildir.deliver(maildirFolder(env, user), owner, out -> copy.writeTo(out, null, false));
        default -> {
          Map<String, String> vars = environment(env, user, top);
          List<String> argv = mdaArgs(env, user);
          Mbox.Writer message =
              out -> copy.writeTo(out, boxes.mdaFromline() ? fromLine : null, boxes.mdaFromhack());
          if (!root) {
            yield PipeCommand.run(argv, vars, message, boxes.mdaTimeout());
          }
          AsRecipient as = asRecipient(argv.get(0), user, argv, vars);
          yield as.refusal() != null
              ? as.refusal()
              : PipeCommand.run(as.label(), as.argv(), vars, message, boxes.mdaTimeout());
        }
      };
    } catch (MasqException e) {
      return LocalResult.deferred("4.3.5", e.getMessage());
    }
  }

  /**
   * System mode, not root (masq-deliver runs as mail): what cannot be done without giving mail's
   * rights to a user, or null when the delivery may go ahead.
   */
  private LocalResult notAsMail(String how, Envelope env, Address user) throws MasqException {
    return switch (how) {
      case "mbox" ->
          Files.exists(
                  cfg.dirs().mailDir().resolve(user.localPart()),
                  java.nio.file.LinkOption.NOFOLLOW_LINKS)
              ? null
              : LocalResult.deferred(
                  "4.2.0",
                  "mailbox "
                      + cfg.dirs().mailDir().resolve(user.localPart())
                      + " does not exist and only root can create it for "
                      + user.localPart()
                      + " (run masq-deliver as root once, or create it with mode 660, group mail)");
      case "maildir" ->
          Files.isDirectory(maildirFolder(env, user))
              ? null
              : LocalResult.deferred(
                  "4.2.0",
                  "Maildir "
                      + maildirFolder(env, user)
                      + " does not exist and only root can create it for "
                      + user.localPart());
      default -> refused("MDA " + boxes.mda());
    };
  }

  /** A delivery that must run as the recipient, by a masq-deliver that cannot change user. */
  private static LocalResult refused(String what) {
    return LocalResult.deferred(
        "4.7.0",
        what
            + " refused: in system mode it runs as the recipient,"
            + " which needs masq-deliver to run as root");
  }

  /** A command to run as the recipient, or why it may not run. */
  private record AsRecipient(String label, List<String> argv, LocalResult refusal) {}

  /**
   * System mode: {@code argv} wrapped to run as the user the top-level recipient names (else mail),
   * which only root can do; {@code vars} gets that user's HOME.
   */
  private AsRecipient asRecipient(
      String what, Address top, List<String> argv, Map<String, String> vars) {
    if (!root) {
      return new AsRecipient(null, null, refused(what));
    }
    Account who;
    try {
      who = Account.lookup(top.localPart());
      if (who == null) {
        who = Account.lookup("mail");
      }
    } catch (IOException e) {
      // not "no such user": running the command as mail instead would be wrong, so wait
      return new AsRecipient(
          null,
          null,
          LocalResult.deferred(
              "4.3.0", "cannot look up user " + top.localPart() + ": " + e.getMessage()));
    }
    if (who == null) {
      return new AsRecipient(
          null,
          null,
          LocalResult.deferred(
              "4.3.0",
              "cannot look up user " + top.localPart() + " or mail to run " + what + " as"));
    }
    return new AsRecipient(what + " as " + who.name(), asUser(who, argv, vars), null);
  }

  /** {@code argv} run as {@code who}, with the user's HOME for procmail and friends. */
  private static List<String> asUser(Account who, List<String> argv, Map<String, String> vars) {
    vars.put("HOME", who.home());
    return who.runAs(argv);
  }

  /** Null when the local part may be delivered to; else the failure. */
  private LocalResult checkUser(Address user) {
    String local = user.localPart();
    if (local.contains("/")
        || local.equals(".")
        || local.equals("..")
        || local.startsWith("\"")
        || local.isEmpty()) {
      return LocalResult.failed("5.1.3", "local part '" + local + "' cannot name a mailbox");
    }
    if (cfg.runAsUser()) {
      return null;
    }
    try {
      FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(local);
      return null;
    } catch (UserPrincipalNotFoundException e) {
      return LocalResult.failed("5.1.1", "unknown user " + local);
    } catch (IOException e) {
      return LocalResult.deferred("4.3.0", "cannot look up user " + local + ": " + Mbox.reason(e));
    }
  }

  private Path maildirFolder(Envelope env, Address user) throws MasqException {
    try {
      Path p =
          Path.of(
              Variables.expandOrFail(
                  boxes.maildirPath(),
                  Variables.recipient(MessageVariables.of(env, cfg.names().hostName()), user)));
      // relative to the directory of the configuration file, like every file name in it
      return p.isAbsolute() || cfg.file() == null ? p : cfg.file().resolveSibling(p);
    } catch (Variables.UnknownVariable e) {
      throw new MasqException(
          Exit.CONFIG, where("maildir_path") + "maildir_path: " + e.getMessage());
    }
  }

  private List<String> mdaArgs(Envelope env, Address user) throws MasqException {
    if (mdaWords == null) {
      throw new MasqException(
          Exit.CONFIG, "mbox_default or mda_users names the MDA, but mda is not set");
    }
    Map<String, String> vars =
        Variables.recipient(MessageVariables.of(env, cfg.names().hostName()), user);
    List<String> out = new java.util.ArrayList<>();
    for (String w : mdaWords) {
      try {
        out.add(Variables.expandOrFail(w, vars));
      } catch (Variables.UnknownVariable e) {
        throw new MasqException(Exit.CONFIG, where("mda") + "mda: " + e.getMessage());
      }
    }
    return out;
  }

  /** masqmail's environment for MDA and pipe commands (local.c pipe_out). */
  private Map<String, String> environment(Envelope env, Address rcpt, Address ancestor) {
    Map<String, String> e = new LinkedHashMap<>();
    String rp = env.sender();
    int at = rp.lastIndexOf('@');
    e.put("RETURN_PATH", rp);
    e.put("SENDER", rp);
    e.put("SENDER_DOMAIN", at < 0 ? "" : rp.substring(at + 1));
    e.put("SENDER_LOCAL", at < 0 ? rp : rp.substring(0, at));
    e.put("RECEIVED_HOST", env.clientAddress() == null ? "" : env.clientAddress());
    e.put("DOMAIN", rcpt.domain() == null ? "" : rcpt.domain().toLowerCase(Locale.ROOT));
    e.put("LOCAL_PART", rcpt.localPart());
    e.put("USER", ancestor.localPart());
    e.put("LOGNAME", ancestor.localPart());
    e.put("MESSAGE_ID", env.id());
    e.put("QUALIFY_DOMAIN", cfg.names().hostName());
    String home = processEnv.get("HOME");
    if (cfg.runAsUser() && home != null) {
      e.put("HOME", home); // procmail and friends look for their rc file there
    }
    return e;
  }
}
