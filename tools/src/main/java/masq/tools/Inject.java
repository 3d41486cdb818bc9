package masq.tools;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
import masq.accept.Maildrop;
import masq.accept.Submission;
import masq.address.Address;
import masq.address.AddressParser;
import masq.config.Config;
import masq.deliver.QueueRunner;
import masq.log.MailLog;
import masq.route.Locality;
import masq.spool.Envelope;
import masq.spool.MessageIds;
import masq.spool.Spool;
import masq.spool.UserView;

/**
 * masq-inject — read one message on stdin and put it in the spool.
 *
 * <pre>
 * masq-inject [-C FILE] [-t] [-i|-oi] [-f ADDR] [-F NAME] [-odq|-odi|-odb] [-B TYPE] [-oX...] [--] [RCPT...]
 * </pre>
 *
 * <p>The reference is masq-inject(1). Unless -odq or do_queue, the local recipients are then
 * delivered at once (-odb: by a detached masq-deliver --id ID); a delivery problem is only a
 * warning, since the message is safe in the spool. Exit 0 only once the message is durable in the
 * spool (fsynced and renamed into place). Usage errors and a message without recipients exit 64,
 * bad input 65, empty input 66, a configuration error 78, a spool that is full or cannot be written
 * 75 or 73 — and then nothing of the message stays behind.
 *
 * <p>SECURITY: the return path set with -f is honoured only for trusted callers (single-user mode,
 * root, mail, trusted_users); otherwise it is the caller's login at host_name. Addresses are
 * checked strictly, so no control character or bracket reaches an envelope. In system mode a caller
 * other than root and mail never touches the queue: it writes into the maildrop (see Maildrop), and
 * the pickup, not this process, decides on its identity and -f.
 */
public final class Inject extends Tool {
  Inject(PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    super("masq-inject", out, err, env, clock);
  }

  public static void main(String[] args) {
    exit(new Inject(System.out, System.err, System.getenv(), Clock.systemUTC()), args);
  }

  @Override
  String usage() {
    return """
    usage: masq-inject [-C FILE] [-t] [-i|-oi] [-f ADDR] [-F NAME] [-odq|-odi|-odb]
                       [-B TYPE] [-oX...] [-v] [--] [RCPT...]
    Reads one message on stdin and queues it for delivery.
      -t          also send to the addresses in To:, Cc: and Bcc: (Bcc: is always removed)
      -i, -oi     a line with only "." does not end the message
      -f ADDR     return path (-f '<>' for the null sender)
      -F NAME     full name for a generated From: header
      -odq        queue only; -odi deliver now (default); -odb deliver in the background
      -C FILE     configuration file (default $MASQ_CONF, /etc/masq/masq.conf, built-in)
      -v          more detail on stderr
    Ignored for compatibility: -oX (other than -oi, -od), -m, -B TYPE, -bm, -N, -R, -V, -X.
    See masq-inject(1).
    """;
  }

  /** What the command line asked for. */
  static final class Options {
    boolean fromHeaders;
    boolean dotIgnore;
    String sender;
    String fullName;
    char deliveryMode = 'i';
    final List<String> recipients = new ArrayList<>();
  }

  @Override
  int run(String[] args) throws MasqException, IOException {
    Options o = new Options();
    if (!parse(args, o)) {
      return Exit.OK;
    }
    Config cfg = loadConfig();
    return inject(new FileInputStream(FileDescriptor.in), o, cfg);
  }

  /** Parses the command line into {@code o}; false when help or version was shown. */
  boolean parse(String[] args, Options o) throws MasqException {
    int i = 0;
    while (i < args.length) {
      int end = operandsAt(args, i);
      if (end >= 0) {
        i = end;
        break;
      }
      String a = args[i];
      int used = common(args, i);
      if (used < 0) {
        return false;
      }
      if (used > 0) {
        i += used;
        continue;
      }
      switch (a) {
        case "-t" -> o.fromHeaders = true;
        case "-i", "-oi" -> o.dotIgnore = true;
        case "-odq" -> o.deliveryMode = 'q';
        case "-odi", "-odf" -> o.deliveryMode = 'i';
        case "-odb" -> o.deliveryMode = 'b';
        case "-m", "-bm", "-U" -> {
          // ignored for compatibility
        }
        case "-f", "-r", "-F", "-B", "-N", "-R", "-V", "-X", "-p", "-L" -> {
          if (i + 1 >= args.length) {
            throw usageError(a + " needs a value");
          }
          value(o, a, args[i + 1]);
          i++;
        }
        default -> {
          String opt = a.substring(0, 2);
          if (a.startsWith("-o")) {
            break; // -oXXX: ignored for compatibility
          }
          if ("-f-r-F-B-N-R-V-X-p-L".contains(opt) && a.length() > 2) {
            value(o, opt, a.substring(2));
          } else {
            throw usageError("unknown option " + a);
          }
        }
      }
      i++;
    }
    while (i < args.length) {
      o.recipients.add(args[i++]);
    }
    return true;
  }

  private static void value(Options o, String opt, String v) {
    switch (opt) {
      case "-f", "-r" -> o.sender = v;
      case "-F" -> o.fullName = v;
      default -> {
        // -B, -N, -R, -V, -X, -p, -L take a value that masq ignores
      }
    }
  }

