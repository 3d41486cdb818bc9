package masq.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
import masq.Printable;
import masq.config.Config;
import masq.deliver.QueueRunner;
import masq.deliver.RouteSelection;
import masq.log.MailLog;
import masq.notify.Notifier;
import masq.notify.NotifyEvent;
import masq.route.IgnoredOptions;
import masq.route.Routes;
import masq.spool.CorruptEntryException;
import masq.spool.Envelope;
import masq.spool.Recipient;
import masq.spool.Spool;
import masq.spool.SpoolCheck;
import masq.system.QueueOperation;
import masq.system.StatusPublisher;
import masq.system.UserStatusArea;
import org.apache.commons.cli.CommandLine;

/**
 * masq-queue — look at and manage the spool.
 *
 * <p>The reference is masq-queue(1); {@code masq-queue --help} lists the commands and options. An
 * unknown ID exits 67 naming it; a message that a delivery run holds locked cannot be removed, held
 * or released now (exit 75, try again). {@code check} exits 0 when the spool is clean (or was
 * repaired) and 65 when it found problems it did not repair. {@code status} is a monitoring plugin
 * (QueueStatus): its first line on stdout, exit 0 to 3, and anything that keeps it from judging the
 * queue is UNKNOWN (3). {@code bounce} gives up on messages (one DSN each to the sender, through
 * the queue run's own bounce path); {@code hold --route NAME} pauses one connection or route for
 * every masq-deliver run until released.
 *
 * <p>SECURITY: IDs given on the command line are checked against the ID syntax before any file name
 * is built from them, so no path outside the spool can be named. In system mode an ordinary user
 * (neither root nor mail) sees and changes only messages whose envelope uid is theirs (others are
 * "no such message"). The queue of a system-mode spool is readable by mail and root only, so such a
 * user works on the view masq-deliver publishes in the user's own {@code users/UID}
 * (UserStatusArea: checked to be a directory the user owns), and remove, hold and release become
 * requests that the next run checks and carries out; cat and check are refused. Without {@code
 * users/}, one line saying that the queue is not readable (exit 73).
 */
public final class QueueTool extends Tool {
  private static final List<String> COMMANDS =
      List.of("list", "status", "show", "cat", "remove", "hold", "release", "bounce", "check");

  /** The uid whose messages this caller may see and change, or -1 for all (set by run). */
  private long mine = -1;

  /** The configuration and spool of a command on the queue itself (set by command). */
  private Config cfg;

  private Spool spool;

  /** How messages are shown, made when first needed (see {@link #listing()}). */
  private QueueListing listing;

  QueueTool(PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    super("masq-queue", out, err, env, clock);
  }

  public static void main(String[] args) {
    exit(new QueueTool(System.out, System.err, System.getenv(), Clock.systemUTC()), args);
  }

  /** masq-queue's own options, as --help lists them; they may stand anywhere among the words. */
  private static final List<OptionDef> OPTIONS =
      List.of(
          OptionDef.flag("--json", "list and status: as JSON"),
          OptionDef.flag(
              "--prometheus",
              "status: as Prometheus metrics (the node exporter's textfile collector); exit 0"),
          OptionDef.flag("--repair", "check: also repair what it finds"),
          OptionDef.valued(
              "--route", "NAME", "hold and release: pause or resume connection or route NAME"));

  @Override
  String synopsis() {
    return """
    usage: masq-queue [-C FILE] [-v] [list] [--json]
           masq-queue [-C FILE] status [--json | --prometheus]
           masq-queue [-C FILE] show ID | cat ID
           masq-queue [-C FILE] remove ID... | hold ID... | release ID... | bounce ID...
           masq-queue [-C FILE] hold --route NAME | release --route NAME
           masq-queue [-C FILE] check [--repair]
    Lists and manages the messages in the spool.
    """;
  }

  @Override
  List<OptionDef> options() {
    return withCommon(OPTIONS);
  }

  @Override
  String manPage() {
    return "masq-queue(1)";
  }

  @Override
  int run(String[] args) throws MasqException, IOException {
    if (!List.of(args).contains("status")) {
      return commandLine(args);
    }
    // the monitoring plugin: whatever keeps it from judging the queue is UNKNOWN, on stdout
    try {
      return commandLine(args);
    } catch (MasqException | IOException | RuntimeException e) {
      String why = Printable.of(e.getMessage() == null ? e.toString() : e.getMessage());
      if (List.of(args).contains("--json")) {
        out.print(QueueStatus.unknownJson(why));
      } else if (List.of(args).contains("--prometheus")) {
        out.print(QueueMetrics.unknown());
      } else {
        out.println("MASQ UNKNOWN - " + why);
      }
      err.println(name + ": " + why);
      return QueueStatus.UNKNOWN;
    }
  }

