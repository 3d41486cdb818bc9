package masq.deliver;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import masq.MasqException;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.config.Config;
import masq.deliver.local.Aliases;
import masq.deliver.local.LocalDelivery;
import masq.deliver.local.LocalResult;
import masq.deliver.notice.Notices;
import masq.route.Locality;
import masq.spool.Envelope;
import masq.spool.MessageLock;
import masq.spool.Outcome;
import masq.spool.Recipient;
import masq.spool.Spool;

/**
 * The local pass of a queue run for one locked message ({@link QueueRunner} hands it each): adds
 * log_user, expands every pending recipient's aliases and delivers the local leaves ({@link
 * LocalDelivery}), then ends the attempt through {@link Settlement}. Aliases are expanded on every
 * run; the leaves of an expansion are kept in the envelope as recipients whose {@code parent} is
 * the top-level recipient, so that a leaf that was delivered is never delivered again. A top-level
 * recipient is delivered when all its leaves are, failed when all are finished and some failed.
 * Remote recipients (and remote leaves) are left as they are for the remote pass when one follows;
 * otherwise they stay queued, marked "waiting for a route". After a delivery that more follow, the
 * state so far is written (a checkpoint: a crash then repeats only what came after it).
 *
 * <p>Trusts the lock it is given and the envelope read under it. How it fails: a recipient that
 * cannot be delivered fails or is deferred as {@link LocalDelivery} says; a state that cannot be
 * written is thrown to the run.
 */
final class LocalPass {
  private final Config cfg;
  private final Spool spool;
  private final Clock clock;
  private final Locality locality;
  private final LocalDelivery local;
  private final Settlement settlement;
  private final Predicate<Address> wanted;
  private final BooleanSupplier routesFollow;

  /** The messages whose remote recipients wait for a route (a run without routes). */
  private final Set<String> waiting;

  /**
   * @param wanted whether the run takes a recipient (masq-deliver --domain)
   * @param routesFollow true when a remote pass with routes follows this one
   * @param waiting where the messages are noted whose remote recipients wait for a route
   */
  LocalPass(
      Config cfg,
      Spool spool,
      Clock clock,
      Locality locality,
      LocalDelivery local,
      Settlement settlement,
      Predicate<Address> wanted,
      BooleanSupplier routesFollow,
      Set<String> waiting) {
    this.cfg = cfg;
    this.spool = spool;
    this.clock = clock;
    this.locality = locality;
    this.local = local;
    this.settlement = settlement;
    this.wanted = wanted;
    this.routesFollow = routesFollow;
    this.waiting = waiting;
  }

  /** True when {@code a} expands to itself alone: a plain local user, no alias. */
  static boolean isPlain(Aliases.Expansion x, Address a) {
    return x.leaves().size() == 1
        && x.leaves().get(0).kind() == Aliases.Leaf.Kind.USER
        && x.leaves().get(0).key().equals(a.toString());
  }

  /** What happened to the recipients of one message in this attempt. */
  private final class Attempt {
    final MessageLock lock;
    final Envelope env;
    final long now = clock.millis();
    final boolean expired;
    final List<Notices.RecipientNote> failed = new ArrayList<>();
    final List<Notices.RecipientNote> delayed = new ArrayList<>();
    final List<Notices.RecipientNote> succeeded = new ArrayList<>();

    Attempt(MessageLock lock, Envelope env) {
      this.lock = lock;
      this.env = env;
      this.expired = settlement.expired(env, now);
    }

