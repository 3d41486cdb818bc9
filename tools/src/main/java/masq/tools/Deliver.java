package masq.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import masq.Exit;
import masq.MasqException;
import masq.config.Config;
import masq.config.Values;
import masq.deliver.QueueRunner;
import masq.deliver.RouteSelection;
import masq.log.MailLog;
import masq.route.Routes;
import masq.spool.Spool;
import masq.system.Maildrop;
import masq.system.StatusPublisher;
import org.apache.commons.cli.CommandLine;

/**
 * masq-deliver — run the queue: local delivery, delivery over routes, bounces and delay warnings.
 *
 * <p>The reference is masq-deliver(8); {@code masq-deliver --help} lists the options (OPTIONS). A
 * run first queues what users left in the maildrop (system mode), then looks at every queued
 * message (or those named by --id), takes its lock — a message another run holds is skipped, so
 * runs may overlap — and delivers its pending local recipients to mbox, Maildir, the MDA, pipes and
 * files, after alias expansion. Then remote recipients go over the routes usable now
 * (RouteSelection: the permanent routes, and the query route of the connection that is online:
 * --route NAME, else online_query, else online_file), each batch of messages over one connection,
 * rewritten per route at send time (RemoteRun); with nothing online they stay queued (query routes
 * with online_probe are probed in a run without --route; --max-size keeps larger messages queued,
 * for a metered link). Routes that masq-queue hold --route paused take nothing; --domain DOMAIN
 * (repeatable) leaves every recipient outside those domains as it is. Failures bounce to the return
 * path as DSNs; long deferrals get delay warnings. --dry-run prints what would be done and changes
 * nothing. --daemon repeats the run every --interval in the foreground and ends after the current
 * message on SIGTERM or SIGINT, with nothing left locked.
 *
 * <p>EXIT STATUS: 0 when the run completed (even if mail was deferred, waits, is unroutable, or the
 * online check failed: those go to the log, stderr and notify_command); 75 when every message it
 * wanted was locked by another run; 67 when an --id names no queued message; 69 when --route names
 * no connection (neither a query_routes.NAME nor one of their route files), 64 when the name is
 * ambiguous; 78 for a configuration error (including alias files and templates, reported with file
 * and line); 64 for a usage error.
 *
 * <p>SECURITY: IDs are checked against the ID syntax before any file name is built from them.
 * Mailboxes that are symbolic links or not regular files are refused, never followed. MDA and pipe
 * commands run without a shell, with a fixed environment and a time limit (mda_timeout). System
 * mode: it runs as mail or root (anyone else gets one line, exit 73); it trusts nothing in a
 * maildrop file (see Maildrop: the owner is the sender, -f only for root, mail and trusted_users);
 * run as root it delivers as the recipient (see LocalDelivery).
 */
public final class Deliver extends Tool {
  Deliver(PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    super("masq-deliver", out, err, env, clock);
  }

  public static void main(String[] args) {
    exit(new Deliver(System.out, System.err, System.getenv(), Clock.systemUTC()), args);
  }

  /** masq-deliver's own options, as --help lists them. */
  private static final List<OptionDef> OPTIONS =
      List.of(
          OptionDef.valued("--id", "ID...", "only these messages"),
          OptionDef.flag("--local-only", "only local recipients (remote ones stay queued)"),
          OptionDef.valued(
              "--domain",
              "DOMAIN",
              "only recipients in DOMAIN (repeatable; Exim's -qR); the others stay queued untried"),
          OptionDef.valued(
              "--route",
              "NAME",
              "link NAME is up now (masqmail's -qo NAME); NAME is the connection"
                  + " (query_routes.NAME) or one of its route files"),
          OptionDef.valued(
              "--max-size",
              "SIZE",
              "no message larger than SIZE (e.g. 500k, 2M) goes out over any route this run (a"
                  + " metered link); those stay queued"),
          OptionDef.flag("--dry-run", "print what would be done per recipient; change nothing"),
          OptionDef.flag("--daemon", "repeat the run every --interval until SIGTERM"),
          OptionDef.valued(
              "--interval", "TIME", "with --daemon: the time between runs (e.g. 30m)"));

