package masq.deliver.notice;

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
import java.util.Map;
import masq.MasqException;
import masq.accept.Submission;
import masq.address.Address;
import masq.address.Xtext;
import masq.config.Config;
import masq.log.MailLog;
import masq.message.Header;
import masq.message.HeaderValues;
import masq.message.RfcDate;
import masq.spool.Envelope;
import masq.spool.MessageLock;
import masq.spool.Recipient;
import masq.spool.Spool;

/**
 * Bounces, delay warnings and success reports, as RFC 3464 delivery status notifications: a {@code
 * multipart/report} whose first part is the template's text, the second a {@code
 * message/delivery-status} with one block per recipient, the third the original message ({@code
 * message/rfc822}) or its headers ({@code text/rfc822-headers}). A notice is an ordinary new
 * message with the null return path, accepted into the spool like any other and delivered by the
 * same run. It goes to the return path; for a message with the null sender (itself a notice) to
 * {@code postmaster@host_name} — unless a failing recipient is postmaster, in which case nothing is
 * sent. So notices never loop.
 *
 * <p>The submitter's DSN parameters (RFC 3461) decide: a recipient gets into a notice of a kind
 * only when its NOTIFY asks for it (without NOTIFY: failures and delays, not successes); RET=HDRS
 * returns the headers alone, RET=FULL the whole message (within the size limit); ENVID becomes
 * Original-Envelope-Id, ORCPT Original-Recipient.
 */
public final class Notices {
  /**
   * One recipient in a notice. {@code original} is the top-level recipient, or ""; {@code action}
   * the DSN action of a success report ({@code delivered}, {@code relayed}), "" in a bounce or
   * warning.
   */
  public record RecipientNote(
      String address,
      String original,
      String status,
      String reason,
      long lastAttempt,
      String action) {
    public RecipientNote(
        String address, String original, String status, String reason, long lastAttempt) {
      this(address, original, status, reason, lastAttempt, "");
    }
  }

  /** What a notice reports, and the NOTIFY word that asks for it. */
  public enum NoticeKind {
    FAILED("FAILURE", "bounce"),
    DELAYED("DELAY", "warning"),
    SUCCEEDED("SUCCESS", "success report");

    final String notify;
    final String noun;

    NoticeKind(String notify, String noun) {
      this.notify = notify;
      this.noun = noun;
    }
  }

  private final Config cfg;
  private final Spool spool;
  private final MailLog log;
  private final Template failTemplate;
  private final Template warnTemplate;
  private final Template successTemplate;
  private final long uid;
  private final ZoneId zone;

  public Notices(Config cfg, Spool spool, MailLog log, ZoneId zone, long uid) throws MasqException {
    this.zone = zone;
    this.cfg = cfg;
    this.spool = spool;
    this.log = log;
    this.uid = uid;
    java.util.Set<String> known = new java.util.HashSet<>(Template.EXTRA);
    known.addAll(MessageVariables.NAMES);
    this.failTemplate = Template.load(cfg.notices().errmsgFile(), "failmsg.tpl", known);
    this.warnTemplate = Template.load(cfg.notices().warnmsgFile(), "warnmsg.tpl", known);
    this.successTemplate = Template.load(null, "successmsg.tpl", known);
  }

  /** Who gets a notice about {@code env}, or null when nobody may (see the class comment). */
  public Address recipient(Envelope env, List<RecipientNote> items) {
    if (!env.sender().isEmpty()) {
      int at = env.sender().lastIndexOf('@');
      return at < 0
          ? new Address(env.sender(), cfg.names().hostName())
          : new Address(env.sender().substring(0, at), env.sender().substring(at + 1));
    }
    for (RecipientNote i : items) {
      if (isPostmaster(i.address()) || isPostmaster(i.original())) {
        return null;
      }
    }
    return new Address("postmaster", cfg.names().hostName());
  }

  private static boolean isPostmaster(String address) {
    int at = address.lastIndexOf('@');
    return (at < 0 ? address : address.substring(0, at)).equalsIgnoreCase("postmaster");
  }

  /** Sends a bounce ({@code failed}) or a warning; returns the new message's ID, or null. */
  public String send(MessageLock lock, Envelope env, List<RecipientNote> items, boolean failed)
      throws MasqException, IOException {
    return send(lock, env, items, failed ? NoticeKind.FAILED : NoticeKind.DELAYED);
  }

