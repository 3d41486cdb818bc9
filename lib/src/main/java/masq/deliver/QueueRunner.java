package masq.deliver;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import masq.Api;
import masq.MasqException;
import masq.address.Address;
import masq.config.Config;
import masq.deliver.local.Aliases;
import masq.deliver.local.LocalDelivery;
import masq.deliver.notice.Notices;
import masq.log.MailLog;
import masq.notify.Notifier;
import masq.route.Locality;
import masq.spool.CorruptEntryException;
import masq.spool.Envelope;
import masq.spool.MessageLock;
import masq.spool.Spool;

/**
 * One queue run (masqmail's deliver.c): for each message, take its lock (a message another run
 * holds is skipped), deliver every pending local recipient ({@link LocalPass}: log_user, aliases,
 * local deliveries), and record the outcome in the spool. Remote recipients are left to {@link
 * RemoteRun}, which runs after the local pass when {@link #useRoutes} gave it routes (messages with
 * nothing but remote recipients pending it sends before the local pass, {@link
 * RemoteRun#onlyRemote}); without routes they stay queued, marked "waiting for a route". With
 * --dry-run, {@link DryRun} prints what would be done instead.
 *
 * <p>After each message, both passes end the attempt through {@link Settlement}: a recipient
 * deferred although the message is older than {@code max_defer_time} fails; failures produce one
 * bounce, deferrals a delay warning when one of {@code warn_intervals} has been passed since the
 * last; notices are committed before the message's new state, and are delivered in the same run. A
 * message with nothing pending left is removed ("Completed"). The clock is injected so that all
 * timing is testable.
 */
@Api
public final class QueueRunner {
  /**
   * What a run did: messages it looked at, handled, and found locked by another process; and,
   * without routes, the messages (and notices) it left with remote recipients waiting for a route,
   * in the order it met them.
   */
  public record Result(int wanted, int handled, int busy, int missing, List<String> waiting) {
    /** True when every message this run wanted was held by another run. */
    public boolean allBusy() {
      return wanted > 0 && busy == wanted;
    }
  }

  private final Config cfg;
  private final Spool spool;
  private final MailLog log;
  private final Clock clock;
  private final PrintStream out;
  private final PrintStream err;
  private final int verbose;
  private final Locality locality;
  private final LocalDelivery local;
  private final Notifier notifier;
  private final Settlement settlement;
  private final LocalPass localPass;
  private RemoteRun remote;

  /** The routes of {@link #useRoutes}, or null (a run without routes). */
  private RouteSelection selection;

  private volatile boolean stopping;

  /** The only recipient domains this run takes (lower case), or null for all. */
  private Set<String> domains;

  /** This run's messages whose remote recipients wait for a route (a run without routes). */
  private final Set<String> waiting = new LinkedHashSet<>();

  /**
   * Checks what delivery needs from the configuration (templates, mda) once.
   *
   * @param clock the time, and in its zone the local time of From_ lines and notices
   * @param env this process's environment
   * @param uid the uid this process runs as (0: new mailboxes are given to their user)
   * @param out where --dry-run prints; {@code err} gets -v detail
   */
  public QueueRunner(
      Config cfg,
      Spool spool,
      MailLog log,
      Clock clock,
      Map<String, String> env,
      long uid,
      PrintStream out,
      PrintStream err,
      int verbose)
      throws MasqException {
    this.cfg = cfg;
    this.spool = spool;
    this.log = log;
    this.clock = clock;
    this.out = out;
    this.err = err;
    this.verbose = verbose;
    this.locality = Locality.of(cfg);
    this.local = new LocalDelivery(cfg, clock, env, uid);
    this.notifier = Notifier.of(cfg, log, env);
    this.settlement =
        new Settlement(
            cfg,
            spool,
            log,
            clock,
            new Notices(cfg, spool, log, clock.getZone(), uid),
            notifier,
            new WaitWatch(cfg, notifier, locality, log, err, verbose),
            err,
            verbose);
    this.localPass =
        new LocalPass(
            cfg,
            spool,
            clock,
            locality,
            local,
            settlement,
            this::wanted,
            this::routesFollow,
            waiting);
  }

  /**
   * Hook for delivery over routes: after the local pass, each run sends remote recipients over
   * {@code routes} (see {@link RemoteRun}). Without this call remote recipients stay queued.
   */
  public void useRoutes(RouteSelection routes) {
    this.selection = routes;
    this.remote =
        new RemoteRun(
            settlement,
            cfg,
            spool,
            log,
            clock,
            routes,
            locality,
            this::wanted,
            this::stopping,
            err,
            verbose);
  }

  /** True when a remote pass with routes follows the local pass. */
  private boolean routesFollow() {
    return remote != null && remote.hasRoutes();
  }

  /** Asks a running {@link #run} to stop after the message it is working on. */
  public void stop() {
    stopping = true;
  }

  public boolean stopping() {
    return stopping;
  }

