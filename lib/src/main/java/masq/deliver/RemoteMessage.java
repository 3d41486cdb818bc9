package masq.deliver;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import masq.address.Address;
import masq.address.Xtext;
import masq.config.Config;
import masq.deliver.notice.Notices;
import masq.deliver.remote.OutgoingMessage;
import masq.deliver.remote.RecipientResult;
import masq.log.MailLog;
import masq.message.Header;
import masq.rewrite.Rewriter;
import masq.rewrite.Rewritten;
import masq.route.LinkPolicy;
import masq.route.Route;
import masq.route.RouteDecision;
import masq.spool.Envelope;
import masq.spool.MessageLock;
import masq.spool.Outcome;
import masq.spool.Recipient;
import masq.spool.SentJournal;
import masq.spool.Spool;

/**
 * One locked message in the remote pass of a queue run ({@link RemoteRun}): its recipient states as
 * they stand in memory and what the spool holds. It offers its remote recipients to each route in
 * turn ({@link #offer}), records the results as they arrive ({@link #record}), has them written at
 * once ({@link #persist}, on the {@link SpoolRecorder} thread), and settles the rest when every
 * route is done ({@link #settle}: expiry, bounce, warning, final state, through {@link
 * Settlement#finish}).
 *
 * <p>Trusts the envelope it was read from (under the lock it holds); results only change the
 * recipients they name. Its methods are called by the sending thread and the recorder thread and
 * synchronize on it. How it fails: a state that cannot be written is logged and left as it was on
 * disk, so the next run tries again (see spool-format.md).
 */
final class RemoteMessage {
  /** What every message of a run shares. */
  record RunContext(
      Settlement settlement,
      Config cfg,
      Spool spool,
      SentJournal journal,
      MailLog log,
      PrintStream err,
      int verbose) {}