  private int commandLine(String[] args) throws MasqException, IOException {
    CommandLine cl = CliParser.parse(this, args);
    if (cl == null) {
      return Exit.OK;
    }
    List<String> words = cl.getArgList();
    boolean json = cl.hasOption("json");
    boolean prometheus = cl.hasOption("prometheus");
    if (prometheus && json) {
      throw usageError("--json and --prometheus do not go together");
    }
    if (prometheus && !(words.isEmpty() ? "list" : words.get(0)).equals("status")) {
      throw usageError("--prometheus goes with status");
    }
    boolean repair = cl.hasOption("repair");
    String route = CliParser.last(cl, "route");
    String cmd = words.isEmpty() ? "list" : words.get(0);
    List<String> ids = words.size() > 1 ? words.subList(1, words.size()) : List.of();
    CliParser.oneOf(this, "command", cmd, COMMANDS);
    if (route != null && !cmd.equals("hold") && !cmd.equals("release")) {
      throw usageError("--route goes with hold and release");
    }
    Config cfg = loadConfig();
    this.cfg = cfg;
    mine = cfg.runAsUser() || uid() == 0 || login().equals("mail") ? -1 : uid();
    if (route != null) {
      if (!ids.isEmpty()) {
        throw usageError(cmd + " --route NAME takes no message IDs");
      }
      return routeHold(cfg, cmd, route);
    }
    try {
      return command(cfg, cmd, ids, json, repair, prometheus);
    } catch (AccessDeniedException e) {
      if (mine < 0) {
        throw Spool.failure("cannot read the spool " + cfg.dirs().spoolDir(), e);
      }
      Path own = cmd.equals("check") ? null : UserStatusArea.own(cfg.dirs().spoolDir(), mine, true);
      if (own == null) {
        throw new MasqException(
            Exit.CANTCREAT,
            "the queue in "
                + cfg.dirs().spoolDir()
                + " is readable only by mail and root"
                + " (system mode); what you sent is queued by the next masq-deliver run");
      }
      return new UserQueue(name, out, err, clock, listing())
          .run(cfg.dirs().spoolDir(), own, cmd, ids, json);
    }
  }

  private int command(
      Config cfg, String cmd, List<String> ids, boolean json, boolean repair, boolean prometheus)
      throws MasqException, IOException {
    if (cmd.equals("status") && !Files.isDirectory(cfg.dirs().spoolDir())) {
      // a monitoring check judges the spool that is there; it makes none
      throw new MasqException(
          Exit.CONFIG, "spool_dir " + cfg.dirs().spoolDir() + " does not exist");
    }
    Spool spool;
    try {
      spool = openSpool(cfg);
    } catch (MasqException e) {
      if (mine >= 0 && e.exitCode() == Exit.CANTCREAT) {
        throw new AccessDeniedException(cfg.dirs().spoolDir().toString());
      }
      throw e;
    }
    if (mine >= 0 && cmd.equals("check")) {
      throw new MasqException(
          Exit.CANTCREAT, "check: only mail and root may check the spool (system mode)");
    }
    this.spool = spool;
    switch (cmd) {
      case "list" -> {
        noArgs(cmd, ids);
        return json ? listJson(spool) : list(spool);
      }
      case "status" -> {
        noArgs(cmd, ids);
        return status(cfg, spool, json, prometheus);
      }
      case "bounce" -> {
        if (ids.isEmpty()) {
          throw usageError("bounce needs at least one message ID");
        }
        return bounce(cfg, spool, ids);
      }
      case "show", "cat" -> {
        if (ids.size() != 1) {
          throw usageError(cmd + " takes one message ID");
        }
        return cmd.equals("show") ? show(spool, ids.get(0)) : cat(spool, ids.get(0));
      }
      case "remove", "hold", "release" -> {
        if (ids.isEmpty()) {
          throw usageError(cmd + " needs at least one message ID");
        }
        return change(spool, log(cfg), cmd, ids);
      }
      case "check" -> {
        noArgs(cmd, ids);
        return check(cfg, spool, repair);
      }
      default -> throw usageError("unknown command '" + cmd + "'");
    }
  }