    /** Records an outcome for {@code r} (a top-level recipient or a leaf under {@code top}). */
    Recipient record(Recipient r, String top, LocalResult o) {
      String who = r.address() + (r.parent().isEmpty() ? "" : " <" + top + ">");
      Outcome kind = o.kind();
      String detail = o.detail();
      String status = o.status();
      if (kind == Outcome.DEFERRED && expired) {
        kind = Outcome.FAILED;
        status = "4.4.7";
        detail = Settlement.delayedTooLong(detail);
      }
      switch (kind) {
        case DELIVERED -> {
          settlement.note(env.id() + " => " + who + " (" + detail + ")");
          Recipient t = env.recipient(top);
          if (t != null && t.wants("SUCCESS")) {
            succeeded.add(
                new Notices.RecipientNote(
                    r.address(), top, "2.0.0", "delivered locally", now, "delivered"));
          }
          return r.with(Recipient.State.DELIVERED, now, "");
        }
        case DEFERRED -> {
          settlement.note(env.id() + " == " + who + " (" + detail + ")");
          delayed.add(new Notices.RecipientNote(r.address(), top, status, detail, now));
          return r.with(Recipient.State.PENDING, now, detail);
        }
        default -> {
          settlement.note(env.id() + " ** " + who + " (" + detail + ")");
          failed.add(new Notices.RecipientNote(r.address(), top, status, detail, now));
          return r.with(Recipient.State.FAILED, now, detail);
        }
      }
    }
  }

  /** Delivers one locked message; returns the IDs of notices it queued. */
  List<String> deliver(MessageLock lock, Envelope stored, Aliases aliases)
      throws MasqException, IOException {
    Envelope env = withLogUser(stored);
    Attempt at = new Attempt(lock, env);
    Map<String, List<Recipient>> children = new LinkedHashMap<>();
    List<Recipient> tops = new ArrayList<>();
    for (Recipient r : env.recipients()) {
      if (r.parent().isEmpty()) {
        tops.add(r);
      } else {
        children.computeIfAbsent(r.parent(), k -> new ArrayList<>()).add(r);
      }
    }
    List<Recipient> result = new ArrayList<>();
    for (int i = 0; i < tops.size(); i++) {
      Recipient top = tops.get(i);
      List<Recipient> kids = children.remove(top.address());
      kids = kids == null ? List.of() : kids;
      if (!top.isPending()) {
        result.add(top);
        result.addAll(kids);
        continue;
      }
      List<Recipient> later = tops.subList(i + 1, tops.size());
      Checkpoint cp =
          partial -> {
            // the state so far: what is done, the recipient in hand, and the rest as it was
            List<Recipient> all = new ArrayList<>(result);
            all.addAll(partial);
            for (Recipient t : later) {
              all.add(t);
              all.addAll(children.getOrDefault(t.address(), List.of()));
            }
            for (Map.Entry<String, List<Recipient>> e : children.entrySet()) {
              if (later.stream().noneMatch(t -> t.address().equals(e.getKey()))) {
                all.addAll(e.getValue());
              }
            }
            spool.update(lock, env.withRecipients(all)); // model: DELIVER_CHECKPOINT
          };
      deliverTop(at, top, kids, aliases, result, cp, later.stream().anyMatch(Recipient::isPending));
    }
    for (List<Recipient> orphans : children.values()) {
      result.addAll(orphans); // leaves whose top-level recipient is gone: kept as they are
    }
    return settlement.finish(
        lock,
        stored,
        env,
        result,
        new Settlement.Notes(at.failed, at.delayed, at.succeeded),
        at.now,
        a -> null,
        routesFollow.getAsBoolean());
  }

  /**
   * Writes the state reached in the middle of a message, after a delivery that more deliveries
   * follow: a crash then repeats only what came after it (fewer duplicates).
   */
  private interface Checkpoint {
    void save(List<Recipient> partial) throws IOException;
  }

