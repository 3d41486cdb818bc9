package masq.deliver;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import masq.MasqException;
import masq.accept.Submission;
import masq.address.Address;
import masq.config.Config;
import masq.log.MailLog;
import masq.message.RfcDate;
import masq.spool.Envelope;
import masq.spool.MessageLock;
import masq.spool.Spool;

/**
 * Bounces and delay warnings, as RFC 3464 delivery status notifications: a {@code multipart/report}
 * whose first part is the template's text, the second a {@code message/delivery-status} with one
 * block per recipient, the third the original message ({@code message/rfc822}) or its headers
 * ({@code text/rfc822-headers}). A notice is an ordinary new message with the null return path,
 * accepted into the spool like any other and delivered by the same run. It goes to the return path;
 * for a message with the null sender (itself a notice) to {@code postmaster@host_name} — unless a
 * failing recipient is postmaster, in which case nothing is sent. So notices never loop.
 */
final class Notices {
  /** One recipient in a notice. {@code original} is the top-level recipient, or "". */
  record Item(String address, String original, String status, String reason, long lastAttempt) {}

  private final Config cfg;
  private final Spool spool;
  private final MailLog log;
  private final Template failTemplate;
  private final Template warnTemplate;
  private final long uid;
  private final ZoneId zone = ZoneId.systemDefault();

  Notices(Config cfg, Spool spool, MailLog log, long uid) throws MasqException {
    this.cfg = cfg;
    this.spool = spool;
    this.log = log;
    this.uid = uid;
    java.util.Set<String> known = new java.util.HashSet<>(Template.EXTRA);
    known.addAll(MessageVariables.NAMES);
    this.failTemplate = Template.load(cfg.errmsgFile(), "failmsg.tpl", known);
    this.warnTemplate = Template.load(cfg.warnmsgFile(), "warnmsg.tpl", known);
  }

  /** Who gets a notice about {@code env}, or null when nobody may (see the class comment). */
  Address recipient(Envelope env, List<Item> items) {
    if (!env.sender().isEmpty()) {
      int at = env.sender().lastIndexOf('@');
      return at < 0
          ? new Address(env.sender(), cfg.hostName())
          : new Address(env.sender().substring(0, at), env.sender().substring(at + 1));
    }
    for (Item i : items) {
      if (isPostmaster(i.address()) || isPostmaster(i.original())) {
        return null;
      }
    }
    return new Address("postmaster", cfg.hostName());
  }

  private static boolean isPostmaster(String address) {
    int at = address.lastIndexOf('@');
    return (at < 0 ? address : address.substring(0, at)).equalsIgnoreCase("postmaster");
  }

