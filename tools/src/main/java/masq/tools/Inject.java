package masq.tools;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import masq.Exit;
import masq.MasqException;
import masq.Printable;
import masq.Version;
import masq.accept.DsnRequest;
import masq.accept.Submission;
import masq.address.Address;
import masq.address.AddressParser;
import masq.address.Utf8;
import masq.config.Config;
import masq.config.NearestWord;
import masq.deliver.QueueRunner;
import masq.deliver.RouteSelection;
import masq.log.MailLog;
import masq.route.Locality;
import masq.route.Routes;
import masq.spool.Envelope;
import masq.spool.MessageIds;
import masq.spool.Spool;
import masq.system.DropRequest;
import masq.system.Maildrop;
import masq.system.UserStatusArea;

/**
 * masq-inject — read one message on stdin and put it in the spool.
 *
 * <p>The reference is masq-inject(1); {@code masq-inject --help} lists the options (OPTIONS).
 * Unless -odq or do_queue, the message is then delivered at once: local recipients, and remote ones
 * over the permanent routes and the connection online now. By default the local recipients are
 * delivered in this process and the remote part by a detached masq-deliver --id ID (when a route
 * may be usable), so that the exit never waits on a network; -odi delivers everything in this
 * process before exiting, -odb everything in the detached run. A delivery problem is only a warning
 * (with -v), since the message is safe in the spool. Exit 0 only once the message is durable in the
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

  /**
   * masq-inject's own options, as --help lists them: the words parse takes (any other {@code -oX}
   * is ignored), and with a value those of {@link #takesValue}.
   */
  private static final List<OptionDef> OPTIONS =
      List.of(
          OptionDef.flag(
              "-t", "also send to the addresses in To:, Cc: and Bcc: (Bcc: is always removed)"),
          new OptionDef(
              List.of("-i", "-oi"), null, "a line with only \".\" does not end the message"),
          OptionDef.valued("-f", "ADDR", "return path (-f '<>' for the null sender)"),
          OptionDef.valued("-r", "ADDR", "the same as -f (an old synonym)"),
          OptionDef.valued("-F", "NAME", "full name for a generated From: header"),
          OptionDef.valued(
              "-N",
              "WHEN",
              "delivery status notifications: never, or some of success,failure,delay"),
          OptionDef.valued("-R", "full|hdrs", "what a notice returns of the message"),
          OptionDef.valued("-V", "ID", "the envelope ID for notices"),
          OptionDef.flag("-odq", "queue only"),
          new OptionDef(List.of("-odi", "-odf"), null, "deliver everything before exiting"),
          OptionDef.flag("-odb", "deliver everything in the background"),
          new OptionDef(List.of("-m", "-bm", "-U"), null, "ignored for compatibility"),
          new OptionDef(List.of("-B", "-X", "-p", "-L"), "VALUE", "ignored for compatibility"));

  @Override
  String synopsis() {
    return """
    usage: masq-inject [-C FILE] [-t] [-i|-oi] [-f ADDR] [-F NAME] [-odq|-odi|-odb]
                       [-N WHEN] [-R full|hdrs] [-V ID] [-B TYPE] [-oX...] [-v] [--strict]
                       [--] [RCPT...]
    Reads one message on stdin and queues it for delivery: by default local mail is
    delivered now and remote mail in the background. Other -oX options are ignored.
    """;
  }

  @Override
  List<OptionDef> options() {
    return withCommon(OPTIONS);
  }

  @Override
  String manPage() {
    return "masq-inject(1)";
  }

  /** What the command line asked for. */
  static final class InjectOptions {
    boolean fromHeaders;
    boolean dotIgnore;
    String sender;
    String fullName;

    /** -N, -R, -V (sendmail's DSN options), checked; null when not given. */
    String notifyOn;

    String ret;
    String envid;

    /**
     * 'd' the default (local recipients here, the rest in the background), 'i' an explicit -odi or
     * -odf (everything here), 'b' -odb (everything in the background), 'q' -odq (nothing now).
     */
    char deliveryMode = 'd';

    final List<String> recipients = new ArrayList<>();
  }

  @Override
  int run(String[] args) throws MasqException, IOException {
    InjectOptions o = new InjectOptions();
    if (!parse(args, o)) {
      return Exit.OK;
    }
    // -odi: a bad permanent route file is said once, by the warning that the mail is not sent
    Config cfg =
        o.deliveryMode == 'i'
            ? loadConfig(c -> c.accept().doQueue() ? Set.of() : Routes.filesOfRun(c, null))
            : loadConfig();
    return inject(new FileInputStream(FileDescriptor.in), o, cfg);
  }

  /**
   * The options of sendmail's grammar that take a value, as the next argument or joined ({@code -f
   * ADDR}, {@code -fADDR}); sendmail passes them on to masq-inject with their values.
   */
  static boolean takesValue(String option) {
    return VALUE_OPTIONS.contains(option);
  }

  private static final List<String> VALUE_OPTIONS = names(OPTIONS, true);

  /**
   * The names of {@code defs}, of all or ({@code valued}) of those that take a value; for the
   * nearest to an unknown option, every option of masq-inject: {@code names(options(), false)}.
   */
  private static List<String> names(List<OptionDef> defs, boolean valued) {
    List<String> out = new ArrayList<>();
    for (OptionDef d : defs) {
      if (!valued || d.arg() != null) {
        out.addAll(d.names());
      }
    }
    return out;
  }

  /**
   * Parses the command line into {@code o}; false when help or version was shown.
   *
   * <p>Hand-parsed, not with Commons CLI (CliParser), for two reasons. The grammar is sendmail's,
   * which a getopt-style parser does not model cleanly: {@code -oXXX} is any word, of which {@code
   * -oi}, {@code -odq}, {@code -odi}, {@code -odb} mean something and the rest are ignored, while
   * {@code -o} as an option with a value would swallow the next argument; {@code -bm} is a word,
   * not {@code -b} with a value; options end at the first recipient, and an unknown option before
   * it must be an error, where Commons CLI's stop-at-operand mode takes it for a recipient. And
   * masq-inject runs once per message: Commons CLI's classes would be loaded on every start (see
   * README, Dependencies).
   */
  boolean parse(String[] args, InjectOptions o) throws MasqException {
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
        default -> {
          if (takesValue(a)) {
            if (i + 1 >= args.length) {
              throw usageError(a + " needs a value");
            }
            value(o, a, args[++i]);
          } else if (a.startsWith("-od")) {
            // sendmail's and masqmail's delivery modes are b, i and q (and f for i): not a guess
            throw usageError("unknown delivery mode " + a + " (masq knows -odb, -odi, -odq)");
          } else if (a.startsWith("-o")) {
            // -oXXX: ignored for compatibility
          } else if (a.length() > 2 && takesValue(a.substring(0, 2))) {
            value(o, a.substring(0, 2), a.substring(2));
          } else {
            throw usageError("unknown option " + a + NearestWord.hint(a, names(options(), false)));
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

  /**
   * Handles a common option at {@code args[i]}; returns how many arguments it used (0 when it is
   * not a common option), or -1 when the command should stop (help or version shown).
   */
  private int common(String[] args, int i) throws MasqException {
    String a = args[i];
    switch (a) {
      case "-h", "--help" -> {
        out.print(usage());
        return -1;
      }
      case "--version" -> {
        out.println(name + " (masq) " + Version.VERSION);
        return -1;
      }
      case "--strict" -> {
        strict = true;
        return 1;
      }
      case "-C" -> {
        if (i + 1 >= args.length) {
          throw usageError("-C needs a file name");
        }
        configFile = fileArgument("-C", args[i + 1]);
        return 2;
      }
      default -> {
        if (a.startsWith("-C") && a.length() > 2) {
          configFile = fileArgument("-C", a.substring(2));
          return 1;
        }
        if (a.length() > 1 && a.charAt(0) == '-' && a.chars().skip(1).allMatch(c -> c == 'v')) {
          verbose += a.length() - 1;
          return 1;
        }
        return 0;
      }
    }
  }

  /**
   * Where sendmail-style options end: when {@code args[i]} is {@code --} (skipped), {@code -} or a
   * word without a leading dash, the index of the first operand; -1 while it is an option.
   */
  static int operandsAt(String[] args, int i) {
    String a = args[i];
    if (a.equals("--")) {
      return i + 1;
    }
    return !a.startsWith("-") || a.equals("-") ? i : -1;
  }

  private void value(InjectOptions o, String opt, String v) throws MasqException {
    switch (opt) {
      case "-f", "-r" -> o.sender = v;
      case "-F" -> o.fullName = v;
      case "-N" -> {
        o.notifyOn = DsnRequest.notify(v);
        if (o.notifyOn == null) {
          throw usageError("-N needs never, or some of success,failure,delay: " + v);
        }
      }
      case "-R" -> {
        o.ret = DsnRequest.ret(v);
        if (o.ret == null) {
          throw usageError("-R needs full or hdrs: " + v);
        }
      }
      case "-V" -> {
        o.envid = DsnRequest.envid(v, false);
        if (o.envid == null) {
          throw usageError("-V needs an envelope ID of printable ASCII, at most 100 characters");
        }
      }
      default -> {
        // -B, -X, -p, -L take a value that masq ignores
      }
    }
  }

  /** The DSN options of the command line (only when one was given: off the plain path). */
  private static DsnRequest dsn(InjectOptions o) {
    return new DsnRequest(
        o.ret == null ? "" : o.ret,
        o.envid == null ? "" : o.envid,
        o.notifyOn == null ? "" : o.notifyOn,
        java.util.Map.of());
  }

  /** Queues the message read from {@code in}; returns the exit code. */
  int inject(InputStream in, InjectOptions o, Config cfg) throws MasqException {
    String login = login();
    long uid = uid();
    List<Address> rcpts = new ArrayList<>();
    for (String r : o.recipients) {
      // an address list, as sendmail takes it: "a, b", "Name <addr>", control characters refused
      for (Address a : AddressParser.parseArgument(r)) {
        rcpts.add(a.qualify(cfg.names().hostName()));
      }
    }
    if (o.fullName != null && Utf8.invalidAt(o.fullName) >= 0) {
      throw new MasqException(
          Exit.DATAERR, "invalid full name '" + Printable.of(o.fullName) + "': " + Utf8.INVALID);
    }
    Address sender = new Address(login, cfg.names().hostName());
    if (o.sender != null) {
      Address wanted = AddressParser.parseEnvelope(o.sender).qualify(cfg.names().hostName());
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
              Maildrop.dir(cfg.dirs().spoolDir()),
              new MessageIds(clock, ProcessHandle.current().pid()),
              uid,
              new DropRequest(
                  o.sender, o.fullName, o.fromHeaders, names, o.notifyOn, o.ret, o.envid),
              in,
              !o.dotIgnore,
              cfg.accept().maxMsgSize());
      if (verbose > 0) {
        err.println(
            name + ": left in the maildrop as " + drop + "; the next masq-deliver run queues it");
      }
      // for masq-queue list; the message is safe already, so a problem is only a warning (with -v:
      // a mail client may take anything on stderr for a failure)
      String problem =
          UserStatusArea.notePending(
              cfg.dirs().spoolDir(), uid, drop, sender.toString(), names, clock);
      if (problem != null && verbose > 0) {
        err.println(name + ": warning: " + problem);
      }
      return Exit.OK;
    }
    Submission.Request req =
        Submission.Request.local(
            sender,
            o.fullName,
            rcpts,
            o.fromHeaders,
            !o.dotIgnore,
            login,
            uid,
            o.notifyOn == null && o.ret == null && o.envid == null ? null : dsn(o));
    Spool spool = openSpool(cfg);
    ZoneId zone = zoneNow(clock);
    MailLog log = log(cfg, zone);
    Envelope env = Submission.accept(Submission.input(in), req, cfg, spool, log, zone);
    if (verbose > 0) {
      err.println(
          name + ": queued as " + env.id() + " for " + env.recipients().size() + " recipient(s)");
    }
    if (!cfg.accept().doQueue() && o.deliveryMode != 'q') {
      deliverAtOnce(cfg, spool, log, env, o.deliveryMode);
    }
    return Exit.OK;
  }

  /**
   * Delivery at once of the message just queued, by {@code mode} (see {@link InjectOptions}): local
   * recipients, and remote ones over the permanent routes and the connection online now. The
   * message is safe in the spool already, so whatever happens here is only a warning and the exit
   * code stays 0; how each recipient fared is said with -v only (a mail client may take anything on
   * stderr for a failure).
   */
  private void deliverAtOnce(Config cfg, Spool spool, MailLog log, Envelope env, char mode) {
    String id = env.id();
    if (mode == 'i') {
      deliverNow(cfg, spool, log, id, true); // -odi: everything, before exiting
      return;
    }
    Locality locality = Locality.of(cfg);
    List<Address> rcpts = rcptsOf(env);
    boolean anyLocal =
        cfg.mailboxes().logUser() != null || rcpts.stream().anyMatch(locality::isLocal);
    boolean anyRemote = !rcpts.stream().allMatch(locality::isLocal);
    // a route may be usable: masq-deliver finds out (online_query runs there, not here)
    boolean routes =
        !cfg.online().permanentRoutes().isEmpty()
            || cfg.online().onlineQuery() != null && !cfg.online().onlineQuery().isBlank()
            || cfg.online().onlineFile() != null;
    if (mode == 'b') {
      if (anyLocal || anyRemote && routes) {
        detach(cfg, log, List.of(id)); // -odb: everything in the background
      }
      return;
    }
    // the default: local recipients here; the remote part (with alias targets and bounces the
    // local pass left for a route) in the background, so that this exit never waits on a network
    List<String> forRoutes = anyRemote ? List.of(id) : List.of();
    if (anyLocal) {
      QueueRunner.Result r = deliverNow(cfg, spool, log, id, false);
      if (r != null) {
        forRoutes = r.waiting();
      }
    }
    if (routes && !forRoutes.isEmpty()) {
      detach(cfg, log, forRoutes);
    }
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
   * Delivers the message in this process: its local recipients, and with {@code routes} its remote
   * ones too, over the routes usable now (as masq-deliver --id ID). Returns what the run did, or
   * null when it could not run: then a warning says why (e.g. an alias file that does not parse),
   * with or without -v, as the next queue run will fail the same way.
   */
  private QueueRunner.Result deliverNow(
      Config cfg, Spool spool, MailLog log, String id, boolean routes) {
    try {
      QueueRunner runner =
          new QueueRunner(
              cfg,
              spool,
              log,
              clock.withZone(ZoneId.systemDefault()),
              env,
              uid(),
              out,
              err,
              verbose);
      if (routes) {
        runner.useRoutes(RouteSelection.of(cfg, null, strict));
      }
      return runner.run(List.of(id), false);
    } catch (MasqException | IOException | RuntimeException e) {
      err.println(
          name + ": warning: " + id + " is queued but was not delivered now: " + e.getMessage());
      return null;
    }
  }

  /**
   * Starts a detached masq-deliver --id for {@code ids} (see ImmediateDelivery) and does not wait
   * for it. When it cannot start, the mail waits for the next queue run: logged, said with -v.
   */
  private void detach(Config cfg, MailLog log, List<String> ids) {
    try {
      Process fork =
          ImmediateDelivery.startDetached(
              ImmediateDelivery.program(env), cfg.file(), ids, true, false);
      // a few ms: the run is forked off and this exits at once (see startDetached)
      fork.waitFor(5, TimeUnit.SECONDS);
      if (verbose > 0) {
        err.println(name + ": started masq-deliver --id " + String.join(" ", ids) + " (detached)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // started; this process ends anyway
    } catch (IOException e) {
      log.write(
          String.join(" ", ids)
              + " cannot start masq-deliver ("
              + e.getMessage()
              + "); stays queued for the next queue run");
      if (verbose > 0) {
        err.println(
            name
                + ": warning: "
                + String.join(" ", ids)
                + " is queued; cannot start masq-deliver: "
                + e.getMessage());
      }
    }
  }

  /** May this caller set the return path? */
  static boolean trusted(Config cfg, String login, long uid) {
    return cfg.runAsUser()
        || uid == 0
        || login.equals("mail")
        || login.equals("root")
        || cfg.accept().trustedUsers().contains(login);
  }
}