  /** {@code moreAfter}: recipients after this one are pending (a checkpoint is worth it). */
  private void deliverTop(
      Attempt at,
      Recipient top,
      List<Recipient> kids,
      Aliases aliases,
      List<Recipient> result,
      Checkpoint cp,
      boolean moreAfter)
      throws IOException {
    Address a;
    try {
      a = AddressParser.parseEnvelope(top.address());
    } catch (AddressException e) {
      result.add(at.record(top, top.address(), LocalResult.failed("5.1.3", e.getMessage())));
      result.addAll(kids);
      return;
    }
    if (!wanted.test(a)) {
      result.add(top); // not this run's (--domain): as it is
      result.addAll(kids);
      return;
    }
    if (!locality.isLocal(a)) {
      result.add(forRoutes(at, top)); // with routes, the remote pass says how it went
      result.addAll(kids);
      return;
    }
    Aliases.Expansion x = aliases.expand(a, locality, cfg.names().hostName());
    if (x.error() != null) {
      result.add(at.record(top, top.address(), LocalResult.failed("5.4.6", x.error())));
      result.addAll(kids);
      return;
    }
    if (isPlain(x, a)) {
      Recipient t =
          at.record(top, top.address(), local.deliver(at.lock, at.env, x.leaves().get(0), a));
      if (moreAfter && t.state() == Recipient.State.DELIVERED) {
        cp.save(List.of(t));
      }
      result.add(t);
      return;
    }
    Map<String, Recipient> old = new LinkedHashMap<>();
    for (Recipient k : kids) {
      old.put(k.address(), k);
    }
    List<Recipient> now = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    List<Aliases.Leaf> leaves = x.leaves();
    for (int i = 0; i < leaves.size(); i++) {
      Aliases.Leaf leaf = leaves.get(i);
      if (!seen.add(leaf.key())) {
        continue;
      }
      Recipient k =
          old.getOrDefault(
              leaf.key(),
              new Recipient(leaf.key(), Recipient.State.PENDING, 0, 0, top.address(), ""));
      if (!k.isPending()) {
        now.add(k);
      } else if (leaf.kind() == Aliases.Leaf.Kind.REMOTE) {
        now.add(forRoutes(at, k));
      } else {
        Recipient done = at.record(k, top.address(), local.deliver(at.lock, at.env, leaf, a));
        now.add(done);
        boolean more = i + 1 < leaves.size() || moreAfter;
        if (more && done.state() == Recipient.State.DELIVERED) {
          List<Recipient> partial = new ArrayList<>();
          partial.add(top);
          partial.addAll(now);
          for (Recipient o : old.values()) {
            if (!seen.contains(o.address())) {
              partial.add(o);
            }
          }
          cp.save(partial);
        }
      }
    }
    boolean allDelivered = now.stream().allMatch(k -> k.state() == Recipient.State.DELIVERED);
    boolean anyPending = now.stream().anyMatch(Recipient::isPending);
    Recipient t;
    if (allDelivered) {
      t = top.with(Recipient.State.DELIVERED, at.now, "");
    } else if (!anyPending) {
      t = top.with(Recipient.State.FAILED, at.now, "some addresses of the alias failed");
    } else {
      String why =
          now.stream()
              .filter(Recipient::isPending)
              .map(Recipient::lastError)
              .filter(e -> !e.isEmpty())
              .findFirst()
              .orElse("pending");
      t = top.with(Recipient.State.PENDING, at.now, why);
    }
    result.add(t);
    result.addAll(now);
  }

  /**
   * masqmail's log_user: an address that gets a copy of every message. It becomes a recipient of
   * the message the first time the message is handled (so its copy is delivered once).
   */
  private Envelope withLogUser(Envelope env) {
    String lu = cfg.mailboxes().logUser();
    if (lu == null || lu.isBlank()) {
      return env;
    }
    String addr;
    try {
      addr = AddressParser.parseEnvelope(lu).qualify(cfg.names().hostName()).toString();
    } catch (AddressException e) {
      return env; // refused where it is configured: nothing to add
    }
    if (env.recipients().stream().anyMatch(r -> r.address().equalsIgnoreCase(addr))) {
      return env;
    }
    List<Recipient> rs = new ArrayList<>(env.recipients());
    rs.add(Recipient.pending(addr));
    return env.withRecipients(rs);
  }

  /**
   * A remote recipient of {@code at}: as it is when the remote pass follows; otherwise left for
   * delivery over a route, and its message noted in {@link #waiting}.
   */
  private Recipient forRoutes(Attempt at, Recipient r) {
    if (routesFollow.getAsBoolean()) {
      return r;
    }
    waiting.add(at.env.id());
    return r.lastError().isEmpty() ? r.as(r.state(), Recipient.NO_ROUTE) : r;
  }
}
