package masq.deliver;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import masq.MasqException;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.config.Config;
import masq.deliver.remote.OutgoingMessage;
import masq.deliver.remote.RecipientResult;
import masq.deliver.remote.RemoteDelivery;
import masq.deliver.remote.RemoteSettings;
import masq.log.MailLog;
import masq.message.Header;
import masq.rewrite.HeaderSection;
import masq.rewrite.Rewriter;
import masq.rewrite.Rewritten;
import masq.route.Locality;
import masq.route.Route;
import masq.route.RouteDecision;
import masq.spool.Envelope;
import masq.spool.MessageLock;
import masq.spool.Recipient;
import masq.spool.Spool;

/**
 * The remote pass of a queue run (masqmail's deliver.c {@code deliver_remote}): every pending
 * recipient whose address is not local goes over the first usable route (see {@link
 * RouteSelection}) whose conditions admit it. Routes are tried in order; a recipient deferred
 * over one route is offered to the next in the same run, unless a route with {@code
 * last_route} admitted it. For each route the messages that have recipients for it go out as
 * one batch ({@link RemoteDelivery}: one connection carries several messages), rewritten for
 * the route at send time ({@link Rewriter}; the spooled message never changes), the body
 * streamed from the spool.
 *
 * <p>Messages are locked before their batch and stay locked until their outcome is written.
 * Each result is recorded as soon as it arrives: a message whose recipients were all delivered
 * is removed at once, one with some delivered gets its envelope rewritten at once (so a crash
 * repeats as little as possible: the duplicate window of spool-format.md), on writer threads
 * while the next message is sent. Failures and deferrals are settled when the message is done
 * with every route: failed recipients bounce (through {@link QueueRunner#finish}, the same code
 * as local failures), deferrals past {@code max_defer_time} fail, delay warnings follow {@code
 * warn_intervals}. Until then a failed recipient is kept pending on disk, so that a crash before
 * its bounce is queued tries it again rather than losing the bounce.
 *
 * <p>Trusts the spool and the configuration; what a server answers only decides the outcome of
 * its recipients. How it fails: a message that cannot be locked (another run has it), is held,
 * or went away is skipped; a state that cannot be written is reported and the message stays as
 * it was on disk (it is tried again next run); {@link RemoteDelivery} never throws.
 */
final class RemoteRun {
  /** The most messages locked at once (each holds an open file). */
  private static final int CHUNK = 1000;