  @Override
  String synopsis() {
    return """
    usage: masq-deliver [-C FILE] [--route NAME] [--max-size SIZE] [--id ID...]
                        [--domain DOMAIN]...
                        [--local-only] [--dry-run] [--daemon --interval TIME] [-v]
                        [--strict]
    Runs the queue: delivers local mail, sends remote mail over the routes usable now
    (permanent routes, and the online connection's), sends bounces and delay warnings.
    """;
  }

  @Override
  List<OptionDef> options() {
    return withCommon(OPTIONS);
  }

  @Override
  String manPage() {
    return "masq-deliver(8)";
  }

  /** What the command line asked for. */
  static final class DeliverOptions {
    List<String> ids;
    boolean localOnly;
    boolean dryRun;
    boolean daemon;
    Duration interval;
    String route;
    List<String> domains;
    long maxSize;
  }

  @Override
  int run(String[] args) throws MasqException, IOException {
    DeliverOptions o = new DeliverOptions();
    if (!parse(args, o)) {
      return Exit.OK;
    }
    // a run fails on a bad route file it uses, with the line the warning would have been
    Config cfg = loadConfig(c -> o.localOnly ? Set.of() : Routes.filesOfRun(c, o.route));
    if (o.route != null) {
      o.route = Routes.connection(cfg, o.route); // the link, whichever of its names was given
    }
    try {
      return runs(cfg, o);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new MasqException(
          Exit.CANTCREAT,
          "cannot read the spool "
              + cfg.dirs().spoolDir()
              + ": permission denied"
              + (cfg.runAsUser() ? "" : " (system mode: run masq-deliver as mail or root)"));
    }
  }

  private int runs(Config cfg, DeliverOptions o) throws MasqException, IOException {
    Spool spool = openSpool(cfg);
    MailLog log = log(cfg);
    QueueRunner runner =
        new QueueRunner(
            cfg, spool, log, clock.withZone(ZoneId.systemDefault()), env, uid(), out, err, verbose);
    if (o.daemon) {
      return daemon(runner, cfg, spool, log, o);
    }
    if (o.ids == null && !o.dryRun) {
      pickup(cfg, spool, log);
    }
    routes(runner, cfg, spool, o);
    QueueRunner.Result r = runner.run(o.ids, o.dryRun);
    if (o.ids == null && !o.dryRun) {
      // system mode: what each user's masq-queue shows. Not after an --id run (the one after each
      // message masq-smtpd accepts): a scan of every envelope per message, for messages that are
      // no user's (users' own mail comes through the pickup, which only full runs do)
      StatusPublisher.publish(spool, log);
    }
    if (r.missing() > 0) {
      return Exit.NOUSER;
    }
    if (r.allBusy()) {
      err.println(name + ": every message is being delivered by another run; try again later");
      return Exit.TEMPFAIL;
    }
    return Exit.OK;
  }

