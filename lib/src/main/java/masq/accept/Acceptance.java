package masq.accept;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import masq.Api;
import masq.Version;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.address.Mailbox;
import masq.message.Header;
import masq.message.HeaderValues;
import masq.message.RfcDate;

/**
 * The header fix-ups every accepted message gets, as masqmail's accept does: Bcc:, Return-Path: and
 * Envelope-To: are removed (Envelope-To: kept as X-Orig-Envelope-To: when asked); From:, To:, Date:
 * and Message-ID: are added when missing; a Received: line is put on top.
 */
@Api
public final class Acceptance {
  private Acceptance() {}

  /**
   * A message being accepted: its id, this host's name, what the client asked for ({@code request}:
   * sender, full name, protocol, login, client), all its recipients (those of -t included), and
   * when.
   */
  record Arrival(
      String id,
      String hostName,
      Submission.Request request,
      List<Address> recipients,
      boolean saveEnvelopeTo,
      Instant received,
      ZoneId zone) {}

  /**
   * Recipients named in To:, Cc: and Bcc: (for -t), qualified with {@code host}. An address read
   * around a fault (an unclosed {@code <} or quote...) counts; an element that cannot be read, or
   * {@code <>}, refuses the message (exit 65), naming the header, so that no recipient is lost.
   */
  public static List<Address> headerRecipients(List<Header> headers, String host)
      throws AddressException {
    List<Address> out = new ArrayList<>();
    for (Header h : headers) {
      if (h.is("To") || h.is("Cc") || h.is("Bcc")) {
        for (Mailbox m : AddressParser.parseList(h.value())) {
          if (m.address() == null || m.address().isNull()) {
            throw AddressException.unreadable(h.name(), m);
          }
          out.add(m.address().qualify(host));
        }
      }
    }
    return out;
  }

  /** Applies the fix-ups; returns the headers as they are stored. */
  static List<Header> apply(List<Header> in, Arrival ctx) {
    List<Header> out = new ArrayList<>();
    boolean hasFrom = false;
    boolean hasSender = false;
    boolean hasTo = false;
    boolean hasDate = false;
    boolean hasMessageId = false;
    List<Header> origEnvelopeTo = new ArrayList<>();
    for (Header h : in) {
      if (h.is("Bcc") || h.is("Return-Path")) {
        continue;
      }
      if (h.is("Envelope-To")) {
        if (ctx.saveEnvelopeTo()) {
          origEnvelopeTo.add(
              new Header(
                  "X-Orig-Envelope-To",
                  HeaderValues.refold("X-Orig-Envelope-To:" + h.rawValue() + "\n")));
        }
        continue;
      }
      hasFrom |= h.is("From");
      hasSender |= h.is("Sender");
      hasTo |= h.is("To") || h.is("Cc");
      hasDate |= h.is("Date");
      hasMessageId |= h.is("Message-ID");
      out.add(h);
    }
    out.addAll(0, origEnvelopeTo);
    if (!hasFrom && !hasSender) {
      Submission.Request r = ctx.request();
      String addr =
          r.returnPath().isNull() ? "MAILER-DAEMON@" + ctx.hostName() : r.returnPath().toString();
      String name = r.fullName() == null ? "" : HeaderValues.displayName(r.fullName());
      if (!name.isEmpty()) {
        out.add(Header.of("From", name + " <" + addr + ">"));
      } else {
        out.add(Header.of("From", addr));
      }
    }
    if (!hasTo) {
      out.add(Header.of("To", "undisclosed-recipients:;"));
    }
    String date = RfcDate.format(ctx.received(), ctx.zone());
    if (!hasDate) {
      out.add(Header.of("Date", date));
    }
    if (!hasMessageId) {
      // a host name longer than DNS allows is cut, so that the field stays within 998 octets
      String host = ctx.hostName();
      out.add(
          Header.of(
              "Message-ID",
              "<" + ctx.id() + "@" + host.substring(0, Math.min(host.length(), 253)) + ">"));
    }
    out.add(0, received(ctx, date));
    return out;
  }

  private static Header received(Acceptance.Arrival ctx, String date) {
    Submission.Request r = ctx.request();
    StringBuilder v = new StringBuilder();
    if (r.clientAddress() == null) {
      v.append("by ")
          .append(ctx.hostName())
          .append(" (masq ")
          .append(Version.VERSION)
          .append(", from userid ")
          .append(r.uid())
          .append(")");
    } else {
      v.append("from ")
          .append(r.clientHelo() == null ? r.clientAddress() : r.clientHelo())
          .append(" ([")
          .append(r.clientAddress())
          .append("])");
      if (r.authenticated() != null) {
        // Postfix's words, which SpamAssassin and others read
        v.append("\n\t(Authenticated sender: ").append(r.authenticated()).append(')');
      }
      v.append("\n\tby ")
          .append(ctx.hostName())
          .append(" with ")
          .append(r.protocol())
          .append(" (masq ")
          .append(Version.VERSION)
          .append(")");
    }
    v.append("\n\tid ").append(ctx.id());
    if (ctx.recipients().size() == 1) {
      v.append("\n\tfor ").append(ctx.recipients().get(0).bracketed());
    }
    v.append("; ").append(date);
    return Header.of("Received", v.toString());
  }
}