  /**
   * Runs the queue: all messages ({@code ids} null) or the given ones. With {@code dryRun}, prints
   * what would be done and changes nothing.
   */
  public Result run(List<String> ids, boolean dryRun) throws MasqException, IOException {
    Aliases aliases =
        Aliases.load(
            cfg.mailboxes().aliasFile(),
            cfg.mailboxes().globaliasFile(),
            cfg.mailboxes().caselessMatching());
    if (remote != null) {
      remote.announce(dryRun);
    }
    if (!dryRun) {
      replaySentJournals();
    }
    Deque<String> work = new ArrayDeque<>(ids == null ? spool.ids() : ids);
    List<List<String>> remoteNotices = new ArrayList<>();
    Set<String> remoteOnly = routesFollow() && !dryRun ? remote.onlyRemote(work) : Set.of();
    waiting.clear();
    DryRun dry = dryRun ? new DryRun(cfg, spool, locality, local, aliases, selection, out) : null;
    try {
      return runQueue(work, ids, dry, aliases, remoteNotices, remoteOnly);
    } finally {
      notifier.await(); // each notify_command is killed at its deadline: never longer than that
    }
  }

  /**
   * Records what the sent journals of runs that died say servers took, before anything is sent
   * again (SentJournal); a journal that cannot be read is left for the next run.
   */
  private void replaySentJournals() {
    try {
      for (String line : spool.replaySentJournals()) {
        log.write(line);
      }
    } catch (IOException e) {
      log.write("cannot read the sent journals in " + spool.root() + "/tmp: " + e.getMessage());
      err.println("masq-deliver: cannot read the sent journals: " + e.getMessage());
    }
  }

  /** {@code dry}: what prints a dry run, null for a run that delivers. */
  private Result runQueue(
      Deque<String> work,
      List<String> ids,
      DryRun dry,
      Aliases aliases,
      List<List<String>> remoteNotices,
      Set<String> remoteOnly)
      throws IOException {
    int wanted = 0;
    int handled = 0;
    int busy = 0;
    int missing = 0;
    while (!stopping && (!work.isEmpty() || remotePass(work, ids, dry, remoteNotices))) {
      String id = work.poll();
      if (remoteOnly.contains(id)) {
        wanted++;
        handled++;
        continue; // locked for the remote pass, which takes it: nothing local
      }
      if (!spool.exists(id)) {
        if (ids != null && ids.contains(id)) {
          err.println("masq-deliver: no such message: " + id);
          missing++;
        }
        continue;
      }
      wanted++;
      if (dry != null) {
        try {
          dry.describe(spool.read(id));
          handled++;
        } catch (MasqException e) {
          err.println("masq-deliver: " + e.getMessage());
        }
        continue;
      }
      try (MessageLock lock = spool.lock(id)) {
        if (lock == null) {
          busy++;
          if (verbose > 0) {
            err.println("masq-deliver: " + id + " is locked by another process; skipped");
          }
          continue;
        }
        Envelope env = spool.read(id);
        if (env.held()) {
          if (verbose > 0) {
            err.println("masq-deliver: " + id + " is held; skipped");
          }
          continue;
        }
        work.addAll(localPass.deliver(lock, env, aliases));
        handled++;
      } catch (CorruptEntryException e) {
        err.println("masq-deliver: " + e.getMessage() + " (skipped; see masq-queue check)");
      } catch (MasqException e) {
        if (ids != null && ids.contains(id)) {
          err.println("masq-deliver: " + e.getMessage());
          missing++;
        } // otherwise removed while we looked: nothing to do
      }
    }
    return new Result(wanted, handled, busy, missing, List.copyOf(waiting));
  }

  /**
   * The hook for delivery over routes, called when the local pass has run out of work: the first
   * call sends over the routes (the messages {@code ids}, null for all); the second, the notices
   * the first queued that have remote recipients. The notices each pass queues are added to {@code
   * work} for local delivery. False when there is nothing more to do.
   *
   * @param passes the notice IDs queued by each remote pass so far
   */
  private boolean remotePass(
      Deque<String> work, List<String> ids, DryRun dry, List<List<String>> passes)
      throws IOException {
    if (remote == null || passes.size() == 2 || (!passes.isEmpty() && passes.get(0).isEmpty())) {
      return false;
    }
    if (dry != null) {
      dry.describeRoutes();
      passes.add(List.of());
      return false;
    }
    List<String> queued = remote.run(passes.isEmpty() ? ids : passes.get(0));
    passes.add(queued);
    work.addAll(queued);
    return !queued.isEmpty();
  }

  /**
   * Only recipients in these domains (masq-deliver --domain, sendmail -qR): others stay queued as
   * they are, untried. Compared without regard to case; an address without a domain is in none.
   */
  public void onlyDomains(Set<String> domains) {
    Set<String> lower = new java.util.HashSet<>();
    domains.forEach(d -> lower.add(d.toLowerCase(java.util.Locale.ROOT)));
    this.domains = Set.copyOf(lower);
  }

  /** True when this run takes {@code a} (see {@link #onlyDomains}). */
  private boolean wanted(Address a) {
    return domains == null || (a.domain() != null && domains.contains(a.domainLower()));
  }

  /**
   * masq-queue bounce (Exim's -Mg): gives up on message {@code id} now, as {@link
   * Settlement#giveUp} says. Returns the bounce's ID, or null when none was sent.
   *
   * @param uid the only uid whose messages may be bounced, or -1 for any
   * @throws MasqException 75 when a delivery holds the message locked, 67 when there is no such
   *     message (or it is not uid's), 75 or 73 when the bounce cannot be queued (nothing changed)
   */
  public String giveUp(String id, long uid, String why) throws MasqException, IOException {
    return settlement.giveUp(id, uid, why);
  }
}
