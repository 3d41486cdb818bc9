package masq.deliver;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import masq.Api;
import masq.Exit;
import masq.MasqException;
import masq.config.Config;
import masq.deliver.notice.Notices;
import masq.log.MailLog;
import masq.notify.Notifier;
import masq.notify.NotifyEvent;
import masq.spool.Envelope;
import masq.spool.MessageLock;
import masq.spool.Recipient;
import masq.spool.Spool;

/**
 * How an attempt on a message ends, the same for the local pass ({@code LocalPass}) and the remote
 * pass ({@code RemoteMessage}): a recipient deferred although the message is older than {@code
 * max_defer_time} fails ({@link #expired}, {@link #bounceAt}); failures produce one bounce, queued
 * before the failures are written; deliveries whose NOTIFY asks for it a success report; deferrals
 * a delay warning when one of {@code warn_intervals} has been passed since the last ({@link
 * #nextWarning}); then the message's new state is written, or the message is removed when nothing
 * is pending ("Completed"). Also masq-queue bounce's giving up on a message ({@link #giveUp}).
 *
 * <p>Trusts the lock it is given to be held. How it fails: a notice that cannot be queued is logged
 * and tried again on a later run (a bounce: its recipients stay pending until it is queued); a
 * state that cannot be written is thrown to the pass, which reports it.
 */
@Api
public final class Settlement {
  /**
   * What one attempt came to for the notices: the recipients that failed (a bounce), that were
   * deferred (a delay warning, when one is due) and that were delivered with NOTIFY=SUCCESS (a
   * success report masq sends).
   */
  record Notes(
      List<Notices.RecipientNote> failed,
      List<Notices.RecipientNote> delayed,
      List<Notices.RecipientNote> succeeded) {}

  private final Config cfg;
  private final Spool spool;
  private final MailLog log;
  private final Clock clock;
  private final Notices notices;
  private final Notifier notifier;
  private final WaitWatch watch;
  private final PrintStream err;
  private final int verbose;

  Settlement(
      Config cfg,
      Spool spool,
      MailLog log,
      Clock clock,
      Notices notices,
      Notifier notifier,
      WaitWatch watch,
      PrintStream err,
      int verbose) {
    this.cfg = cfg;
    this.spool = spool;
    this.log = log;
    this.clock = clock;
    this.notices = notices;
    this.notifier = notifier;
    this.watch = watch;
    this.err = err;
    this.verbose = verbose;
  }

  /** notify_command, for the events of this run. */
  Notifier notifier() {
    return notifier;
  }

  /** Writes {@code line} to the mail log, and with -v to stderr. */
  void note(String line) {
    log.write(line);
    if (verbose > 0) {
      err.println("masq-deliver: " + line);
    }
  }

  /**
   * True when {@code env} is older than {@code max_defer_time} at {@code now}: a recipient deferred
   * now fails instead (status 4.4.7, {@link #delayedTooLong}).
   */
  boolean expired(Envelope env, long now) {
    return now > bounceAt(cfg, env);
  }

  /** The reason of a recipient failed by {@link #expired}, after its deferral's {@code detail}. */
  static String delayedTooLong(String detail) {
    return "message delayed longer than max_defer_time: " + detail;
  }

  /**
   * Ends an attempt on a locked message: queues one bounce for {@code notes.failed}, one success
   * report for {@code notes.succeeded} (those whose NOTIFY has SUCCESS) and, when one is due, a
   * delay warning for {@code notes.delayed} (notices are committed before the state they are about;
   * NOTIFY decides who is in them), then writes the recipients' new state {@code result}, or
   * removes the message when no top-level recipient is pending. Nothing is written when the state
   * is what {@code onDisk} holds. Tells notify_command of a bounce, and marks and tells of mail
   * that stays queued ({@link WaitWatch}: unroutable, waiting, deferred longer than notify_after);
   * {@code routeOf} gives the route that last tried a recipient address (null: none), {@code
   * remoteFollows} says that a remote pass follows (which tells what became of remote recipients).
   * Returns the IDs of the notices queued.
   */
  List<String> finish(
      MessageLock lock,
      Envelope onDisk,
      Envelope env,
      List<Recipient> result,
      Notes notes,
      long now,
      Function<String, String> routeOf,
      boolean remoteFollows)
      throws IOException {
    List<Notices.RecipientNote> failed = notes.failed();
    List<String> queued = new ArrayList<>();
    if (!notes.succeeded().isEmpty()) {
      try {
        addIfSent(queued, notices.send(lock, env, notes.succeeded(), Notices.NoticeKind.SUCCEEDED));
      } catch (MasqException | IOException e) {
        // the deliveries stand: a report is not worth delivering them again
        note(env.id() + " success report not sent: " + e.getMessage());
      }
    }
    List<Recipient> states = result;
    if (!failed.isEmpty()) {
      try {
        // model: BOUNCE_COMMIT, before the failures are written
        String bounce = notices.send(lock, env, failed, true);
        addIfSent(queued, bounce);
        if (bounce != null) {
          notifier.fire(
              NotifyEvent.BOUNCE,
              env.id(),
              String.join(", ", failed.stream().map(Notices.RecipientNote::address).toList()),
              routeOf.apply(failed.get(0).address()),
              failed.get(0).reason());
        }
      } catch (MasqException e) {
        if (e.exitCode() != Exit.TEMPFAIL && e.exitCode() != Exit.CANTCREAT) {
          // refused for what it is (e.g. larger than max_msg_size): trying again cannot help
          note(env.id() + " bounce not sent: " + e.getMessage());
        } else {
          states = stillPending(result, now);
          note(env.id() + " cannot queue a bounce, will try again: " + e.getMessage());
        }
      } catch (IOException e) {
        // no bounce, no failure: the recipients stay pending and fail (and bounce) next time
        note(env.id() + " cannot queue a bounce, will try again: " + e.getMessage());
        states = stillPending(result, now);
      }
    }
    Envelope next = env.withRecipients(states);
    if (!notes.delayed().isEmpty() && warningDue(env, now)) {
      try {
        addIfSent(queued, notices.send(lock, env, notes.delayed(), false));
        next = next.withLastWarning(now);
      } catch (MasqException | IOException e) {
        note(env.id() + " cannot queue a delay warning, will try again: " + e.getMessage());
      }
    }
    boolean pending = states.stream().anyMatch(r -> r.parent().isEmpty() && r.isPending());
    if (pending && !remoteFollows) {
      next = watch.routability(lock, next);
    }
    if (pending && notifier.on()) {
      next = watch.tell(next, now, routeOf, remoteFollows);
    }
    if (!pending) {
      spool.remove(lock);
      note(env.id() + " Completed");
    } else if (!next.equals(onDisk)) {
      spool.update(lock, next);
    }
    return queued;
  }

