package masq.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import masq.Exit;
import masq.MasqException;
import masq.spool.Envelope;
import masq.system.DropRefusal;
import masq.system.PendingDrop;
import masq.system.QueueOperation;
import masq.system.UserStatus;
import masq.system.UserStatusArea;

/**
 * masq-queue for an ordinary user of a system-mode spool, who may not read the queue: the same
 * commands on the view the last masq-deliver run published in {@code users/UID} (UserStatusArea),
 * with the drops still waiting for pickup and those the pickup refused; remove, hold and release
 * become requests that the next run carries out.
 */
final class UserQueue {
  private final String name;
  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;
  private final QueueListing listing;

  UserQueue(String name, PrintStream out, PrintStream err, Clock clock, QueueListing listing) {
    this.name = name;
    this.out = out;
    this.err = err;
    this.clock = clock;
    this.listing = listing;
  }

  /**
   * System mode, an ordinary user who may not read the queue: the same commands on what the last
   * masq-deliver run published in {@code users/UID} (see UserStatusArea); changes are requests that
   * the next run carries out.
   */
  int run(Path spoolDir, Path own, String cmd, List<String> ids, boolean json)
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
        listing.show(e);
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
            + QueueListing.age(clock.millis() - v.published())
            + " ago)";
  }

  private void userList(UserStatus v) {
    out.println(asOf(v));
    if (v.queued().isEmpty() && v.pending().isEmpty() && v.refused().isEmpty()) {
      out.println("mail queue is empty.");
      return;
    }
    listing.list(v.queued(), v.requests());
    long now = clock.millis();
    StringBuilder sb = new StringBuilder();
    for (PendingDrop p : v.pending()) {
      QueueListing.listHead(sb, p.id(), p.sender(), p.size(), now - p.time());
      sb.append(" *waiting for pickup*\n");
      for (String r : p.recipients()) {
        sb.append("    == ").append(r).append('\n');
      }
    }
    for (DropRefusal r : v.refused()) {
      sb.append(r.id())
          .append(" age=")
          .append(QueueListing.age(now - r.time()))
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
      listing.json(
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
      QueueListing.jsonHead(
          sb, p.id(), p.time(), p.size(), p.sender(), false, ", \"waiting_for_pickup\": true");
      String rs = "";
      for (String r : p.recipients()) {
        sb.append(rs);
        rs = ", ";
        QueueListing.jsonRecipient(sb, r.replaceAll("^<|>$", ""), "pending", 0, "");
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
}
