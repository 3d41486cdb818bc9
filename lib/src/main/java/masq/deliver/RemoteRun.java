package masq.deliver;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import masq.MasqException;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.config.Config;
import masq.deliver.remote.AuthSecrets;
import masq.deliver.remote.OutgoingMessage;
import masq.deliver.remote.RecipientResult;
import masq.deliver.remote.RemoteDelivery;
import masq.deliver.remote.RemoteSettings;
import masq.deliver.remote.ResultSink;
import masq.log.MailLog;
import masq.message.Header;
import masq.notify.NotifyEvent;
import masq.rewrite.HeaderSection;
import masq.rewrite.Rewriter;
import masq.route.Locality;
import masq.route.Route;
import masq.route.RouteTransport;
import masq.spool.Envelope;
import masq.spool.MessageLock;
import masq.spool.Outcome;
import masq.spool.Recipient;
import masq.spool.Spool;

/**
 * The remote pass of a queue run (masqmail's deliver.c {@code deliver_remote}): every pending
 * recipient whose address is not local goes over the first usable route (see {@link
 * RouteSelection}) whose conditions admit it. Routes are tried in order; a recipient deferred over
 * one route is offered to the next in the same run, unless a route with {@code last_route} admitted
 * it. For each route the messages that have recipients for it go out as one batch ({@link
 * RemoteDelivery}: one connection carries several messages), rewritten for the route at send time
 * ({@link Rewriter}; the spooled message never changes), the body streamed from the spool.
 *
 * <p>Messages are locked before their batch and stay locked until their outcome is written; each is
 * a {@link RemoteMessage}. Each result is recorded as soon as it arrives, by the {@link
 * SpoolRecorder} thread while the next message is sent: a message whose recipients were all
 * delivered is removed, any other gets its envelope rewritten (so a crash repeats as little as
 * possible: the duplicate window of spool-format.md). Failures and deferrals are settled when the
 * message is done with every route: failed recipients bounce (through {@link Settlement#finish},
 * the same code as local failures), deferrals past {@code max_defer_time} fail, delay warnings
 * follow {@code warn_intervals}. Until then a failed recipient is kept pending on disk, so that a
 * crash before its bounce is queued tries it again rather than losing the bounce.
 *
 * <p>Trusts the spool and the configuration; what a server answers only decides the outcome of its
 * recipients. How it fails: a message that cannot be locked (another run has it), is held, or went
 * away is skipped; a state that cannot be written is reported and the message stays as it was on
 * disk (it is tried again next run); {@link RemoteDelivery} never throws.
 */
final class RemoteRun {
  /** The most messages a pass locks at once (each holds an open file). */
  private static final int CHUNK = 1000;

  /** A message's worst outcome over a route, for {@link #tally}: the larger rank wins. */
  private static final int SENT = 0;

  private static final int FAILED = 1;
  private static final int DEFERRED = 2;

  private final Settlement settlement;
  private final Config cfg;
  private final Spool spool;
  private final MailLog log;
  private final Clock clock;
  private final RouteSelection selection;
  private final Locality locality;
  private final Predicate<Address> wanted;
  private final BooleanSupplier stopping;
  private final PrintStream err;
  private final int verbose;
  private final RemoteMessage.RunContext context;

  /** The routes' AUTH secrets, fetched when first needed in a run and forgotten at its end. */
  private final AuthSecrets secrets = new AuthSecrets();

  /** The messages {@link #onlyRemote} took: {@link #run} leaves them alone. */
  private final Set<String> taken = new HashSet<>();

  /**
   * Messages per route since the last {@link #summaries}, indexed by their worst outcome over the
   * route: deferred before failed before sent, so that a message with a recipient deferred (still
   * queued) counts as deferred.
   */
  private final Map<Route, long[]> tally = new LinkedHashMap<>();

  /** The routes and events notify_command heard of in this run ({@link #failureEvent}). */
  private final Set<String> told = new HashSet<>();

  /** The notices {@link #onlyRemote}'s pass queued, for {@link #run} to return. */
  private final List<String> early = new ArrayList<>();

  /**
   * @param settlement how each message's attempt ends
   * @param wanted whether the run takes a recipient (masq-deliver --domain)
   * @param stopping true when the run is asked to stop (no new chunk is begun)
   */
  RemoteRun(
      Settlement settlement,
      Config cfg,
      Spool spool,
      MailLog log,
      Clock clock,
      RouteSelection selection,
      Locality locality,
      Predicate<Address> wanted,
      BooleanSupplier stopping,
      PrintStream err,
      int verbose) {
    this.settlement = settlement;
    this.cfg = cfg;
    this.spool = spool;
    this.log = log;
    this.clock = clock;
    this.selection = selection;
    this.locality = locality;
    this.wanted = wanted;
    this.stopping = stopping;
    this.err = err;
    this.verbose = verbose;
    this.context =
        new RemoteMessage.RunContext(
            settlement, cfg, spool, spool.sentJournal(), log, err, verbose);
  }