  /**
   * Sends a notice of {@code kind} about those of {@code items} whose NOTIFY asks for it; returns
   * the new message's ID, or null when none was sent.
   */
  public String send(MessageLock lock, Envelope env, List<RecipientNote> asked, NoticeKind kind)
      throws MasqException, IOException {
    List<RecipientNote> items = new ArrayList<>(asked.size());
    for (RecipientNote i : asked) {
      Recipient top = env.recipient(i.original().isEmpty() ? i.address() : i.original());
      if (top == null || top.wants(kind.notify)) {
        items.add(i);
      }
    }
    if (items.isEmpty()) {
      log.write(env.id() + " no " + kind.noun + " sent: NOTIFY does not ask for it");
      return null;
    }
    Address to = recipient(env, items);
    if (to == null) {
      log.write(
          env.id() + " no " + kind.noun + " sent: it would go to postmaster about postmaster");
      return null;
    }
    Template t =
        switch (kind) {
          case FAILED -> failTemplate;
          case DELAYED -> warnTemplate;
          case SUCCEEDED -> successTemplate;
        };
    Map<String, String> vars = MessageVariables.of(env, cfg.names().hostName());
    List<String> lines = new ArrayList<>();
    List<String> addrs = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (RecipientNote i : items) {
      String reason = HeaderValues.clean(i.reason());
      lines.add(
          wrap(
              "<"
                  + i.address()
                  + ">"
                  + (i.original().isEmpty() || i.original().equals(i.address())
                      ? ""
                      : " (for <" + i.original() + ">)")
                  + ": "
                  + reason,
              70));
      addrs.add(i.address());
      reasons.add(reason);
    }
    vars.put("failed_rcpts", String.join(", ", addrs));
    vars.put("err_msg", String.join("; ", reasons));
    String boundary = "=_masq_" + env.id() + "_" + Long.toHexString(spool.clock().millis());

    List<Header> fields = t.headers(vars);
    boolean hasSubject = fields.stream().anyMatch(h -> h.is("Subject"));
    boolean hasFrom = fields.stream().anyMatch(h -> h.is("From"));
    if (!hasFrom) {
      fields.add(0, Header.of("From", "MAILER-DAEMON@" + cfg.names().hostName()));
    }
    if (!hasSubject) {
      fields.add(
          Header.of(
              "Subject",
              switch (kind) {
                case FAILED -> "Mail delivery failed";
                case DELAYED -> "Mail delivery delayed";
                case SUCCEEDED -> "Mail delivered";
              }));
    }
    String text = wrap(t.text(vars, lines), LONGEST_TEXT_LINE);
    boolean textIs8bit = !HeaderValues.ascii(text);
    boolean whole =
        (env.ret().equals("FULL") || t.wantsBody() && !env.ret().equals("HDRS"))
            && (cfg.accept().maxMsgSize() == 0
                || env.bodySize() + 64 * 1024 < cfg.accept().maxMsgSize());
    byte[] returnedHeaders = whole ? null : headersOf(lock);
    boolean returned8bit = whole ? env.eightBit() || eightBit(lock) : eightBit(returnedHeaders);
    fields.add(Header.of("To", to.toString()));
    fields.add(Header.of("Auto-Submitted", "auto-replied"));
    fields.add(Header.of("MIME-Version", "1.0"));
    fields.add(
        Header.of(
            "Content-Type",
            "multipart/report; report-type=delivery-status;\n\tboundary=\"" + boundary + "\""));
    if (textIs8bit || returned8bit) {
      fields.add(Header.of("Content-Transfer-Encoding", "8bit"));
    }
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    for (Header h : fields) {
      head.writeBytes(h.bytes());
    }
    String delimiter = "--" + boundary + "\n";
    String body =
        "\nThis is a MIME-formatted delivery status notification.\n\n"
            + delimiter
            + "Content-Type: text/plain; charset="
            + (textIs8bit ? "utf-8" : "us-ascii")
            + "\nContent-Transfer-Encoding: "
            + (textIs8bit ? "8bit" : "7bit")
            + "\n\n"
            + text
            + "\n"
            + delimiter
            + "Content-Type: message/delivery-status\n\n"
            + status(env, items, kind)
            + delimiter
            + returnedType(whole, env.utf8() && returned8bit)
            + "Content-Transfer-Encoding: "
            + (returned8bit ? "8bit" : "7bit")
            + "\n\n";
    head.writeBytes(body.getBytes(StandardCharsets.UTF_8));
    List<InputStream> parts = new ArrayList<>();
    parts.add(new ByteArrayInputStream(head.toByteArray()));
    parts.add(whole ? lock.openMessage() : new ByteArrayInputStream(returnedHeaders));
    parts.add(bytes("\n--" + boundary + "--\n"));
    Submission.Request req =
        // it may return UTF-8 headers: they leave only with SMTPUTF8
        Submission.Request.notice(to, uid, env.utf8());
    try (InputStream in = new SequenceInputStream(Collections.enumeration(parts))) {
      Envelope notice = Submission.accept(in, req, cfg, spool, log);
      log.write(env.id() + " " + kind.noun + " " + notice.id() + " to <" + to + ">");
      return notice.id();
    }
  }