  private void noArgs(String cmd, List<String> ids) throws MasqException {
    if (!ids.isEmpty()) {
      throw usageError(cmd + " takes no message IDs");
    }
  }

  /** Envelopes of all readable messages; unreadable ones are reported on stderr. */
  private List<Envelope> envelopes(Spool spool) throws IOException {
    return envelopes(spool, true);
  }

  /**
   * Envelopes of all readable messages; with {@code report}, unreadable ones are named on stderr
   * (status leaves them to its spool check).
   */
  private List<Envelope> envelopes(Spool spool, boolean report) throws IOException {
    List<Envelope> out = new ArrayList<>();
    for (String id : spool.ids()) {
      try {
        Envelope e = spool.read(id);
        if (mine < 0 || e.uid() == mine) {
          out.add(e);
        }
      } catch (CorruptEntryException e) {
        if (report) {
          err.println(name + ": " + e.getMessage() + " (see masq-queue check)");
        }
      } catch (MasqException e) {
        // removed while we listed: not in the queue any more
      }
    }
    return out;
  }

  private int list(Spool spool) throws IOException {
    List<Envelope> all = envelopes(spool);
    if (all.isEmpty()) {
      out.println("mail queue is empty.");
      return Exit.OK;
    }
    listing().list(all, Map.of());
    return Exit.OK;
  }

  /** The listing of the messages in {@link #spool} (null until a command opened it). */
  private QueueListing listing() {
    if (listing == null) {
      listing = new QueueListing(cfg, spool, clock, verbose, strict, out);
    }
    return listing;
  }

  private int listJson(Spool spool) throws IOException {
    StringBuilder sb = new StringBuilder("[");
    boolean first = true;
    for (Envelope e : envelopes(spool)) {
      sb.append(first ? "\n" : ",\n");
      first = false;
      listing().json(sb, e, "");
    }
    sb.append(first ? "]\n" : "\n]\n");
    out.print(sb);
    return Exit.OK;
  }

  /** The envelope of {@code id} if this caller may see it; else "no such message" (67). */
  private Envelope readMine(Spool spool, String id) throws MasqException, IOException {
    Envelope e = spool.read(id);
    if (mine >= 0 && e.uid() != mine) {
      throw new MasqException(Exit.NOUSER, "no such message among yours: " + id);
    }
    return e;
  }

