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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
import masq.Printable;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.config.Config;
import masq.config.IgnoredOptions;
import masq.deliver.QueueRunner;
import masq.deliver.RouteSelection;
import masq.deliver.Settlement;
import masq.log.MailLog;
import masq.notify.Notifier;
import masq.notify.NotifyEvent;
import masq.route.Locality;
import masq.route.Routes;
import masq.spool.CorruptEntryException;
import masq.spool.Envelope;
import masq.spool.Recipient;
import masq.spool.Spool;
import masq.spool.SpoolCheck;
import masq.system.DropRefusal;
import masq.system.PendingDrop;
import masq.system.QueueOperation;
import masq.system.StatusPublisher;
import masq.system.UserStatus;
import masq.system.UserStatusArea;
import org.apache.commons.cli.CommandLine;

/**
 * masq-queue — look at and manage the spool.
 *
 * <pre>
 * masq-queue [-C FILE] [list] [--json] | status [--json] | show ID | cat ID | remove ID... |
 *            hold ID... | release ID... | bounce ID... | hold|release --route NAME |
 *            check [--repair]
 * </pre>
 *
 * <p>The reference is masq-queue(1). An unknown ID exits 67 naming it; a message that a delivery
 * run holds locked cannot be removed, held or released now (exit 75, try again). {@code check}
 * exits 0 when the spool is clean (or was repaired) and 65 when it found problems it did not
 * repair. {@code status} is a monitoring plugin (QueueStatus): its first line on stdout, exit 0 to
 * 3, and anything that keeps it from judging the queue is UNKNOWN (3). {@code bounce} gives up on
 * messages (one DSN each to the sender, through the queue run's own bounce path); {@code hold
 * --route NAME} pauses one connection or route for every masq-deliver run until released.
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

  /** Which recipients are local, for the words of a pending recipient's state. */
  private Locality locality;

  /** The configuration and spool of a command on the queue itself (set by command). */
  private Config cfg;

  private Spool spool;

  /** The routes usable now, less the held ones, made when first needed (see {@link #routeNow}). */
  private RouteSelection routesNow;

  /** Why {@link #routesNow} could not be made, or null. */
  private String routesWhy;

  QueueTool(PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    super("masq-queue", out, err, env, clock);
  }

  public static void main(String[] args) {
    exit(new QueueTool(System.out, System.err, System.getenv(), Clock.systemUTC()), args);
  }

  @Override
  String usage() {
    return """
    usage: masq-queue [-C FILE] [-v] [list] [--json]
           masq-queue [-C FILE] status [--json]
           masq-queue [-C FILE] show ID | cat ID
           masq-queue [-C FILE] remove ID... | hold ID... | release ID... | bounce ID...
           masq-queue [-C FILE] hold --route NAME | release --route NAME
           masq-queue [-C FILE] check [--repair]
    Lists and manages the messages in the spool. See masq-queue(1).
    """;
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
      } else {
        out.println("MASQ UNKNOWN - " + why);
      }
      err.println(name + ": " + why);
      return QueueStatus.UNKNOWN;
    }
  }

  private int commandLine(String[] args) throws MasqException, IOException {
    CommandLine cl =
        CliParser.parse(
            this,
            args,
            CliParser.flag("json"),
            CliParser.flag("repair"),
            CliParser.valued("route", "NAME"));
    if (cl == null) {
      return Exit.OK;
    }
    List<String> words = cl.getArgList();
    boolean json = cl.hasOption("json");
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
    locality = Locality.of(cfg);
    mine = cfg.runAsUser() || uid() == 0 || login().equals("mail") ? -1 : uid();
    if (route != null) {
      if (!ids.isEmpty()) {
        throw usageError(cmd + " --route NAME takes no message IDs");
      }
      return routeHold(cfg, cmd, route);
    }
    try {
      return command(cfg, cmd, ids, json, repair);
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
      return userCommand(cfg.dirs().spoolDir(), own, cmd, ids, json);
    }
  }

  private int command(Config cfg, String cmd, List<String> ids, boolean json, boolean repair)
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
        return status(cfg, spool, json);
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
    list(all, Map.of());
    return Exit.OK;
  }

  /** The mailq blocks of {@code all}; {@code requested}: ID → a change a user asked for. */
  private void list(List<Envelope> all, Map<String, QueueOperation> requested) {
    long now = clock.millis();
    StringBuilder sb = new StringBuilder(4096);
    for (Envelope e : all) {
      listHead(sb, e.id(), e.sender(), e.size(), now - e.received());
      if (e.clientAddress() != null) {
        sb.append(" host=").append(e.clientAddress());
      }
      if (e.ident() != null) {
        sb.append(" ident=").append(e.ident());
      }
      if (e.held()) {
        sb.append(" *held*");
      }
      if (requested.containsKey(e.id())) {
        sb.append(" *").append(requested.get(e.id()).word()).append(" requested*");
      }
      sb.append('\n');
      for (Recipient r : e.recipients()) {
        sb.append("    ")
            .append(
                switch (r.state()) {
                  case PENDING -> "==";
                  case DELIVERED -> "=>";
                  case FAILED -> "!=";
                })
            .append(' ')
            .append(r.address());
        if (r.isPending()) {
          sb.append(" (").append(waiting(r)).append(", ").append(tries(r));
          String why = lastError(r);
          sb.append(why.isEmpty() ? ")" : ": " + why + ")");
        } else if (!r.lastError().isEmpty()) {
          sb.append(" (").append(r.lastError()).append(')');
        }
        sb.append('\n');
        if (verbose > 0 && r.isPending()) {
          sb.append("       ").append(outlook(e, r, now)).append('\n');
        }
      }
      if (sb.length() > 1 << 16) {
        out.print(sb);
        sb.setLength(0);
      }
    }
    out.print(sb);
  }

  /** The first line of a message's mailq block, up to its age. */
  private static void listHead(StringBuilder sb, String id, String sender, long size, long age) {
    sb.append(id)
        .append(" <= ")
        .append(sender.isEmpty() ? "<>" : sender)
        .append(" size=")
        .append(size)
        .append(" age=")
        .append(age(age));
  }

  /**
   * What a pending recipient waits for, in the same words before a run and after one that had no
   * route for it: {@code waiting for a route} (remote) or {@code waiting for local delivery}; or
   * {@code unroutable} when no configured route accepts it.
   */
  private String waiting(Recipient r) {
    if (r.unroutable()) {
      return "unroutable";
    }
    boolean remote;
    try {
      Address a = AddressParser.parseEnvelope(r.address());
      remote = !a.isNull() && !locality.isLocal(a);
    } catch (AddressException e) {
      remote = false; // |command, /file: local delivery's
    }
    return remote ? Recipient.NO_ROUTE : "waiting for local delivery";
  }

  /**
   * The reason a try left, or empty: not the {@code waiting for a route} a run without a route
   * writes, which {@link #waiting} says already.
   */
  private static String lastError(Recipient r) {
    if (r.unroutable()) {
      return r.lastError().substring(Recipient.UNROUTABLE.length());
    }
    return r.lastError().equals(Recipient.NO_ROUTE) ? "" : r.lastError();
  }

  private static String tries(Recipient r) {
    return r.tries() + (r.tries() == 1 ? " try" : " tries");
  }

  /** masqmail's age: the largest whole unit of d, h, m, s. */
  static String age(long millis) {
    long s = Math.max(0, millis / 1000);
    if (s >= 86400) {
      return s / 86400 + "d";
    }
    if (s >= 3600) {
      return s / 3600 + "h";
    }
    if (s >= 60) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  private int listJson(Spool spool) throws IOException {
    StringBuilder sb = new StringBuilder("[");
    boolean first = true;
    for (Envelope e : envelopes(spool)) {
      sb.append(first ? "\n" : ",\n");
      first = false;
      json(sb, e, "");
    }
    sb.append(first ? "]\n" : "\n]\n");
    out.print(sb);
    return Exit.OK;
  }

  /** One message of list --json; {@code extra}: more fields, each starting with ", ". */
  private void json(StringBuilder sb, Envelope e, String extra) {
    jsonHead(
        sb,
        e.id(),
        e.received(),
        e.size(),
        e.sender(),
        e.held(),
        ", \"tried\": " + (e.tried() == null ? "null" : Json.str(e.tried())) + extra);
    String sep = "";
    for (Recipient r : e.recipients()) {
      sb.append(sep);
      sep = ", ";
      jsonRecipient(sb, r.address(), r.state().word(), r.tries(), r.lastError());
      if (r.isPending()) {
        sb.setLength(sb.length() - 1); // the recipient's closing brace: three fields more
        long warn = Settlement.nextWarning(cfg, e);
        String route = remote(r) == null ? null : routeNow(e, remote(r), new ArrayList<>());
        sb.append(", \"next_warning\": ")
            .append(warn < 0 ? "null" : Json.str(Instant.ofEpochMilli(warn).toString()))
            .append(", \"bounce_at\": ")
            .append(Json.str(Instant.ofEpochMilli(Settlement.bounceAt(cfg, e)).toString()))
            .append(", \"route\": ")
            .append(route == null ? "null" : Json.str(route))
            .append('}');
      }
    }
    sb.append("]}");
  }

  /**
   * A pending recipient's outlook, for show and list -v ({@link Outlook}): when the next delay
   * warning and the bounce are due, or that it waits and why, and which route would take it now.
   */
  private String outlook(Envelope e, Recipient r, long now) {
    if (e.held()) {
      return Outlook.held();
    }
    Address a = remote(r);
    if (a == null) {
      return Outlook.local(cfg, e, now);
    }
    List<String> refusals = new ArrayList<>();
    String route = routeNow(e, a, refusals);
    return Outlook.remote(cfg, e, r, now, route, refusals, routesWhy);
  }

  /** The address of a pending remote recipient, or null (local, or not an address). */
  private Address remote(Recipient r) {
    try {
      Address a = AddressParser.parseEnvelope(r.address());
      return a.isNull() || locality.isLocal(a) ? null : a;
    } catch (AddressException e) {
      return null;
    }
  }

  /**
   * The route ({@code route=NAME link=LINK}) that a queue run would send {@code a} of {@code e}
   * over now (RouteSelection: permanent routes, the online connection's, less the held ones), or
   * null with the reasons in {@code refusals} (or {@link #routesWhy}).
   */
  private String routeNow(Envelope e, Address a, List<String> refusals) {
    if (spool == null) {
      routesWhy = "system mode: the message is readable only by mail and root";
    } else if (routesNow == null && routesWhy == null) {
      try {
        java.util.Set<String> holds = spool.heldRoutes();
        routesNow =
            RouteSelection.of(cfg, null, strict).without(holds).withAllHeld(cfg, holds, strict);
        routesWhy = routesNow.why();
      } catch (MasqException | IOException ex) {
        routesWhy = "routes unreadable: " + ex.getMessage();
      }
    }
    if (routesNow == null) {
      return null;
    }
    try {
      masq.route.Route r = routesNow.taking(spool, e, a, cfg.names().hostName(), refusals);
      return r == null ? null : r.tag();
    } catch (MasqException | IOException ex) {
      refusals.add("cannot read the message: " + ex.getMessage());
      return null;
    }
  }

  /** A message's fields in list --json, up to the opening of its recipient array. */
  private static void jsonHead(
      StringBuilder sb,
      String id,
      long received,
      long size,
      String sender,
      boolean held,
      String extra) {
    sb.append("  {\"id\": ")
        .append(Json.str(id))
        .append(", \"received\": ")
        .append(Json.str(Instant.ofEpochMilli(received).toString()))
        .append(", \"size\": ")
        .append(size)
        .append(", \"sender\": ")
        .append(Json.str(sender))
        .append(", \"held\": ")
        .append(held)
        .append(extra)
        .append(", \"recipients\": [");
  }

  /** One recipient in list --json; an empty {@code lastError} is null. */
  private static void jsonRecipient(
      StringBuilder sb, String address, String state, int tries, String lastError) {
    sb.append("{\"address\": ")
        .append(Json.str(address))
        .append(", \"state\": ")
        .append(Json.str(state))
        .append(", \"tries\": ")
        .append(tries)
        .append(", \"last_error\": ")
        .append(lastError.isEmpty() ? "null" : Json.str(lastError))
        .append('}');
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
    show(readMine(spool, id));
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

  /** The envelope part of show, and the empty line after it. */
  private void show(Envelope e) {
    StringBuilder sb = new StringBuilder();
    sb.append("id:        ").append(e.id()).append('\n');
    sb.append("received:  ")
        .append(Instant.ofEpochMilli(e.received()))
        .append(" (")
        .append(age(clock.millis() - e.received()))
        .append(" ago)\n");
    sb.append("sender:    <").append(e.sender()).append(">\n");
    sb.append("protocol:  ").append(e.protocol());
    if (e.clientAddress() != null) {
      sb.append(" from ").append(e.clientAddress());
      if (e.clientHelo() != null) {
        sb.append(" (").append(e.clientHelo()).append(')');
      }
    }
    if (e.ident() != null) {
      sb.append(", ident ").append(e.ident()).append(" (uid ").append(e.uid()).append(')');
    }
    sb.append('\n');
    sb.append("size:      ").append(e.size()).append(" (body ").append(e.bodySize()).append(")\n");
    if (e.held()) {
      sb.append("state:     held\n");
    }
    if (e.tried() != null) {
      sb.append("tried:     ").append(e.tried()).append(" (the last remote attempt)\n");
    }
    for (Recipient r : e.recipients()) {
      sb.append("recipient: <")
          .append(r.address())
          .append("> ")
          .append(r.isPending() ? waiting(r) : r.state().word())
          .append(", ")
          .append(tries(r));
      if (!r.parent().isEmpty()) {
        sb.append(", via <").append(r.parent()).append('>');
      }
      if (!lastError(r).isEmpty()) {
        sb.append(": ").append(lastError(r));
      }
      sb.append('\n');
      if (r.isPending()) {
        sb.append("           ").append(outlook(e, r, clock.millis())).append('\n');
      }
    }
    sb.append('\n');
    out.print(sb);
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

  /**
   * System mode, an ordinary user who may not read the queue: the same commands on what the last
   * masq-deliver run published in {@code users/UID} (see UserStatusArea); changes are requests that
   * the next run carries out.
   */
  private int userCommand(Path spoolDir, Path own, String cmd, List<String> ids, boolean json)
      throws MasqException, IOException {
    UserStatus v = UserStatusArea.read(own);
    switch (cmd) {
      case "list" -> {
        if (json) {
          userJson(v);
        } else {
          userList(v);
        }
        return Exit.OK;
      }
      case "show" -> {
        Envelope e = v.envelope(ids.get(0));
        if (e == null) {
          throw new MasqException(
              Exit.NOUSER,
              v.has(ids.get(0))
                  ? ids.get(0) + " is waiting for pickup" + " (see masq-queue list)"
                  : "no such message among yours: " + ids.get(0));
        }
        out.println(asOf(v));
        show(e);
        out.println("(the headers and the message are readable only by mail and root)");
        return Exit.OK;
      }
      case "status", "bounce" -> {
        throw new MasqException(
            Exit.CANTCREAT,
            cmd + ": the queue is readable only by mail and root (system mode); run it as mail");
      }
      case "cat" -> {
        if (!v.has(ids.get(0))) {
          throw new MasqException(Exit.NOUSER, "no such message among yours: " + ids.get(0));
        }
        throw new MasqException(
            Exit.CANTCREAT,
            "cat: queued messages are readable only by mail and root" + " (system mode)");
      }
      default -> {
        QueueOperation op = QueueOperation.named(cmd); // a known word (see commandLine)
        int rc = Exit.OK;
        for (String id : ids) {
          try {
            out.println(UserStatusArea.request(spoolDir, own, v, id, op));
          } catch (MasqException e) {
            err.println(name + ": " + e.getMessage());
            rc = rc == Exit.OK ? e.exitCode() : rc;
          }
        }
        return rc;
      }
    }
  }

  /** When the view was made, for people. */
  private String asOf(UserStatus v) {
    return v.published() < 0
        ? "no delivery run has published your queued messages yet"
        : "as of the last delivery run at "
            + Instant.ofEpochMilli(v.published())
            + " ("
            + age(clock.millis() - v.published())
            + " ago)";
  }

  private void userList(UserStatus v) {
    out.println(asOf(v));
    if (v.queued().isEmpty() && v.pending().isEmpty() && v.refused().isEmpty()) {
      out.println("mail queue is empty.");
      return;
    }
    list(v.queued(), v.requests());
    long now = clock.millis();
    StringBuilder sb = new StringBuilder();
    for (PendingDrop p : v.pending()) {
      listHead(sb, p.id(), p.sender(), p.size(), now - p.time());
      sb.append(" *waiting for pickup*\n");
      for (String r : p.recipients()) {
        sb.append("    == ").append(r).append('\n');
      }
    }
    for (DropRefusal r : v.refused()) {
      sb.append(r.id())
          .append(" age=")
          .append(age(now - r.time()))
          .append(" *refused by the pickup*: ")
          .append(r.why())
          .append('\n');
    }
    out.print(sb);
  }

  private void userJson(UserStatus v) {
    String asOf =
        v.published() < 0 ? "null" : Json.str(Instant.ofEpochMilli(v.published()).toString());
    StringBuilder sb = new StringBuilder("[");
    String sep = "\n";
    for (Envelope e : v.queued()) {
      sb.append(sep);
      sep = ",\n";
      QueueOperation req = v.requests().get(e.id());
      json(
          sb,
          e,
          ", \"as_of\": "
              + asOf
              + ", \"requested\": "
              + (req == null ? "null" : Json.str(req.word())));
    }
    for (PendingDrop p : v.pending()) {
      sb.append(sep);
      sep = ",\n";
      jsonHead(sb, p.id(), p.time(), p.size(), p.sender(), false, ", \"waiting_for_pickup\": true");
      String rs = "";
      for (String r : p.recipients()) {
        sb.append(rs);
        rs = ", ";
        jsonRecipient(sb, r.replaceAll("^<|>$", ""), "pending", 0, "");
      }
      sb.append("]}");
    }
    for (DropRefusal r : v.refused()) {
      sb.append(sep);
      sep = ",\n";
      sb.append("  {\"id\": ")
          .append(Json.str(r.id()))
          .append(", \"received\": ")
          .append(Json.str(Instant.ofEpochMilli(r.time()).toString()))
          .append(", \"refused\": ")
          .append(Json.str(r.why()))
          .append(", \"recipients\": []}");
    }
    sb.append(sep.equals("\n") ? "]\n" : "\n]\n");
    out.print(sb);
  }

  /** status: the plugin line (or --json) and the plugin's exit code (see QueueStatus). */
  private int status(Config cfg, Spool spool, boolean json) throws IOException {
    List<Envelope> all = envelopes(spool, false);
    List<String> problems = spool.check(false, StatusPublisher.unusable(spool)).problems();
    long now = clock.millis();
    QueueStatus st =
        new QueueStatus(
            cfg, all, problems, now, Recipient.NO_ROUTE, RouteSelection.onlineFailure(cfg));
    String line = st.line(now);
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