  /** Queues the message read from {@code in}; returns the exit code. */
  int inject(InputStream in, Options o, Config cfg) throws MasqException {
    String login = login();
    long uid = uid();
    List<Address> rcpts = new ArrayList<>();
    for (String r : o.recipients) {
      // an address list, as sendmail takes it: "a, b", "Name <addr>", control characters refused
      for (Address a : AddressParser.parseArgument(r)) {
        rcpts.add(a.qualify(cfg.hostName()));
      }
    }
    Address sender = new Address(login, cfg.hostName());
    if (o.sender != null) {
      Address wanted = AddressParser.parseEnvelope(o.sender).qualify(cfg.hostName());
      if (trusted(cfg, login, uid)) {
        sender = wanted;
      } else if (verbose > 0) {
        err.println(name + ": -f " + o.sender + " ignored: " + login + " is not a trusted user");
      }
    }
    if (!cfg.runAsUser() && uid != 0 && !login.equals("mail")) {
      // system mode, unprivileged caller: leave it in the maildrop for masq-deliver to pick up
      List<String> names = rcpts.stream().map(Address::toString).toList();
      String drop =
          Maildrop.write(
              cfg.spoolDir().resolve("maildrop"),
              new MessageIds(clock, ProcessHandle.current().pid()),
              uid,
              new Maildrop.Request(o.sender, o.fullName, o.fromHeaders, names),
              in,
              !o.dotIgnore,
              cfg.maxMsgSize());
      if (verbose > 0) {
        err.println(
            name + ": left in the maildrop as " + drop + "; the next masq-deliver run queues it");
      }
      // for masq-queue list; the message is safe already, so a problem is only a warning (with -v:
      // a mail client may take anything on stderr for a failure)
      String problem = UserView.notePending(cfg.spoolDir(), uid, drop, sender.toString(), names);
      if (problem != null && verbose > 0) {
        err.println(name + ": warning: " + problem);
      }
      return Exit.OK;
    }
    Submission.Request req =
        new Submission.Request(
            sender,
            o.fullName,
            rcpts,
            o.fromHeaders,
            !o.dotIgnore,
            "local",
            login,
            uid,
            null,
            null);
    Spool spool = openSpool(cfg);
    MailLog log = log(cfg);
    Envelope env = Submission.accept(Submission.input(in), req, cfg, spool, log);
    if (verbose > 0) {
      err.println(
          name + ": queued as " + env.id() + " for " + env.recipients().size() + " recipient(s)");
    }
    boolean anyLocal =
        cfg.logUser() != null || rcptsOf(env).stream().anyMatch(Locality.of(cfg)::isLocal);
    if (cfg.doQueue() || !anyLocal) {
      return Exit.OK; // nothing for now: remote mail waits for a queue run with a route
    }
    if (o.deliveryMode == 'i') {
      deliverNow(cfg, spool, log, env.id());
    } else if (o.deliveryMode == 'b') {
      deliverInBackground(cfg, env.id());
    }
    return Exit.OK;
  }

  private static List<Address> rcptsOf(Envelope env) {
    List<Address> out = new ArrayList<>();
    for (var r : env.recipients()) {
      int at = r.address().lastIndexOf('@');
      out.add(
          at < 0
              ? new Address(r.address(), null)
              : new Address(r.address().substring(0, at), r.address().substring(at + 1)));
    }
    return out;
  }

  /**
   * Delivers the local recipients of the message just queued. It is already safe in the spool, so
   * whatever happens here only shows as a warning: the exit code stays 0.
   */
  private void deliverNow(Config cfg, Spool spool, MailLog log, String id) {
    try {
      new QueueRunner(cfg, spool, log, clock, uid(), out, err, verbose).run(List.of(id), false);
    } catch (MasqException | IOException | RuntimeException e) {
      err.println(
          name + ": warning: " + id + " is queued but was not delivered now: " + e.getMessage());
    }
  }

  /** -odb: the same in a detached {@code masq-deliver --id ID}, started with this JVM's flags. */
  private void deliverInBackground(Config cfg, String id) {
    ProcessHandle.Info info = ProcessHandle.current().info();
    List<String> cmd = new ArrayList<>();
    String[] jvmArgs = info.arguments().orElse(new String[0]);
    cmd.add(
        info.command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String a : jvmArgs) {
      if (a.equals(Inject.class.getName()) || a.equals(Sendmail.class.getName())) {
        break; // the JVM's own flags end at the main class (sendmail runs this in-process)
      }
      cmd.add(a);
    }
    cmd.add(Deliver.class.getName());
    if (cfg.file() != null) {
      cmd.add("-C");
      cmd.add(cfg.file().toString());
    }
    cmd.add("--id");
    cmd.add(id);
    try {
      new ProcessBuilder(cmd)
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      err.println(
          name
              + ": warning: "
              + id
              + " is queued; cannot start background delivery: "
              + e.getMessage());
    }
  }

  /** May this caller set the return path? */
  static boolean trusted(Config cfg, String login, long uid) {
    return cfg.runAsUser()
        || uid == 0
        || login.equals("mail")
        || login.equals("root")
        || cfg.trustedUsers().contains(login);
  }
}