  private int show(Spool spool, String id) throws MasqException, IOException {
    listing().show(readMine(spool, id));
    // the header section, as stored
    try (InputStream in = spool.openMessage(id);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null && !line.isEmpty()) {
        out.println(line);
      }
    }
    return Exit.OK;
  }

  private int cat(Spool spool, String id) throws MasqException, IOException {
    readMine(spool, id);
    try (InputStream in = spool.openMessage(id)) {
      in.transferTo(out);
    }
    out.flush();
    return Exit.OK;
  }

  private int change(Spool spool, MailLog log, String cmd, List<String> ids) throws IOException {
    QueueOperation op = QueueOperation.named(cmd);
    int rc = Exit.OK;
    for (String id : ids) {
      try {
        QueueOperation.Result done = op.carryOut(spool, id, mine);
        if (done == QueueOperation.Result.BUSY) {
          err.println(name + ": message " + id + " is being delivered; try again later");
          rc = Exit.TEMPFAIL;
          continue;
        }
        if (done == QueueOperation.Result.DONE) {
          log.write(id + " " + op.done() + " by " + login());
        }
        err.println(name + ": " + id + ": " + op.said(done)); // one line each, as postsuper
      } catch (MasqException e) {
        err.println(name + ": " + e.getMessage());
        rc = rc == Exit.OK ? e.exitCode() : rc;
      }
    }
    return rc;
  }

  /** status: the plugin line (or --json) and the plugin's exit code (see QueueStatus). */
  private int status(Config cfg, Spool spool, boolean json, boolean prometheus) throws IOException {
    List<Envelope> all = envelopes(spool, false);
    List<String> problems = spool.check(false, StatusPublisher.unusable(spool)).problems();
    long now = clock.millis();
    QueueStatus st =
        new QueueStatus(
            cfg, all, problems, now, Recipient.NO_ROUTE, RouteSelection.onlineFailure(cfg));
    String line = st.line(now);
    if (prometheus) {
      out.print(QueueMetrics.of(st, all));
      return Exit.OK; // the verdict is a metric: the collector's cron job should not fail on it
    }
    if (json) {
      out.print(st.json(line));
    } else {
      out.println(line);
      if (st.onlineFailure != null) {
        out.println(st.onlineFailure);
      }
      for (QueueStatus.Stuck s : st.unroutable) {
        out.println(
            s.message().id() + " " + s.recipient().address() + ": " + s.recipient().lastError());
      }
      for (QueueStatus.Stuck s : st.authTls) {
        out.println(
            s.message().id() + " " + s.recipient().address() + ": " + s.recipient().lastError());
      }
      for (String p : problems) {
        out.println("problem: " + p);
      }
    }
    return st.code;
  }

  /**
   * bounce: gives up on each message now (Exim's -Mg): its pending recipients fail, one bounce goes
   * to the sender (none for the null sender), the message is removed, the log says so.
   */
  private int bounce(Config cfg, Spool spool, List<String> ids) throws MasqException, IOException {
    if (mine >= 0) {
      throw new MasqException(
          Exit.CANTCREAT, "bounce: only mail and root may bounce messages (system mode)");
    }
    MailLog log = log(cfg);
    QueueRunner runner =
        new QueueRunner(
            cfg,
            spool,
            log,
            clock.withZone(java.time.ZoneId.systemDefault()),
            env,
            uid(),
            out,
            err,
            verbose);
    int rc = Exit.OK;
    for (String id : ids) {
      try {
        String notice = runner.giveUp(id, mine, "given up by " + login() + " (masq-queue bounce)");
        log.write(id + " bounced by " + login() + (notice == null ? "" : ": bounce " + notice));
        out.println(
            id
                + ": given up"
                + (notice == null
                    ? "; no bounce (null sender)"
                    : "; bounce " + notice + " queued for the sender"));
      } catch (MasqException e) {
        err.println(name + ": " + e.getMessage());
        rc = rc == Exit.OK ? e.exitCode() : rc;
      }
    }
    return rc;
  }

  /**
   * hold --route NAME, release --route NAME: the spool's marker that keeps masq-deliver from using
   * a connection or route (spool-format.md, "Held routes"); mail and root only in system mode.
   */
  private int routeHold(Config cfg, String cmd, String route) throws MasqException, IOException {
    String key = Routes.holdKey(cfg, route);
    Spool spool = openSpool(cfg);
    if (mine >= 0) {
      throw new MasqException(
          Exit.CANTCREAT, cmd + " --route: only mail and root may hold routes (system mode)");
    }
    boolean changed;
    try {
      changed = cmd.equals("hold") ? spool.holdRoute(key) : spool.releaseRoute(key);
    } catch (AccessDeniedException e) {
      throw Spool.failure("cannot " + cmd + " " + key + " in " + cfg.dirs().spoolDir(), e);
    }
    if (changed) {
      log(cfg).write(key + " " + (cmd.equals("hold") ? "held" : "released") + " by " + login());
    }
    out.println(
        key
            + (cmd.equals("hold")
                ? changed ? " held: masq-deliver leaves its mail queued" : " was held already"
                : changed ? " released" : " was not held"));
    return Exit.OK;
  }

  private int check(Config cfg, Spool spool, boolean repair) throws IOException, MasqException {
    SpoolCheck c = spool.check(repair, StatusPublisher.unusable(spool));
    if (!c.problems().isEmpty() && cfg.notifications().notifyCommand() != null) {
      // one spool-problem event per check, naming the first problem and the count
      Notifier n = Notifier.of(cfg, log(cfg), env);
      n.fire(
          NotifyEvent.SPOOL_PROBLEM,
          null,
          null,
          null,
          c.problems().get(0)
              + (c.problems().size() > 1 ? " (and " + (c.problems().size() - 1) + " more)" : ""));
      n.await();
    }
    for (String p : c.problems()) {
      out.println("problem: " + p);
    }
    for (String r : c.repairs()) {
      out.println("repaired: " + r);
    }
    for (String i : ignoredSaid ? List.<String>of() : IgnoredOptions.of(cfg)) {
      out.println("note: " + i); // accepted, ignored: no problem, said here and with -v only
    }
    out.println(
        c.messages()
            + " message(s), "
            + c.problems().size()
            + " problem(s)"
            + (repair ? ", " + c.repairs().size() + " repaired" : ""));
    return c.problems().isEmpty() || repair ? Exit.OK : Exit.DATAERR;
  }
}