  /** Parses the command line into {@code o}; false when help or version was shown. */
  boolean parse(String[] args, DeliverOptions o) throws MasqException {
    // --id A B C, --id A --id B: every ID up to the next option
    CommandLine cl = CliParser.parse(this, args);
    if (cl == null) {
      return false;
    }
    if (!cl.getArgList().isEmpty()) {
      throw usageError("unknown option or argument " + cl.getArgList().get(0));
    }
    if (cl.hasOption("id")) {
      o.ids = new ArrayList<>(List.of(cl.getOptionValues("id")));
      for (String id : o.ids) {
        if (id.startsWith("-")) {
          throw usageError("unknown option " + id); // not an ID: an option masq-deliver lacks
        }
      }
    }
    o.localOnly = cl.hasOption("local-only");
    o.dryRun = cl.hasOption("dry-run");
    o.daemon = cl.hasOption("daemon");
    o.route = CliParser.last(cl, "route");
    if (cl.hasOption("domain")) {
      o.domains = List.of(cl.getOptionValues("domain"));
      for (String d : o.domains) {
        if (d.isEmpty()
            || d.startsWith("-")
            || d.contains("@")
            || d.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) { // spaces, controls: no domain
          throw usageError("--domain takes a domain such as example.org, not '" + d + "'");
        }
      }
    }
    String size = CliParser.last(cl, "max-size");
    if (size != null) {
      o.maxSize = Values.parseSize(size);
      if (o.maxSize <= 0) {
        throw usageError("--max-size takes a size such as 500k or 2M, not '" + size + "'");
      }
    }
    String v = CliParser.last(cl, "interval");
    if (v != null) {
      o.interval = Values.parseDuration(v);
      if (o.interval == null || o.interval.isZero()) {
        throw usageError("--interval takes a time such as 30s, 15m or 1h, not '" + v + "'");
      }
    }
    if (o.daemon != (o.interval != null)) {
      throw usageError("--daemon and --interval go together");
    }
    if (o.daemon && (o.dryRun || o.ids != null)) {
      throw usageError("--daemon cannot be combined with --dry-run or --id");
    }
    return true;
  }

  /**
   * Gives the runner the routes usable now (none with --local-only), but those held by masq-queue
   * hold --route, and the domains of --domain.
   */
  private void routes(QueueRunner runner, Config cfg, Spool spool, DeliverOptions o)
      throws MasqException, IOException {
    if (o.domains != null) {
      runner.onlyDomains(java.util.Set.copyOf(o.domains));
    }
    if (!o.localOnly) {
      RouteSelection sel =
          RouteSelection.of(cfg, o.route, strict)
              .without(spool.heldRoutes())
              .withMaxSize(o.maxSize);
      for (masq.route.Route r : sel.routes()) {
        warn(r.warnings()); // e.g. a route file others may read that holds auth_secret
      }
      if (verbose > 0 && !sel.held().isEmpty()) {
        err.println(
            name
                + ": held (masq-queue release --route NAME): "
                + String.join(", ", sel.held().stream().map(masq.route.Route::tag).toList()));
      }
      runner.useRoutes(sel);
    }
  }

  /** System mode: queues what unprivileged users left in the maildrop (see Maildrop). */
  private void pickup(Config cfg, Spool spool, MailLog log) throws IOException {
    List<String> ids = Maildrop.pickup(spool, cfg, log, login -> Inject.trusted(cfg, login, -1));
    if (verbose > 0 && !ids.isEmpty()) {
      err.println(name + ": queued " + ids.size() + " message(s) from the maildrop");
    }
  }

  /** Runs the queue every interval until SIGTERM/SIGINT; the current message is finished first. */
  private int daemon(QueueRunner runner, Config cfg, Spool spool, MailLog log, DeliverOptions o)
      throws MasqException, IOException {
    CountDownLatch stop = new CountDownLatch(1);
    sun.misc.SignalHandler h =
        sig -> {
          runner.stop();
          stop.countDown();
        };
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), h);
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), h);
    log.write("masq-deliver daemon started, interval " + o.interval.toSeconds() + "s");
    boolean first = true;
    while (!runner.stopping()) {
      try {
        pickup(cfg, spool, log);
        routes(runner, cfg, spool, o); // online detection afresh on every run
        runner.run(null, false);
        StatusPublisher.publish(spool, log);
      } catch (MasqException | IOException e) {
        if (first) {
          throw e; // a configuration or spool that cannot work: say so at once
        }
        err.println(name + ": " + e.getMessage());
        log.write("queue run failed: " + e.getMessage());
      }
      first = false;
      try {
        if (stop.await(o.interval.toMillis(), TimeUnit.MILLISECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        break;
      }
    }
    log.write("masq-deliver daemon stopped");
    return Exit.OK;
  }
}
