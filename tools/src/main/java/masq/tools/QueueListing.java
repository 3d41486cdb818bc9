package masq.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import masq.MasqException;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.config.Config;
import masq.deliver.RouteSelection;
import masq.deliver.Settlement;
import masq.route.Locality;
import masq.route.Route;
import masq.spool.Envelope;
import masq.spool.Recipient;
import masq.spool.Spool;
import masq.system.QueueOperation;

/**
 * How masq-queue shows queued messages to people and to programs: the mailq blocks of {@code list},
 * {@code show}'s envelope part, the objects of {@code list --json}, and each pending recipient's
 * outlook ({@link Outlook}: the route a run would take now, when the warning and the bounce are
 * due). It reads and changes nothing; QueueTool decides what to show, and UserQueue shows a
 * system-mode user's published view through it.
 */
final class QueueListing {
  private final Config cfg;
  private final Locality locality;

  /** The spool the messages are in, or null when the caller may not read it (system mode). */
  private final Spool spool;

  private final Clock clock;
  private final int verbose;
  private final boolean strict;
  private final PrintStream out;

  /** The routes usable now, less the held ones, made when first needed (see {@link #routeNow}). */
  private RouteSelection routesNow;

  /** Why {@link #routesNow} could not be made, or null. */
  private String routesWhy;

  QueueListing(Config cfg, Spool spool, Clock clock, int verbose, boolean strict, PrintStream out) {
    this.cfg = cfg;
    this.locality = Locality.of(cfg);
    this.spool = spool;
    this.clock = clock;
    this.verbose = verbose;
    this.strict = strict;
    this.out = out;
  }

  /** The mailq blocks of {@code all}; {@code requested}: ID → a change a user asked for. */
  void list(List<Envelope> all, Map<String, QueueOperation> requested) {
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
  static void listHead(StringBuilder sb, String id, String sender, long size, long age) {
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

  /** One message of list --json; {@code extra}: more fields, each starting with ", ". */
  void json(StringBuilder sb, Envelope e, String extra) {
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
        Set<String> holds = spool.heldRoutes();
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
      Route r = routesNow.taking(spool, e, a, cfg.names().hostName(), refusals);
      return r == null ? null : r.tag();
    } catch (MasqException | IOException ex) {
      refusals.add("cannot read the message: " + ex.getMessage());
      return null;
    }
  }

  /** A message's fields in list --json, up to the opening of its recipient array. */
  static void jsonHead(
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
  static void jsonRecipient(
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

  /** The envelope part of show, and the empty line after it. */
  void show(Envelope e) {
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
}