  /** True when there is some route to use. */
  boolean hasRoutes() {
    return !selection.routes().isEmpty();
  }

  /**
   * Sends the remote recipients of the messages {@code ids} (null: every queued message) over the
   * usable routes, but for those {@link #onlyRemote} took. Returns the IDs of the bounces and
   * warnings it queued (with those {@link #onlyRemote} queued).
   */
  List<String> run(List<String> ids) throws IOException {
    if (selection.routes().isEmpty()) {
      return List.of();
    }
    List<String> all = new ArrayList<>(ids == null ? spool.ids() : ids);
    all.removeAll(taken);
    List<String> queued = new ArrayList<>(early);
    early.clear();
    taken.clear();
    try {
      for (int i = 0; i < all.size() && !stopping.getAsBoolean(); i += CHUNK) {
        queued.addAll(pass(all.subList(i, Math.min(all.size(), i + CHUNK)), false));
      }
    } finally {
      secrets.forget(); // the next run fetches them afresh (a token helper refreshes its token)
    }
    summaries();
    return queued;
  }

  /**
   * Before the run's first delivery: with -v, which routes the run has and why; a fault of the
   * online check ({@link RouteSelection#failure}) is logged, printed on stderr and told to
   * notify_command, on every run that meets it (--dry-run: only printed).
   */
  void announce(boolean dryRun) {
    String failure = selection.failure();
    if (failure != null) {
      err.println("masq-deliver: " + failure);
      if (!dryRun) {
        log.write(failure);
        settlement.notifier().fire(NotifyEvent.ONLINE_FAILURE, null, null, null, failure);
      }
    }
    if (selection.routes().isEmpty()) {
      verbose("no route to use (" + selection.why() + "); remote mail stays queued");
    } else if (selection.online() == null) {
      verbose(selection.why() + "; permanent routes only");
    } else {
      verbose("online: " + selection.why());
    }
  }

  private void verbose(String line) {
    if (verbose > 0) {
      err.println("masq-deliver: " + line);
    }
  }

  /**
   * Locks the messages of {@code ids} that have remote work (with {@code onlyRemote}: no other
   * work), sends over every route, settles, unlocks. Returns the IDs of the notices it queued.
   *
   * <p>How the phases overlap: a producer thread locks and reads the messages, in order, into a
   * queue while this thread sends each over the first route as soon as it is there, on one
   * connection (one producer: with the sender, the recorder thread and the peer, more would only
   * compete for the cores); the later routes get what the earlier left once all are read. Each
   * message stays locked until it is settled, so at most {@link #CHUNK} are held, with their
   * headers but not their bodies.
   */
  private List<String> pass(List<String> ids, boolean onlyRemote) throws IOException {
    Map<String, RemoteMessage> msgs = new LinkedHashMap<>(); // as they arrive; this thread only
    Arrivals arrivals = new Arrivals(msgs);
    Thread.ofPlatform()
        .name("masq-lock")
        .daemon()
        .start(() -> {
          try {
            ids.stream()
                .map(id -> openOrSkip(id, onlyRemote))
                .filter(Objects::nonNull)
                .forEach(m -> arrivals.ready.add(Optional.of(m)));
          } finally {
            arrivals.ready.add(Optional.empty()); // the end
          }
        });
    List<String> queued = new ArrayList<>();
    SpoolRecorder writer = new SpoolRecorder(spool, log, err);
    try {
      List<Route> routes = selection.routes();
      send(routes.get(0), Stream.generate(arrivals).takeWhile(Objects::nonNull), msgs, writer);
      while (arrivals.get() != null) {
        // whatever the first route left untaken (none: a route takes them all), into msgs
      }
      for (Route route : routes.subList(1, routes.size())) {
        send(route, msgs.values().stream(), msgs, writer);
      }
      writer.finish();
      context.journal().recorded(); // every result is on disk now
      for (RemoteMessage m : msgs.values()) {
        try {
          queued.addAll(m.settle());
        } catch (IOException e) {
          // what was delivered is on disk already; the rest is tried again next run
          log.write(m.id() + " cannot record the outcome, will try again: " + e.getMessage());
          err.println("masq-deliver: " + m.id() + ": cannot record the outcome: " + e.getMessage());
        }
      }
    } finally {
      writer.finish();
      while (arrivals.get() != null) {
        // all of them, to unlock them
      }
      for (RemoteMessage m : msgs.values()) {
        try {
          m.lock().close();
        } catch (IOException e) {
          // the lock goes with its file descriptor, at the latest when the process ends
        }
      }
      if (onlyRemote) {
        taken.addAll(msgs.keySet());
      }
    }
    return queued;
  }

