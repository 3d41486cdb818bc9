package masq.spool;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import masq.Api;

/**
 * The envelope and delivery state of one queued message, stored as {@code queue/ID.env} (format in
 * spool-format.md). Immutable; a status change writes a new file in place of the old one.
 *
 * @param sender the return path without brackets, "" for the null sender
 * @param received arrival time, epoch milliseconds
 * @param lastWarning time of the last delay warning, epoch milliseconds, 0 if none
 * @param size bytes of the stored message file (headers and body)
 * @param bodySize bytes of the body alone
 * @param eightBit the message holds 8-bit bytes: it is 8BITMIME data (RFC 6152), and goes out with
 *     {@code BODY=8BITMIME}; written as {@code bodytype 8BITMIME}
 * @param ret the DSN's RET= (RFC 3461): {@code FULL}, {@code HDRS}, or "" when not given
 * @param envid the DSN's ENVID=, decoded, or ""
 * @param utf8 the message came with SMTPUTF8 (RFC 6531), or its envelope holds a UTF-8 address: it
 *     leaves only with SMTPUTF8 when it needs it (never downgraded)
 * @param tried the route of the last remote attempt ({@code route=NAME link=LINK}), null before
 *     one; written as {@code tried} (what masq-queue status names a deferral by)
 * @param notified when notify_command last heard that a recipient is deferred, epoch milliseconds,
 *     by recipient address (written as {@code notified <ADDRESS> TIME} lines)
 */