  private static final Pattern STATUS = Pattern.compile("^[245]\\d\\d[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

  private final QueueRunner runner;
  private final Config cfg;
  private final Spool spool;
  private final MailLog log;
  private final Clock clock;
  private final RouteSelection selection;
  private final Locality locality;
  private final PrintStream err;
  private final int verbose;

  RemoteRun(QueueRunner runner, Config cfg, Spool spool, MailLog log, Clock clock,
      RouteSelection selection, Locality locality, PrintStream err, int verbose) {
    this.runner = runner;
    this.cfg = cfg;
    this.spool = spool;
    this.log = log;
    this.clock = clock;
    this.selection = selection;
    this.locality = locality;
    this.err = err;
    this.verbose = verbose;
  }

  /** True when there is some route to use. */
  boolean hasRoutes() {
    return !selection.routes().isEmpty();
  }

  /**
   * Sends the remote recipients of the messages {@code ids} (null: every queued message) over
   * the usable routes. Returns the IDs of the bounces and warnings it queued.
   */
  List<String> run(List<String> ids) throws IOException {
    if (selection.routes().isEmpty()) {
      verbose("no route to use (" + selection.why() + "); remote mail stays queued");
      return List.of();
    }
    if (selection.online() == null) {
      verbose(selection.why() + "; permanent routes only");
    }
    List<String> all = ids == null ? spool.ids() : ids;
    List<String> queued = new ArrayList<>();
    for (int i = 0; i < all.size() && !runner.stopping(); i += CHUNK) {
      queued.addAll(chunk(all.subList(i, Math.min(all.size(), i + CHUNK))));
    }
    return queued;
  }

  private void verbose(String line) {
    if (verbose > 0) {
      err.println("masq-deliver: " + line);
    }
  }

  /** Locks the messages of {@code ids} that have remote work, sends over every route, settles. */
  private List<String> chunk(List<String> ids) throws IOException {
    Map<String, Msg> msgs = new LinkedHashMap<>();
    List<String> queued = new ArrayList<>();
    Writer writer = new Writer();
    try {
      for (String id : ids) {
        Msg m = open(id);
        if (m != null) {
          msgs.put(id, m);
        }
      }
      for (Route route : selection.routes()) {
        if (!msgs.isEmpty()) {
          send(route, msgs, writer);
        }
      }
      writer.finish();
      for (Msg m : msgs.values()) {
        queued.addAll(m.settle());
      }
    } finally {
      writer.finish();
      for (Msg m : msgs.values()) {
        m.lock.close();
      }
    }
    return queued;
  }

  /**
   * Records what was delivered while the next messages are sent: a thread that takes the
   * messages with new results in batches and writes their state; the messages that are all
   * done are removed together, with one fsync of the queue directory per batch.
   */
  private final class Writer {
    private final BlockingQueue<Optional<Msg>> todo =
        new LinkedBlockingQueue<>();
    private final Thread thread;
    /** The last close of a removed file frees it (slow on ext4): done apart, in parallel. */
    private final ExecutorService closers = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "masq-spool-closer");
      t.setDaemon(true);
      return t;
    });
    private boolean finished;

    Writer() {
      thread = new Thread(this::loop, "masq-spool-writer");
      thread.setDaemon(true);
      thread.start();
    }

    void add(Msg m) {
      todo.add(Optional.of(m));
    }

    /** Writes what is left and waits for it. */
    void finish() {
      if (finished) {
        return;
      }
      finished = true;
      todo.add(Optional.empty());
      try {
        thread.join();
        closers.shutdown();
        closers.awaitTermination(10, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static void close(MessageLock lock) {
      try {
        lock.close();
      } catch (IOException e) {
        // the message is gone already; the lock goes with the process at the latest
      }
    }

    private void loop() {
      List<Optional<Msg>> batch = new ArrayList<>();
      while (true) {
        try {
          batch.add(todo.take());
        } catch (InterruptedException e) {
          return;
        }
        todo.drainTo(batch);
        boolean end = false;
        List<Msg> done = new ArrayList<>();
        for (Optional<Msg> o : batch) {
          if (o.isEmpty()) {
            end = true;
          } else if (o.get().persist()) {
            done.add(o.get());
          }
        }
        batch.clear();
        if (!done.isEmpty()) {
          try {
            spool.remove(done.stream().map(m -> m.lock).toList());
            for (Msg m : done) {
              log.write(m.stored.id() + " Completed");
              closers.execute(() -> close(m.lock));
            }
          } catch (IOException e) {
            log.write("cannot remove delivered messages, they may be sent again: " + e.getMessage());
            err.println("masq-deliver: cannot remove delivered messages: " + e.getMessage());
          }
        }
        if (end) {
          return;
        }
      }
    }
  }

  /** The message {@code id} locked and read, or null when it has no remote work for us. */
  private Msg open(String id) throws IOException {
    MessageLock lock;
    try {
      if (!spool.exists(id) || (lock = spool.lock(id)) == null) {
        return null; // gone, or another run has it
      }
    } catch (MasqException e) {
      return null;
    }
    try {
      Envelope env = spool.read(id);
      Map<Integer, Address> remote = env.held() ? Map.of() : remoteRecipients(env);
      if (remote.isEmpty()) {
        lock.close();
        return null;
      }
      HeaderSection section;
      try (InputStream in = new BufferedInputStream(lock.openMessage(), 8192)) {
        section = HeaderSection.read(in);
      }
      long bodyStart = section.prefix().length() + section.separator().length();
      for (Header h : section.headers()) {
        bodyStart += h.raw().length(); // one char per byte
      }
      return new Msg(lock, env, remote, section.headers(), bodyStart, clock.millis());
    } catch (MasqException | IOException | RuntimeException e) {
      lock.close();
      err.println("masq-deliver: " + id + ": " + e.getMessage() + " (skipped)");
      return null;
    }
  }

  /**
   * True when the local pass has nothing to do for message {@code id}: every pending recipient
   * is remote, and there is no log_user to add (read without the lock: a hint only; the remote
   * pass reads it again under the lock).
   */
  boolean onlyRemote(String id) {
    if (cfg.logUser() != null && !cfg.logUser().isBlank()) {
      return false;
    }
    try {
      Envelope env = spool.read(id);
      long pending = env.recipients().stream().filter(Recipient::isPending).count();
      return !env.held() && pending > 0 && remoteRecipients(env).size() == pending;
    } catch (MasqException | IOException e) {
      return false; // the local pass reports it
    }
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
        if (!a.isNull() && !locality.isLocal(a)) {
          out.put(i, a);
        }
      } catch (AddressException e) {
        // not an address (|command, /file leaves) or a bad one: local delivery's business
      }
    }
    return out;
  }

  private static Address sender(Envelope env) {
    if (env.sender().isEmpty()) {
      return Address.NULL;
    }
    try {
      return AddressParser.parseEnvelope(env.sender());
    } catch (AddressException e) {
      return Address.NULL;
    }
  }

  /** Sends every message that has recipients this route admits, as one batch. */
  private void send(Route route, Map<String, Msg> msgs, Writer writer) {
    Rewriter rewriter = new Rewriter(route, cfg);
    List<OutgoingMessage> out = new ArrayList<>();
    for (Msg m : msgs.values()) {
      OutgoingMessage o = m.offer(route, rewriter);
      if (o != null) {
        out.add(o);
      }
    }
    if (out.isEmpty()) {
      return;
    }
    verbose("route " + route.name() + ": " + out.size() + " message(s)");
    RemoteSettings settings = RemoteSettings.fromRoute(route, cfg.hostName());
    new RemoteDelivery(settings, clock, log::write).deliver(out, (o, results) -> {
      Msg m = msgs.get(o.id());
      if (m != null && m.record(route, results)) {
        writer.add(m);
      }
    });
  }

  /** The enhanced status code in a reply, or a generic one for the outcome. */
  static String status(String reply, masq.deliver.remote.Outcome o) {
    Matcher mt = STATUS.matcher(reply);
    if (mt.find()) {
      return mt.group(1);
    }
    return switch (o) {
      case DELIVERED -> "2.0.0";
      case DEFERRED -> "4.0.0";
      case FAILED -> "5.0.0";
    };
  }

  /** What a queue run would do with the remote recipient {@code a} of {@code env} (--dry-run). */
  String describe(Envelope env, Address a) {
    if (selection.routes().isEmpty()) {
      return "remote, waiting for a route (" + selection.why() + ")";
    }
    List<Header> headers;
    try (InputStream in = new BufferedInputStream(spool.openMessage(env.id()), 8192)) {
      headers = HeaderSection.read(in).headers();
    } catch (MasqException | IOException e) {
      return "remote, cannot read the message: " + e.getMessage();
    }
    List<String> refusals = new ArrayList<>();
    for (Route r : selection.routes()) {
      RouteDecision d = r.admits(sender(env), headers, a, cfg.hostName());
      if (d.allowed()) {
        return "remote, over route " + r.name() + " (" + target(r) + ")"
            + (refusals.isEmpty() ? "" : "; not " + String.join("; not ", refusals));
      }
      refusals.add(d.reason());
    }
    return "remote, no usable route takes it: " + String.join("; ", refusals);
  }

  /** Where a route sends, in a few words. */
  private static String target(Route r) {
    if (r.pipe() != null) {
      return "pipe " + r.pipe();
    }
    if (r.wrapper() != null) {
      return "wrapper " + r.wrapper();
    }
    return r.mailHost() == null ? "by MX of the recipient domain" : r.mailHost() + ":" + r.port();
  }

  /** For --dry-run: which routes are usable now. */
  void describeRoutes(PrintStream out) {
    out.println("routes: " + (selection.routes().isEmpty() ? "none"
        : String.join(", ", selection.routes().stream().map(Route::name).toList()))
        + " (" + selection.why() + ")");
  }

  /**
   * One locked message in the remote pass: its state as it stands in memory, and on disk. Its
   * methods are called by the sending thread and by writer threads; they synchronize on it.
   */
  private final class Msg {
    final MessageLock lock;
    final Envelope stored;
    final Map<Integer, Address> remote;
    final List<Header> headers;
    /** Where the body starts in the message file (after the header section and empty line). */
    final long bodyStart;
    final Address sender;
    final long now;
    final boolean expired;
    /** The current state of every recipient line (failed ones as FAILED). */
    final List<Recipient> states;
    /** Lines a last_route route has admitted: no later route gets them. */
    final Set<Integer> withheld = new LinkedHashSet<>();
    final Map<Integer, Notices.Item> failed = new LinkedHashMap<>();
    final Map<Integer, Notices.Item> delayed = new LinkedHashMap<>();
    /** What the spool holds now; null once the message is removed. */
    Envelope onDisk;

    Msg(MessageLock lock, Envelope env, Map<Integer, Address> remote, List<Header> headers,
        long bodyStart, long now) {
      this.bodyStart = bodyStart;
      this.lock = lock;
      this.stored = env;
      this.onDisk = env;
      this.remote = remote;
      this.headers = headers;
      this.sender = sender(env);
      this.now = now;
      this.expired = now - env.received() > cfg.maxDeferTime().toMillis();
      this.states = new ArrayList<>(env.recipients());
    }

    /** This message as it leaves over {@code route}, or null when the route has none of its recipients. */
    synchronized OutgoingMessage offer(Route route, Rewriter rewriter) {
      List<Address> to = new ArrayList<>();
      for (Map.Entry<Integer, Address> e : remote.entrySet()) {
        int i = e.getKey();
        if (!states.get(i).isPending() || withheld.contains(i) || to.contains(e.getValue())) {
          continue;
        }
        RouteDecision d = route.admits(sender, headers, e.getValue(), cfg.hostName());
        if (!d.allowed()) {
          if (verbose > 1) {
            err.println("masq-deliver: " + stored.id() + " " + e.getValue() + ": " + d.reason());
          }
          continue;
        }
        to.add(e.getValue());
        if (route.lastRoute()) {
          withheld.add(i);
        }
      }
      if (to.isEmpty()) {
        return null;
      }
      Rewritten rw = rewriter.rewrite(headers, sender.isNull() ? null : sender);
      for (String w : rw.warnings()) {
        log.write(stored.id() + " route " + route.name() + ": " + w);
      }
      long size = stored.size();
      if (rw.headers() != headers) {
        for (int i = 0; i < headers.size(); i++) {
          size += rw.headers().get(i).raw().length() - headers.get(i).raw().length();
        }
      }
      return new OutgoingMessage(stored.id(), rw.returnPath() == null ? Address.NULL : rw.returnPath(),
          to, rw.headers(), () -> lock.openMessage(bodyStart), true, size,
          stored.clientAddress(), stored.ident());
    }

    /** Records results; true when the spool should be updated now (something was delivered). */
    synchronized boolean record(Route route, List<RecipientResult> results) {
      boolean delivered = false;
      for (RecipientResult r : results) {
        log.write(r.logLine(route.name()));
        if (verbose > 0) {
          err.println("masq-deliver: " + r.logLine(route.name()));
        }
        String status = status(r.reply(), r.outcome());
        for (Map.Entry<Integer, Address> e : remote.entrySet()) {
          int i = e.getKey();
          Recipient rc = states.get(i);
          if (!e.getValue().equals(r.recipient()) || !rc.isPending()) {
            continue;
          }
          String top = rc.parent().isEmpty() ? rc.address() : rc.parent();
          switch (r.outcome()) {
            case DELIVERED -> {
              states.set(i, rc.with(Recipient.State.DELIVERED, now, ""));
              delayed.remove(i);
              delivered = true;
            }
            case DEFERRED -> {
              states.set(i, rc.with(Recipient.State.PENDING, now, r.reply()));
              delayed.put(i, new Notices.Item(rc.address(), top, status, r.reply(), now));
            }
            case FAILED -> {
              states.set(i, rc.with(Recipient.State.FAILED, now, r.reply()));
              delayed.remove(i);
              failed.put(i, new Notices.Item(rc.address(), top, status, r.reply(), now));
            }
          }
        }
      }
      tops();
      return delivered;
    }

    /** Alias parents follow their leaves: delivered when all are, failed when all are done and some failed. */
    private void tops() {
      for (int t = 0; t < states.size(); t++) {
        Recipient top = states.get(t);
        if (!top.parent().isEmpty() || !top.isPending()) {
          continue;
        }
        List<Recipient> kids = states.stream().filter(k -> k.parent().equals(top.address())).toList();
        if (kids.isEmpty() || kids.stream().anyMatch(Recipient::isPending)) {
          continue;
        }
        boolean all = kids.stream().allMatch(k -> k.state() == Recipient.State.DELIVERED);
        states.set(t, all ? top.with(Recipient.State.DELIVERED, now, "")
            : top.with(Recipient.State.FAILED, now, "some addresses of the alias failed"));
      }
    }

    /** The state to write now: recipients that failed but have no bounce yet stay pending. */
    private List<Recipient> interim() {
      List<Recipient> out = new ArrayList<>(states);
      for (int i : failed.keySet()) {
        Recipient f = states.get(i);
        out.set(i, new Recipient(f.address(), Recipient.State.PENDING, f.tries(), f.lastAttempt(),
            f.parent(), f.lastError()));
      }
      return out;
    }

    /**
     * Writes what was delivered (on the writer thread). True when the message is all done: the
     * caller removes it then.
     */
    synchronized boolean persist() {
      if (onDisk == null) {
        return false;
      }
      try {
        boolean done = failed.isEmpty() && delayed.isEmpty()
            && states.stream().noneMatch(r -> r.parent().isEmpty() && r.isPending());
        if (done) {
          onDisk = null;
          return true;
        } else {
          Envelope next = stored.withRecipients(interim());
          spool.update(lock, next);
          onDisk = next;
        }
      } catch (IOException e) {
        log.write(stored.id() + " cannot record the delivery, will be sent again: " + e.getMessage());
        err.println("masq-deliver: " + stored.id() + ": cannot record the delivery: " + e.getMessage());
      }
      return false;
    }

    /** After every route: expiry, bounce, warning, and the final state (QueueRunner#finish). */
    synchronized List<String> settle() throws IOException {
      if (onDisk == null) {
        return List.of();
      }
      for (Map.Entry<Integer, Address> e : remote.entrySet()) {
        Recipient r = states.get(e.getKey());
        if (r.isPending() && r.lastError().isEmpty() && r.tries() == 0) {
          states.set(e.getKey(), new Recipient(r.address(), r.state(), r.tries(), r.lastAttempt(),
              r.parent(), "waiting for a route"));
        }
      }
      if (expired) {
        for (Map.Entry<Integer, Notices.Item> e : delayed.entrySet()) {
          int i = e.getKey();
          Recipient r = states.get(i);
          String why = "message delayed longer than max_defer_time: " + r.lastError();
          log.write(stored.id() + " ** " + r.address() + " " + why);
          if (verbose > 0) {
            err.println("masq-deliver: " + stored.id() + " ** " + r.address() + " " + why);
          }
          states.set(i, new Recipient(r.address(), Recipient.State.FAILED, r.tries(), r.lastAttempt(),
              r.parent(), why));
          failed.put(i, new Notices.Item(r.address(), e.getValue().original(), "4.4.7", why, now));
        }
        delayed.clear();
        tops();
      }
      List<String> queued = runner.finish(lock, onDisk, stored, states,
          new ArrayList<>(failed.values()), new ArrayList<>(delayed.values()), now);
      onDisk = null;
      return queued;
    }
  }
}