  /** Sends a bounce ({@code failed}) or a warning; returns the new message's ID, or null. */
  String send(MessageLock lock, Envelope env, List<Item> items, boolean failed)
      throws MasqException, IOException {
    Address to = recipient(env, items);
    if (to == null) {
      log.write(
          env.id()
              + " no "
              + (failed ? "bounce" : "warning")
              + " sent: it would go to postmaster about postmaster");
      return null;
    }
    Template t = failed ? failTemplate : warnTemplate;
    Map<String, String> vars = MessageVariables.of(env, cfg.hostName());
    List<String> lines = new ArrayList<>();
    List<String> addrs = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (Item i : items) {
      lines.add(
          "<"
              + i.address()
              + ">"
              + (i.original().isEmpty() || i.original().equals(i.address())
                  ? ""
                  : " (for <" + i.original() + ">)")
              + ": "
              + i.reason());
      addrs.add(i.address());
      reasons.add(i.reason());
    }
    vars.put("failed_rcpts", String.join(", ", addrs));
    vars.put("err_msg", String.join("; ", reasons));
    String boundary = "=_masq_" + env.id() + "_" + Long.toHexString(spool.clock().millis());

    StringBuilder head = new StringBuilder();
    boolean hasSubject = false;
    boolean hasFrom = false;
    boolean skipping = false;
    for (String h : t.headers(vars)) {
      boolean cont = h.startsWith(" ") || h.startsWith("\t");
      if (!cont) {
        String name = h.substring(0, Math.max(0, h.indexOf(':'))).strip().toLowerCase(Locale.ROOT);
        // masq addresses the notice itself and makes the MIME structure
        skipping =
            List.of("to", "cc", "bcc", "mime-version", "content-type", "content-transfer-encoding")
                .contains(name);
        hasSubject |= name.equals("subject");
        hasFrom |= name.equals("from");
      }
      if (!skipping) {
        head.append(h).append('\n');
      }
    }
    if (!hasFrom) {
      head.insert(0, "From: MAILER-DAEMON@" + cfg.hostName() + "\n");
    }
    if (!hasSubject) {
      head.append("Subject: ")
          .append(failed ? "Mail delivery failed" : "Mail delivery delayed")
          .append('\n');
    }
    head.append("To: ")
        .append(to)
        .append('\n')
        .append("Auto-Submitted: auto-replied\n")
        .append("MIME-Version: 1.0\n")
        .append("Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"")
        .append(boundary)
        .append("\"\n\n")
        .append("This is a MIME-formatted delivery status notification.\n\n")
        .append("--")
        .append(boundary)
        .append('\n')
        .append("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n")
        .append(t.text(vars, lines))
        .append('\n')
        .append("--")
        .append(boundary)
        .append('\n')
        .append("Content-Type: message/delivery-status\n\n")
        .append(status(env, items, failed))
        .append("--")
        .append(boundary)
        .append('\n');
    boolean whole =
        t.wantsBody() && (cfg.maxMsgSize() == 0 || env.bodySize() + 64 * 1024 < cfg.maxMsgSize());
    List<InputStream> parts = new ArrayList<>();
    if (whole) {
      head.append("Content-Type: message/rfc822\n\n");
      parts.add(bytes(head));
      parts.add(lock.openMessage());
    } else {
      head.append("Content-Type: text/rfc822-headers\n\n");
      parts.add(bytes(head));
      parts.add(new ByteArrayInputStream(headersOf(lock)));
    }
    parts.add(bytes(new StringBuilder("\n--").append(boundary).append("--\n")));
    Submission.Request req =
        new Submission.Request(
            Address.NULL,
            null,
            List.of(to),
            false,
            false,
            "local",
            "MAILER-DAEMON",
            uid,
            null,
            null);
    try (InputStream in = new SequenceInputStream(Collections.enumeration(parts))) {
      Envelope notice = Submission.accept(in, req, cfg, spool, log);
      log.write(
          env.id()
              + " "
              + (failed ? "bounce" : "warning")
              + " "
              + notice.id()
              + " to <"
              + to
              + ">");
      return notice.id();
    }
  }

  private String status(Envelope env, List<Item> items, boolean failed) {
    StringBuilder sb = new StringBuilder();
    sb.append("Reporting-MTA: dns; ")
        .append(cfg.hostName())
        .append('\n')
        .append("X-Masq-Queue-ID: ")
        .append(env.id())
        .append('\n')
        .append("Arrival-Date: ")
        .append(date(env.received()))
        .append("\n\n");
    for (Item i : items) {
      sb.append("Final-Recipient: rfc822; ").append(i.address()).append('\n');
      if (!i.original().isEmpty() && !i.original().equals(i.address())) {
        sb.append("Original-Recipient: rfc822; ").append(i.original()).append('\n');
      }
      sb.append("Action: ")
          .append(failed ? "failed" : "delayed")
          .append('\n')
          .append("Status: ")
          .append(i.status())
          .append('\n')
          .append("Diagnostic-Code: X-masq; ")
          .append(i.reason().replace('\n', ' '))
          .append('\n');
      if (i.lastAttempt() > 0) {
        sb.append("Last-Attempt-Date: ").append(date(i.lastAttempt())).append('\n');
      }
      if (!failed) {
        sb.append("Will-Retry-Until: ")
            .append(date(env.received() + cfg.maxDeferTime().toMillis()))
            .append('\n');
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private String date(long millis) {
    return RfcDate.format(Instant.ofEpochMilli(millis), zone);
  }

  private static InputStream bytes(CharSequence s) {
    return new ByteArrayInputStream(s.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The stored header section of {@code env}'s message (bounded by the accept limits). */
  private static byte[] headersOf(MessageLock lock) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = new java.io.BufferedInputStream(lock.openMessage())) {
      int prev = '\n';
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n' && prev == '\n') {
          break;
        }
        out.write(c);
        prev = c;
      }
    }
    return out.toByteArray();
  }
}