  /** The enhanced status code of a reply, or of a reason of masq's own that starts with one. */
  private static final Pattern STATUS =
      Pattern.compile("^(?:[245]\\d\\d[ -])?([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

  private final RunContext cx;
  private final MessageLock lock;
  private final Envelope stored;
  private final Map<Integer, Address> remote;
  private final List<Header> headers;

  /** Where the body starts in the message file (after the header section and empty line). */
  private final long bodyStart;

  /** Whether the stored message holds a byte over 127 (rewritten headers are checked apart). */
  private final boolean eightBit;

  private final Address sender;
  private final long now;
  private final boolean expired;

  /** The current state of every recipient line (failed ones as FAILED). */
  private final List<Recipient> states;

  /** Lines a last_route route has admitted: no later route gets them. */
  private final Set<Integer> withheld = new LinkedHashSet<>();

  /** Lines a route did not take because of the message's size, with the reason (max_size). */
  private final Map<Integer, String> waiting = new LinkedHashMap<>();

  /** The route that last gave a result for a recipient address, for notify_command. */
  private final Map<String, String> routeOf = new LinkedHashMap<>();

  private final Map<Integer, Notices.RecipientNote> failed = new LinkedHashMap<>();
  private final Map<Integer, Notices.RecipientNote> delayed = new LinkedHashMap<>();

  /** Delivered recipients whose NOTIFY asks for a success report that masq must send. */
  private final Map<Integer, Notices.RecipientNote> succeeded = new LinkedHashMap<>();

  /** What the spool holds now; null once the message is removed. */
  private Envelope onDisk;

  /** The route of the last result recorded (the envelope's {@code tried}). */
  private String tried;

  RemoteMessage(
      RunContext cx,
      MessageLock lock,
      Envelope env,
      Map<Integer, Address> remote,
      List<Header> headers,
      long bodyStart,
      boolean eightBit,
      long now) {
    this.cx = cx;
    this.bodyStart = bodyStart;
    this.eightBit = eightBit;
    this.lock = lock;
    this.stored = env;
    this.onDisk = env;
    this.remote = remote;
    this.headers = headers;
    this.sender = RouteAdmission.sender(env);
    this.now = now;
    this.expired = cx.settlement().expired(env, now);
    this.states = new ArrayList<>(env.recipients());
  }

  String id() {
    return stored.id();
  }

  MessageLock lock() {
    return lock;
  }

  /**
   * This message as it leaves over {@code route}, or null when the route has none of its
   * recipients, or when the route's rewriting cannot read a header that may hold a local address:
   * then the recipients it admits are deferred over this route (a log line names the route and the
   * header, the results go to {@code writer}) rather than the local address leaking out.
   */
  OutgoingMessage offer(Route route, Rewriter rewriter, SpoolRecorder writer, long limit) {
    Offered o = prepare(route, rewriter, limit);
    if (o.recorded()) {
      writer.add(this); // outside this message's lock: the recorder thread takes it to persist
    }
    return o.message();
  }

  /** What {@link #prepare} made: the message to send, or results recorded instead. */
  private record Offered(OutgoingMessage message, boolean recorded) {}

  private synchronized Offered prepare(Route route, Rewriter rewriter, long limit) {
    boolean tooLarge = limit > 0 && stored.size() > limit;
    List<Address> to = new ArrayList<>();
    Map<Address, String> rcptDsn = new LinkedHashMap<>();
    for (Map.Entry<Integer, Address> e : remote.entrySet()) {
      int i = e.getKey();
      if (!states.get(i).isPending() || withheld.contains(i) || to.contains(e.getValue())) {
        continue;
      }
      RouteDecision d = route.admits(sender, headers, e.getValue(), cx.cfg().names().hostName());
      if (!d.allowed()) {
        if (cx.verbose() > 1) {
          cx.err().println("masq-deliver: " + stored.id() + " " + e.getValue() + ": " + d.reason());
        }
        continue;
      }
      if (tooLarge) {
        // stays queued for a route that takes it, or a later run; the reason unless one sends it
        waiting.putIfAbsent(
            i,
            "waiting: "
                + LinkPolicy.human(stored.size())
                + " over max_size "
                + LinkPolicy.human(limit)
                + " of route "
                + route.name());
        continue;
      }
      to.add(e.getValue());
      String params = rcptParameters(states.get(i));
      if (!params.isEmpty()) {
        rcptDsn.put(e.getValue(), params);
      }
      if (route.lastRoute()) {
        withheld.add(i);
      }
    }
    if (to.isEmpty()) {
      return new Offered(null, false);
    }
    Rewritten rw = rewriter.rewrite(headers, sender.isNull() ? null : sender);
    for (String w : rw.warnings()) {
      cx.log().write(stored.id() + " " + route.tag() + ": " + w);
    }
    if (!rw.unreadable().isEmpty()) {
      String why =
          "not sent: unreadable address in "
              + rw.unreadable().get(0)
              + " that route "
              + route.name()
              + " would rewrite";
      cx.log().write(stored.id() + " " + route.tag() + ": deferred: " + why);
      List<RecipientResult> deferred = new ArrayList<>();
      for (Address a : to) {
        deferred.add(new RecipientResult(stored.id(), a, Outcome.DEFERRED, "(rewriting)", why));
      }
      return new Offered(null, record(route, deferred));
    }
    long size = stored.size();
    if (rw.headers() != headers) {
      for (int i = 0; i < headers.size(); i++) {
        size += rw.headers().get(i).raw().length() - headers.get(i).raw().length();
      }
    }
    Address returnPath = rw.returnPath() == null ? Address.NULL : rw.returnPath();
    boolean utf8 =
        !returnPath.ascii()
            || to.stream().anyMatch(a -> !a.ascii())
            || stored.utf8() && OutgoingMessage.eightBit(rw.headers());
    return new Offered(
        new OutgoingMessage(
            stored.id(),
            returnPath,
            to,
            rw.headers(),
            () -> lock.openMessage(bodyStart),
            eightBit || rw.headers() != headers && OutgoingMessage.eightBit(rw.headers()),
            size,
            stored.clientAddress(),
            stored.ident(),
            utf8,
            mailParameters(),
            rcptDsn),
        false);
  }

  /** The DSN parameters of MAIL for a server that offers DSN: RET= and ENVID=, or "". */
  private String mailParameters() {
    String p = stored.ret().isEmpty() ? "" : " RET=" + stored.ret();
    return stored.envid().isEmpty() ? p : p + " ENVID=" + Xtext.encode(stored.envid(), false);
  }

  /**
   * The DSN parameters of RCPT for {@code r} (a leaf of an alias: its top-level recipient's, as for
   * a forward, RFC 3461 section 6.2.7): NOTIFY= and ORCPT=, or "".
   */
  private String rcptParameters(Recipient r) {
    Recipient top = r.parent().isEmpty() ? r : stored.recipient(r.parent());
    if (top == null) {
      return "";
    }
    String p = top.notifyOn().isEmpty() ? "" : " NOTIFY=" + top.notifyOn();
    if (top.orcpt().isEmpty()) {
      return p;
    }
    int semi = top.orcpt().indexOf(';');
    String type = top.orcpt().substring(0, semi);
    String addr = top.orcpt().substring(semi + 1);
    // with its own type and bytes (RFC 3461 section 4.2, RFC 6533 section 3)
    return p + " ORCPT=" + type + ";" + Xtext.encode(addr, type.equalsIgnoreCase("utf-8"));
  }

  /** Notes in the run's sent journal that the server took {@code recipient} (see SentJournal). */
  private void journal(String recipient) {
    try {
      cx.journal().sent(stored.id(), recipient);
    } catch (IOException e) {
      cx.settlement()
          .note(
              stored.id()
                  + " cannot note <"
                  + recipient
                  + "> in the sent journal (a kill before the spool records it sends it again): "
                  + e.getMessage());
    }
  }

  /**
   * Records results; true when the spool should be updated now: always, so that every result is on
   * disk as soon as the recorder gets to it (a delivery most of all: the duplicate window).
   */
  synchronized boolean record(Route route, List<RecipientResult> results) {
    if (!results.isEmpty()) {
      tried = route.tag();
    }
    for (RecipientResult r : results) {
      cx.settlement().note(r.logLine(route.tag()));
      String status =
          r.outcome() == Outcome.DELIVERED
              ? null
              : status(r.reply(), r.outcome()); // for notices only: a regex per delivery is a cost
      for (Map.Entry<Integer, Address> e : remote.entrySet()) {
        int i = e.getKey();
        Recipient rc = states.get(i);
        if (!e.getValue().equals(r.recipient()) || !rc.isPending()) {
          continue;
        }
        String top = rc.parent().isEmpty() ? rc.address() : rc.parent();
        routeOf.put(rc.address(), route.name());
        switch (r.outcome()) {
          case DELIVERED -> {
            states.set(i, rc.with(Recipient.State.DELIVERED, now, ""));
            journal(rc.address());
            delayed.remove(i);
            if (!r.dsnPassed()) {
              Recipient t = stored.recipient(top);
              if (t != null && t.wants("SUCCESS")) {
                // the next hop was not asked (no DSN there): masq reports the relay itself
                succeeded.put(
                    i,
                    new Notices.RecipientNote(
                        rc.address(), top, "2.0.0", r.reply(), now, "relayed"));
              }
            }
          }
          case DEFERRED -> {
            states.set(i, rc.with(Recipient.State.PENDING, now, r.reply()));
            delayed.put(i, new Notices.RecipientNote(rc.address(), top, status, r.reply(), now));
          }
          case FAILED -> {
            states.set(i, rc.with(Recipient.State.FAILED, now, r.reply()));
            delayed.remove(i);
            failed.put(i, new Notices.RecipientNote(rc.address(), top, status, r.reply(), now));
          }
        }
      }
    }
    tops();
    return !results.isEmpty();
  }

  /**
   * Alias parents follow their leaves: delivered when all are, failed when all are done and some
   * failed.
   */
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
      states.set(
          t,
          all
              ? top.with(Recipient.State.DELIVERED, now, "")
              : top.with(Recipient.State.FAILED, now, "some addresses of the alias failed"));
    }
  }

  /** The state to write now: recipients that failed but have no bounce yet stay pending. */
  private List<Recipient> interim() {
    List<Recipient> out = new ArrayList<>(states);
    for (int i : failed.keySet()) {
      Recipient f = states.get(i);
      out.set(i, f.as(Recipient.State.PENDING, f.lastError()));
    }
    return out;
  }

  /**
   * Writes the results so far (on the recorder thread). True when the message is all done: the
   * caller removes it then.
   */
  synchronized boolean persist() {
    if (onDisk == null) {
      return false;
    }
    try {
      boolean done =
          failed.isEmpty()
              && delayed.isEmpty()
              && succeeded.isEmpty()
              && states.stream().noneMatch(r -> r.parent().isEmpty() && r.isPending());
      if (done) {
        onDisk = null;
        return true;
      } else {
        Envelope next = current().withRecipients(interim());
        cx.spool().update(lock, next); // model: DELIVER_CHECKPOINT
        onDisk = next;
      }
    } catch (IOException e) {
      cx.log()
          .write(
              stored.id() + " cannot record the delivery, will be sent again: " + e.getMessage());
      cx.err()
          .println(
              "masq-deliver: " + stored.id() + ": cannot record the delivery: " + e.getMessage());
    }
    return false;
  }

  /**
   * After every route: expiry, bounce, warning, and the final state ({@link Settlement#finish}).
   */
  synchronized List<String> settle() throws IOException {
    if (onDisk == null) {
      return List.of();
    }
    for (Map.Entry<Integer, String> e : waiting.entrySet()) {
      Recipient r = states.get(e.getKey());
      if (r.isPending() && r == stored.recipients().get(e.getKey())) {
        // no route of this run tried it: it waits, not failed, with why in masq-queue list
        states.set(
            e.getKey(),
            new Recipient(
                r.address(), r.state(), r.tries(), r.lastAttempt(), r.parent(), e.getValue()));
      }
    }
    for (Map.Entry<Integer, Address> e : remote.entrySet()) {
      Recipient r = states.get(e.getKey());
      if (r.isPending() && r.lastError().isEmpty() && r.tries() == 0) {
        states.set(e.getKey(), r.as(r.state(), Recipient.NO_ROUTE));
      }
    }
    if (expired) {
      for (Map.Entry<Integer, Notices.RecipientNote> e : delayed.entrySet()) {
        int i = e.getKey();
        Recipient r = states.get(i);
        String why = Settlement.delayedTooLong(r.lastError());
        cx.settlement().note(stored.id() + " ** " + r.address() + " " + why);
        states.set(i, r.as(Recipient.State.FAILED, why));
        failed.put(
            i, new Notices.RecipientNote(r.address(), e.getValue().original(), "4.4.7", why, now));
      }
      delayed.clear();
      tops();
    }
    List<String> queued =
        cx.settlement()
            .finish(
                lock,
                onDisk,
                current(),
                states,
                new Settlement.Notes(
                    new ArrayList<>(failed.values()),
                    new ArrayList<>(delayed.values()),
                    new ArrayList<>(succeeded.values())),
                now,
                routeOf::get,
                false);
    onDisk = null;
    return queued;
  }

  /** The envelope as read, with the route of the last attempt when there was one. */
  private Envelope current() {
    return tried == null ? stored : stored.withTried(tried);
  }

  /** The enhanced status code in a reply, or a generic one for the outcome. */
  static String status(String reply, Outcome o) {
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
}