  /** The messages the producer of a {@link #pass} locked and read, put in {@code msgs} as taken. */
  private static final class Arrivals implements Supplier<RemoteMessage> {
    /** Each message as it is read; an empty one at the end. */
    final BlockingQueue<Optional<RemoteMessage>> ready = new LinkedBlockingQueue<>();

    private final Map<String, RemoteMessage> msgs;
    private boolean ended;

    Arrivals(Map<String, RemoteMessage> msgs) {
      this.msgs = msgs;
    }

    /** The next message, waited for; null at the end. */
    @Override
    public RemoteMessage get() {
      if (ended) {
        return null;
      }
      boolean interrupted = false;
      Optional<RemoteMessage> m = null;
      while (m == null) {
        try {
          m = ready.take();
        } catch (InterruptedException e) {
          interrupted = true; // kept for later: the producer ends on its own
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      m.ifPresentOrElse(r -> msgs.put(r.id(), r), () -> ended = true);
      return m.orElse(null);
    }
  }

  /**
   * {@link #open}, with a file that cannot be opened reported and skipped (with {@code onlyRemote},
   * silently: the local pass then takes the message and reports it).
   */
  private RemoteMessage openOrSkip(String id, boolean onlyRemote) {
    try {
      return open(id, onlyRemote);
    } catch (IOException e) {
      skipped(id, e.getMessage(), onlyRemote);
      return null;
    }
  }

  private void skipped(String id, String why, boolean quiet) {
    if (!quiet) {
      err.println("masq-deliver: " + id + ": " + why + " (skipped)");
    }
  }

  /**
   * The message {@code id} locked and read, or null when it has no remote work for us (with {@code
   * onlyRemote}: also when it has any other work, i.e. some pending recipient is local; and nothing
   * is reported).
   */
  private RemoteMessage open(String id, boolean onlyRemote) throws IOException {
    MessageLock lock;
    try {
      if (!spool.exists(id)) {
        return null; // gone
      }
      lock = spool.lock(id);
    } catch (MasqException e) {
      return null;
    }
    if (lock == null) {
      if (verbose > 0 && !onlyRemote) {
        err.println("masq-deliver: " + id + " is locked by another process; skipped");
      }
      return null;
    }
    try {
      Envelope env = spool.read(id);
      Map<Integer, Address> remote = env.held() ? Map.of() : remoteRecipients(env);
      if (remote.isEmpty()
          || onlyRemote
              && remote.size() != env.recipients().stream().filter(Recipient::isPending).count()) {
        lock.close();
        return null;
      }
      HeaderSection section;
      boolean eightBit;
      try (InputStream in = new BufferedInputStream(lock.openMessage(), 8192)) {
        section = HeaderSection.read(in);
        // the envelope's bodytype mark, else (an entry written before the mark existed) a scan,
        // here on the producer thread so that the sender need not (a small message is in the
        // buffer already)
        eightBit =
            env.eightBit()
                || OutgoingMessage.eightBit(section.headers())
                || OutgoingMessage.eightBit(section.separator())
                || OutgoingMessage.eightBit(in);
      }
      long bodyStart = section.prefix().length() + section.separator().length();
      for (Header h : section.headers()) {
        bodyStart += h.raw().length(); // one char per byte
      }
      return new RemoteMessage(
          context, lock, env, remote, section.headers(), bodyStart, eightBit, clock.millis());
    } catch (MasqException | IOException | RuntimeException e) {
      lock.close();
      skipped(id, e.getMessage(), onlyRemote);
      return null;
    }
  }

  /**
   * Sends the messages among the first {@link #CHUNK} of {@code ids} the local pass has nothing to
   * do for (every pending recipient is remote, and there is no log_user to add), before the local
   * pass: so each is read once in the run. Returns their IDs, for the local pass to skip; {@link
   * #run} skips them too and returns the notices queued for them. A message another run holds is
   * not among them (the local pass counts it as busy).
   */
  Set<String> onlyRemote(Collection<String> ids) throws IOException {
    taken.clear();
    early.clear();
    if (cfg.mailboxes().logUser() != null && !cfg.mailboxes().logUser().isBlank()
        || selection.routes().isEmpty()) {
      return Set.of();
    }
    early.addAll(pass(ids.stream().limit(CHUNK).toList(), true));
    return Set.copyOf(taken);
  }

  /** The pending recipient lines whose address is remote, by index, with their addresses. */
  private Map<Integer, Address> remoteRecipients(Envelope env) {
    Map<Integer, Address> out = new LinkedHashMap<>();
    List<Recipient> rs = env.recipients();
    for (int i = 0; i < rs.size(); i++) {
      Recipient r = rs.get(i);
      if (!r.isPending()) {
        continue;
      }
      try {
        Address a = AddressParser.parseEnvelope(r.address());
        if (!a.isNull() && !locality.isLocal(a) && wanted.test(a)) {
          out.put(i, a);
        }
      } catch (AddressException e) {
        // not an address (|command, /file leaves) or a bad one: local delivery's business
      }
    }
    return out;
  }

  /**
   * Sends every message of {@code candidates} that has recipients this route admits, as one batch,
   * each taken when a connection is ready for it: over one connection, or over {@code
   * max_connections} at once to a smart host, each taking the next message from the one shared
   * source (so each message goes over exactly one).
   */
  private void send(
      Route route,
      Stream<RemoteMessage> candidates,
      Map<String, RemoteMessage> msgs,
      SpoolRecorder writer) {
    Rewriter rewriter = new Rewriter(route, cfg);
    long limit = selection.limit(route);
    AtomicInteger offered = new AtomicInteger();
    Map<String, RemoteMessage> sending = new ConcurrentHashMap<>();
    Iterator<OutgoingMessage> out =
        candidates
            .map(m -> {
              OutgoingMessage o = m.offer(route, rewriter, writer, limit);
              if (o != null) {
                sending.put(o.id(), m);
              }
              return o;
            })
            .filter(Objects::nonNull)
            .peek(o -> offered.incrementAndGet())
            .iterator();
    RemoteSettings settings = RemoteSettings.fromRoute(route, cfg.names().hostName(), secrets);
    Map<String, Integer> worst = new ConcurrentHashMap<>(); // message → its worst outcome
    ResultSink sink =
        (o, results) -> {
          RemoteMessage m = sending.getOrDefault(o.id(), msgs.get(o.id()));
          if (m != null && m.record(route, results)) {
            writer.add(m);
          }
          for (RecipientResult r : results) {
            failureEvent(route, r);
            int rank =
                switch (r.outcome()) {
                  case DELIVERED -> SENT;
                  case FAILED -> FAILED;
                  case DEFERRED -> DEFERRED;
                };
            worst.merge(o.id(), rank, Math::max);
          }
        };
    int connections = connections(route);
    if (connections == 1) {
      new RemoteDelivery(settings, clock, log::write).deliver(out, sink);
    } else {
      SharedSource<OutgoingMessage> source = new SharedSource<>(out);
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        threads.add(
            Thread.ofPlatform()
                .name("masq-connection-" + i)
                .start(() ->
                    new RemoteDelivery(settings, clock, log::write).deliver(source.view(), sink)));
      }
      for (Thread t : threads) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (offered.get() > 0) {
      long[] t = tally.computeIfAbsent(route, r -> new long[3]);
      for (int rank : worst.values()) {
        t[rank]++;
      }
      t[DEFERRED] += offered.get() - worst.size(); // offered without a result: still queued
    }
  }

  /**
   * How many connections to open over {@code route}: its {@code max_connections} to a smart host
   * (or through a wrapper); one for direct delivery and pipe routes, which take their batch whole.
   */
  private static int connections(Route route) {
    RouteTransport t = route.transport();
    boolean smartHost = t.pipe() == null && (t.mailHost() != null || t.wrapper() != null);
    return smartHost ? t.maxConnections() : 1;
  }

  /**
   * Tells notify_command of an AUTH or TLS failure on {@code route}, once per route and kind in a
   * run (every recipient of the connection has the same reason).
   */
  private synchronized void failureEvent(Route route, RecipientResult r) {
    if (r.outcome() == Outcome.DELIVERED || !settlement.notifier().on()) {
      return;
    }
    NotifyEvent e = NotifyEvent.ofFailure(r.reply());
    if (e != null && told.add(route.name() + " " + e.word())) {
      settlement
          .notifier()
          .fire(e, r.messageId(), r.recipient().toString(), route.name(), r.reply());
    }
  }

  /**
   * Prints with -v, and forgets, what each route did since the last call: {@code route=NAME
   * link=LINK: 2 sent, 1 deferred, 0 failed} (see {@link #tally}).
   */
  private void summaries() {
    for (Map.Entry<Route, long[]> e : tally.entrySet()) {
      long[] t = e.getValue();
      verbose(
          e.getKey().tag()
              + ": "
              + t[SENT]
              + " sent, "
              + t[DEFERRED]
              + " deferred, "
              + t[FAILED]
              + " failed");
    }
    tally.clear();
  }
}