  /**
   * The {@code message/delivery-status} body (RFC 3464): the per-message fields, then a block per
   * recipient. Every field is US-ASCII, free of control characters and folded (at most 998 octets a
   * line), whatever a remote server's reply held.
   */
  private String status(Envelope env, List<RecipientNote> items, NoticeKind kind) {
    boolean failed = kind == NoticeKind.FAILED;
    StringBuilder sb = new StringBuilder();
    if (!env.envid().isEmpty()) {
      field(sb, "Original-Envelope-Id", usAscii(env.envid()));
    }
    field(sb, "Reporting-MTA", "dns; " + usAscii(cfg.names().hostName()));
    field(sb, "X-Masq-Queue-ID", env.id());
    field(sb, "Arrival-Date", date(env.received()));
    sb.append('\n');
    for (RecipientNote i : items) {
      String original = i.original().isEmpty() ? i.address() : i.original();
      Recipient top = env.recipient(original);
      if (top != null && !top.orcpt().isEmpty()) {
        field(sb, "Original-Recipient", typed(top.orcpt()));
      } else if (!original.equals(i.address())) {
        field(sb, "Original-Recipient", typed("rfc822;" + original));
      }
      field(sb, "Final-Recipient", typed("rfc822;" + i.address()));
      field(
          sb,
          "Action",
          switch (kind) {
            case FAILED -> "failed";
            case DELAYED -> "delayed";
            case SUCCEEDED -> i.action().isEmpty() ? "delivered" : i.action();
          });
      field(
          sb,
          "Status",
          kind == NoticeKind.SUCCEEDED
              ? i.status().startsWith("2.") ? statusCode(i.status(), false) : "2.0.0"
              : statusCode(i.status(), failed));
      // a run too long for a line is broken, not cut: the whole reply reaches the sender
      String reason = breakRuns(usAscii(i.reason()).strip(), 70);
      field(sb, "Diagnostic-Code", (isSmtpReply(reason) ? "smtp; " : "X-masq; ") + reason);
      if (i.lastAttempt() > 0) {
        field(sb, "Last-Attempt-Date", date(i.lastAttempt()));
      }
      if (kind == NoticeKind.DELAYED) {
        field(
            sb, "Will-Retry-Until", date(env.received() + cfg.notices().maxDeferTime().toMillis()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * The Content-Type line of the returned message: of an SMTPUTF8 message with 8-bit data, RFC
   * 6532's {@code message/global} or RFC 6533's {@code message/global-headers}, whose headers may
   * be UTF-8 (in {@code message/rfc822} they may not).
   */
  private static String returnedType(boolean whole, boolean utf8) {
    if (utf8) {
      return whole ? "Content-Type: message/global\n" : "Content-Type: message/global-headers\n";
    }
    return whole ? "Content-Type: message/rfc822\n" : "Content-Type: text/rfc822-headers\n";
  }

  /**
   * An address as a DSN field holds it, {@code TYPE; ADDRESS}: an address beyond ASCII as RFC
   * 6533's {@code utf-8} type in xtext ({@code \x{HEX}}), since the report is US-ASCII.
   */
  static String typed(String typeAndAddress) {
    int semi = typeAndAddress.indexOf(';');
    String type = typeAndAddress.substring(0, semi);
    String addr = typeAndAddress.substring(semi + 1);
    if (HeaderValues.ascii(addr) && !type.equalsIgnoreCase("utf-8")) {
      return type + "; " + usAscii(addr);
    }
    return "utf-8; " + Xtext.encode(addr, true);
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(Header.of(name, value).raw());
  }

  /** Printable US-ASCII: control characters become spaces, other characters '?'. */
  static String usAscii(String s) {
    String clean = HeaderValues.clean(s);
    StringBuilder sb = new StringBuilder(clean.length());
    for (int i = 0; i < clean.length(); i++) {
      char c = clean.charAt(i);
      if (c > 0x7e) {
        sb.append('?');
        if (Character.isHighSurrogate(c) && i + 1 < clean.length()) {
          i++;
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** {@code s} with a space put into every run of more than {@code max} non-blank characters. */
  static String breakRuns(String s, int max) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    int run = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      run = c == ' ' || c == '\t' ? 0 : run + 1;
      if (run > max) {
        int colon = sb.lastIndexOf(":"); // a fingerprint breaks between its pairs
        if (colon >= sb.length() - run + 1 && colon < sb.length() - 1) {
          sb.insert(colon + 1, ' ');
          run = sb.length() - colon - 1;
        } else {
          sb.append(' ');
          run = 1;
        }
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** True when {@code reason} is an SMTP reply as masq records it: {@code 550 5.1.1 text}. */
  static boolean isSmtpReply(String reason) {
    return reason.length() >= 3
        && reason.charAt(0) >= '2'
        && reason.charAt(0) <= '5'
        && Character.isDigit(reason.charAt(1))
        && Character.isDigit(reason.charAt(2))
        && (reason.length() == 3 || reason.charAt(3) == ' ');
  }

  /**
   * An RFC 3464 status code: {@code status} when it is one ({@code class.subject.detail}, class 2,
   * 4 or 5, at most three digits each after the first), else the generic 5.0.0 or 4.0.0.
   */
  static String statusCode(String status, boolean failed) {
    String[] p = status == null ? new String[0] : status.split("\\.", -1);
    boolean ok =
        p.length == 3
            && (p[0].equals("2") || p[0].equals("4") || p[0].equals("5"))
            && digits(p[1])
            && digits(p[2]);
    return ok ? status : failed ? "5.0.0" : "4.0.0";
  }

  private static boolean digits(String s) {
    if (s.isEmpty() || s.length() > 3) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** The longest line of the text part, in characters: at most 990 octets of UTF-8. */
  static final int LONGEST_TEXT_LINE = 330;

  /**
   * {@code text} with every line longer than {@code width} characters wrapped at white space
   * (continued after two spaces), a run without white space broken every {@code width} characters
   * (never inside a surrogate pair): so the text part keeps within the line limit of 7bit and 8bit
   * data (998 octets) whatever a server replied, and a recipient's reason is readable.
   */
  static String wrap(String text, int width) {
    StringBuilder out = new StringBuilder(text.length() + 64);
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      if (n > 0) {
        out.append('\n');
      }
      String line = lines[n];
      if (line.length() <= width) {
        out.append(line);
        continue;
      }
      int lineStart = out.length();
      int i = 0;
      while (i < line.length()) {
        int ws = i;
        while (i < line.length() && blank(line.charAt(i))) {
          i++;
        }
        int start = i;
        while (i < line.length() && !blank(line.charAt(i)) && i - start < width - 2) {
          i++;
        }
        if (i < line.length() && i > start + 1 && Character.isLowSurrogate(line.charAt(i))) {
          i--;
        }
        int colon = line.lastIndexOf(':', i - 2); // a fingerprint breaks between its pairs
        if (i < line.length() && !blank(line.charAt(i)) && colon > start) {
          i = colon + 1;
        }
        int used = out.length() - lineStart;
        if (i > start && used > 0 && used + (i - ws) > width) {
          out.append("\n  ");
          lineStart = out.length() - 2;
        } else {
          out.append(line, ws, start);
        }
        out.append(line, start, i);
      }
    }
    return out.toString();
  }

  private static boolean blank(char c) {
    return c == ' ' || c == '\t';
  }

  private String date(long millis) {
    return RfcDate.format(Instant.ofEpochMilli(millis), zone);
  }

  private static InputStream bytes(CharSequence s) {
    return new ByteArrayInputStream(s.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** True when {@code data} holds a byte with its high bit set. */
  private static boolean eightBit(byte[] data) {
    for (byte b : data) {
      if (b < 0) {
        return true;
      }
    }
    return false;
  }

  /** True when the stored message holds 8-bit bytes (read to find out: older spool entries). */
  private static boolean eightBit(MessageLock lock) throws IOException {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = lock.openMessage()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] < 0) {
            return true;
          }
        }
      }
    }
    return false;
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