  /**
   * The recipients that failed at {@code now}, made pending again (their bounce could not be
   * queued).
   */
  private static List<Recipient> stillPending(List<Recipient> rs, long now) {
    return rs.stream()
        .map(r ->
            r.state() == Recipient.State.FAILED && r.lastAttempt() == now
                ? r.as(Recipient.State.PENDING, r.lastError())
                : r)
        .toList();
  }

  private static void addIfSent(List<String> ids, String id) {
    if (id != null) {
      ids.add(id);
    }
  }

  /**
   * masqmail's warn_msg_is_due: a warning is due when, for some interval I, the message is older
   * than I and the last warning was sent less than I after it arrived.
   */
  private boolean warningDue(Envelope env, long now) {
    long next = nextWarning(cfg, env);
    return next >= 0 && now > next;
  }

  /**
   * When a delay warning about {@code env} becomes due (epoch ms; the first run after it that
   * defers a recipient sends it): arrival plus the smallest of {@code warn_intervals} that the last
   * warning was sent before; -1 when every interval has had its warning.
   */
  public static long nextWarning(Config cfg, Envelope env) {
    long sinceArrival = env.lastWarning() == 0 ? 0 : env.lastWarning() - env.received();
    long next = -1;
    for (Duration i : cfg.notices().warnIntervals()) {
      if (sinceArrival < i.toMillis() && (next < 0 || i.toMillis() < next)) {
        next = i.toMillis();
      }
    }
    return next < 0 ? -1 : env.received() + next;
  }

  /**
   * When {@code env}'s pending recipients bounce (epoch ms): arrival plus {@code max_defer_time};
   * the first run after it that defers a recipient fails it.
   */
  public static long bounceAt(Config cfg, Envelope env) {
    return env.received() + cfg.notices().maxDeferTime().toMillis();
  }

  /**
   * masq-queue bounce (Exim's -Mg): gives up on message {@code id} now. Every pending recipient
   * fails with {@code why}; one bounce about them goes to the return path (the bounce of a failed
   * delivery: {@link Notices}), none for a message with the null sender; then the message is
   * removed, and notify_command hears of the bounce. Returns the bounce's ID, or null when none was
   * sent.
   *
   * @param uid the only uid whose messages may be bounced, or -1 for any
   * @throws MasqException 75 when a delivery holds the message locked, 67 when there is no such
   *     message (or it is not uid's), 75 or 73 when the bounce cannot be queued (nothing changed)
   */
  String giveUp(String id, long uid, String why) throws MasqException, IOException {
    try (MessageLock lock = spool.lock(id)) {
      if (lock == null) {
        throw new MasqException(
            Exit.TEMPFAIL, "message " + id + " is being delivered; try again later");
      }
      Envelope env = spool.read(id);
      if (uid >= 0 && env.uid() != uid) {
        throw new MasqException(Exit.NOUSER, "no such message among yours: " + id);
      }
      long now = clock.millis();
      Set<String> parents = new HashSet<>();
      env.recipients().forEach(r -> parents.add(r.parent()));
      List<Recipient> states = new ArrayList<>();
      List<Notices.RecipientNote> failed = new ArrayList<>();
      for (Recipient r : env.recipients()) {
        if (!r.isPending()) {
          states.add(r);
          continue;
        }
        states.add(
            new Recipient(r.address(), Recipient.State.FAILED, r.tries(), now, r.parent(), why));
        note(id + " ** " + r.address() + " (" + why + ")");
        if (!parents.contains(r.address()) || !r.parent().isEmpty()) {
          // an alias's own line is told by its leaves
          String top = r.parent().isEmpty() ? r.address() : r.parent();
          failed.add(new Notices.RecipientNote(r.address(), top, "5.0.0", why, r.lastAttempt()));
        }
      }
      String bounce = null;
      if (env.sender().isEmpty()) {
        note(id + " no bounce sent: the message has the null sender");
      } else if (!failed.isEmpty()) {
        bounce = notices.send(lock, env, failed, true);
      }
      Envelope gone = env.withRecipients(states);
      if (!gone.equals(env)) {
        spool.update(lock, gone); // what happened, should the removal be cut short
      }
      spool.remove(lock);
      note(id + " Completed (given up)");
      if (bounce != null) {
        notifier.fire(
            NotifyEvent.BOUNCE,
            id,
            String.join(", ", failed.stream().map(Notices.RecipientNote::address).toList()),
            null,
            why);
        notifier.await(); // at most notify_timeout: masq-queue bounce ends with its events told
      }
      return bounce;
    }
  }
}