@Api
public record Envelope(
    String id,
    long received,
    String sender,
    String protocol,
    String clientAddress,
    String clientHelo,
    String ident,
    long uid,
    long size,
    long bodySize,
    long lastWarning,
    boolean held,
    List<Recipient> recipients,
    boolean eightBit,
    String ret,
    String envid,
    boolean utf8,
    String tried,
    Map<String, Long> notified) {

  public static final String MAGIC = "masq-envelope 1";

  public Envelope {
    recipients = List.copyOf(recipients);
    notified = Collections.unmodifiableMap(new LinkedHashMap<>(notified));
  }

  /** This envelope after a remote attempt over {@code route} (its tag). */
  public Envelope withTried(String route) {
    return copy(lastWarning, held, recipients, route, notified);
  }

  /** This envelope with {@code times} as the times notify_command heard of deferrals. */
  public Envelope withNotified(Map<String, Long> times) {
    return copy(lastWarning, held, recipients, tried, times);
  }

  public Envelope withRecipients(List<Recipient> rs) {
    return copy(lastWarning, held, rs, tried, notified);
  }

  public Envelope withHeld(boolean h) {
    return copy(lastWarning, h, recipients, tried, notified);
  }

  public Envelope withLastWarning(long when) {
    return copy(when, held, recipients, tried, notified);
  }

  /** This envelope with the state that changes after acceptance replaced. */
  private Envelope copy(
      long warned, boolean h, List<Recipient> rs, String route, Map<String, Long> times) {
    return new Envelope(
        id,
        received,
        sender,
        protocol,
        clientAddress,
        clientHelo,
        ident,
        uid,
        size,
        bodySize,
        warned,
        h,
        rs,
        eightBit,
        ret,
        envid,
        utf8,
        route,
        times);
  }

  /** The top-level recipient {@code address}, or null. */
  public Recipient recipient(String address) {
    for (Recipient r : recipients) {
      if (r.parent().isEmpty() && r.address().equals(address)) {
        return r;
      }
    }
    return null;
  }

  /** True while some recipient is still pending. */
  public boolean hasPending() {
    return recipients.stream().anyMatch(Recipient::isPending);
  }

  /** The file's bytes. */
  public byte[] encode() {
    StringBuilder sb = new StringBuilder(256);
    sb.append(MAGIC).append('\n');
    field(sb, "id", id);
    field(sb, "received", Long.toString(received));
    field(sb, "sender", "<" + sender + ">");
    field(sb, "protocol", protocol);
    if (clientAddress != null) {
      field(sb, "client", clientAddress);
    }
    if (clientHelo != null) {
      field(sb, "helo", clientHelo);
    }
    if (ident != null) {
      field(sb, "ident", ident);
    }
    field(sb, "uid", Long.toString(uid));
    field(sb, "size", Long.toString(size));
    field(sb, "body", Long.toString(bodySize));
    if (lastWarning != 0) {
      field(sb, "warned", Long.toString(lastWarning));
    }
    if (held) {
      field(sb, "held", "1");
    }
    if (eightBit) {
      field(sb, "bodytype", "8BITMIME");
    }
    if (!ret.isEmpty()) {
      field(sb, "ret", ret);
    }
    if (!envid.isEmpty()) {
      field(sb, "envid", envid);
    }
    if (utf8) {
      field(sb, "smtputf8", "1");
    }
    if (tried != null) {
      field(sb, "tried", tried);
    }
    for (Map.Entry<String, Long> n : notified.entrySet()) {
      sb.append("notified\t<")
          .append(clean(n.getKey()))
          .append(">\t")
          .append(n.getValue())
          .append('\n');
    }
    for (Recipient r : recipients) {
      sb.append("rcpt\t")
          .append(r.state().code)
          .append('\t')
          .append(r.tries())
          .append('\t')
          .append(r.lastAttempt())
          .append('\t')
          .append('<')
          .append(clean(r.address()))
          .append(">\t")
          .append(r.parent().isEmpty() ? "" : "<" + clean(r.parent()) + ">")
          .append('\t')
          .append(clean(r.lastError()));
      if (!r.notifyOn().isEmpty() || !r.orcpt().isEmpty()) {
        sb.append('\t').append(r.notifyOn()).append('\t').append(clean(r.orcpt()));
      }
      sb.append('\n');
    }
    sb.append("end\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void field(StringBuilder sb, String key, String value) {
    sb.append(key).append('\t').append(clean(value)).append('\n');
  }

  /** Tabs, line ends and other control characters never reach the file. */
  private static String clean(String v) {
    StringBuilder sb = null;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        if (sb == null) {
          sb = new StringBuilder(v.substring(0, i));
        }
        sb.append(' ');
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? v : sb.toString();
  }

  /** Parses an envelope file; throws {@link CorruptEntryException} naming what is wrong. */
  public static Envelope decode(byte[] bytes) throws CorruptEntryException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    if (lines.length < 3 || !lines[0].equals(MAGIC)) {
      throw new CorruptEntryException("not a masq envelope (bad first line)");
    }
    String id = null;
    String sender = null;
    String protocol = "local";
    String client = null;
    String helo = null;
    String ident = null;
    long received = -1;
    long uid = -1;
    long size = -1;
    long body = -1;
    long warned = 0;
    boolean held = false;
    boolean eightBit = false;
    String ret = "";
    String envid = "";
    boolean utf8 = false;
    String tried = null;
    Map<String, Long> notified = new LinkedHashMap<>();
    boolean end = false;
    List<Recipient> rcpts = new ArrayList<>();
    try {
      for (int i = 1; i < lines.length; i++) {
        String line = lines[i];
        if (line.equals("end")) {
          end = true;
          break;
        }
        if (line.isEmpty()) {
          continue;
        }
        int tab = line.indexOf('\t');
        if (tab < 0) {
          throw new CorruptEntryException("line " + (i + 1) + " has no tab");
        }
        String key = line.substring(0, tab);
        String value = line.substring(tab + 1);
        if (key.equals("rcpt") || key.equals("notified")) {
          // tab-separated: a control character here is damage, and an address is never guessed
          if (value.chars().anyMatch(c -> c != '\t' && (c < 0x20 || c == 0x7f))) {
            throw new CorruptEntryException("control character on line " + (i + 1));
          }
        } else {
          value = clean(value); // as encode writes it: what is read is what a rewrite keeps
        }
        switch (key) {
          case "id" -> id = value;
          case "received" -> received = Long.parseLong(value);
          case "sender" -> sender = unbracket(value);
          case "protocol" -> protocol = value;
          case "client" -> client = value;
          case "helo" -> helo = value;
          case "ident" -> ident = value;
          case "uid" -> uid = Long.parseLong(value);
          case "size" -> size = Long.parseLong(value);
          case "body" -> body = Long.parseLong(value);
          case "warned" -> warned = Long.parseLong(value);
          case "held" -> held = value.equals("1");
          case "bodytype" -> eightBit = value.equalsIgnoreCase("8BITMIME");
          case "ret" -> ret = value;
          case "envid" -> envid = value;
          case "smtputf8" -> utf8 = value.equals("1");
          case "tried" -> tried = value;
          case "notified" -> {
            int t = value.lastIndexOf('\t');
            if (t < 0) {
              throw new CorruptEntryException("bad notified line " + (i + 1));
            }
            notified.put(unbracket(value.substring(0, t)), Long.parseLong(value.substring(t + 1)));
          }
          case "rcpt" -> {
            String[] f = value.split("\t", -1);
            if (f.length < 6 || f[0].length() != 1 || Recipient.State.of(f[0].charAt(0)) == null) {
              throw new CorruptEntryException("bad recipient on line " + (i + 1));
            }
            rcpts.add(
                new Recipient(
                    unbracket(f[3]),
                    Recipient.State.of(f[0].charAt(0)),
                    Integer.parseInt(f[1]),
                    Long.parseLong(f[2]),
                    f[4].isEmpty() ? "" : unbracket(f[4]),
                    f[5],
                    f.length > 6 ? f[6] : "",
                    f.length > 7 ? f[7] : ""));
          }
          default -> {
            // unknown keys are skipped: a later format may add fields
          }
        }
      }
    } catch (NumberFormatException e) {
      throw new CorruptEntryException("bad number: " + e.getMessage());
    }
    if (!end) {
      throw new CorruptEntryException("truncated (no end line)");
    }
    if (id == null || sender == null || received < 0 || size < 0 || rcpts.isEmpty()) {
      throw new CorruptEntryException("missing id, sender, received, size or recipients");
    }
    return new Envelope(
        id,
        received,
        sender,
        protocol,
        client,
        helo,
        ident,
        uid,
        size,
        body < 0 ? size : body,
        warned,
        held,
        rcpts,
        eightBit,
        ret,
        envid,
        utf8,
        tried,
        notified);
  }

  private static String unbracket(String v) throws CorruptEntryException {
    if (v.length() < 2 || v.charAt(0) != '<' || v.charAt(v.length() - 1) != '>') {
      throw new CorruptEntryException("bad address field '" + v + "'");
    }
    return v.substring(1, v.length() - 1);
  }
}
