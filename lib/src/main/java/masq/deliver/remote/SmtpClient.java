package masq.deliver.remote;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import masq.address.Address;
import masq.smtp.Reply;
import masq.spool.Outcome;

/**
 * One SMTP client session (RFC 5321) as masqmail's smtp_out.c runs it: the opening ({@link
 * SmtpOpening}: greeting unless instant_helo, EHLO with HELO fallback on 5xx, STARTTLS or implicit
 * TLS, AUTH), then any number of messages, each with its own per-recipient results and its content
 * written by {@link ContentWriter}, and QUIT.
 *
 * <p>Trusts the server for nothing but its replies. How it fails: the opening fails as {@link
 * SmtpOpening} says; a timeout, EOF or I/O error is {@link SmtpFailure#lost} (defers). Within a
 * message, the replies decide per recipient, and the session stays usable.
 */
final class SmtpClient {
  private final SmtpConnection c;
  private final RemoteSettings s;
  private final SmtpOpening opening;
  private final ContentWriter content;
  private Extensions ext = Extensions.NONE;
  private int transactions;

  /**
   * @param serverName the name the server is known by (TLS verification, SASL)
   * @param tls where the TLS factory comes from when {@code tls} is not none
   * @param plainOnly with {@code tls = may}: do not try STARTTLS (a retry after a failed handshake)
   */
  SmtpClient(
      SmtpConnection c,
      RemoteSettings s,
      String serverName,
      TlsFactory.Source tls,
      boolean plainOnly) {
    this.c = c;
    this.s = s;
    this.opening = new SmtpOpening(c, s, serverName, tls, plainOnly);
    this.content = new ContentWriter(c);
  }

  /**
   * True when {@link #open} failed because the TLS handshake failed after the server offered
   * STARTTLS to a {@code tls = may} route: a new connection without TLS is what Postfix's {@code
   * may} does then.
   */
  boolean tlsHandshakeFailed() {
    return opening.tlsHandshakeFailed();
  }

  /**
   * How the log names this connection's encryption: the TLS protocol ({@code TLSv1.3}) or {@code
   * none}; null over a wrapper, which does its own.
   */
  private String tlsOutcome() {
    if (s.transport().wrapper() != null) {
      return null;
    }
    return opening.tlsProtocol() == null ? "none" : opening.tlsProtocol();
  }

  String peer() {
    return c.peer();
  }

  /** Greeting, EHLO/HELO, TLS and AUTH ({@link SmtpOpening}): after this, messages can be sent. */
  void open() throws SmtpFailure {
    opening.run();
    ext = opening.extensions();
  }

  /**
   * A message ready for its transaction: the recipients to send to, the results known already
   * ({@code done}), the body open; {@code body} null when it needs no transaction. {@code
   * eightBit}: the message holds 8-bit bytes; {@code downgrade}: how it is converted to 7-bit for a
   * server without 8BITMIME, or null to send it as it is; {@code size}: its size as sent.
   */
  private record Prepared(
      OutgoingMessage m,
      List<Address> rcpts,
      List<RecipientResult> done,
      InputStream body,
      boolean eightBit,
      SevenBitDowngrade downgrade,
      long size) {
    Prepared(OutgoingMessage m, List<Address> rcpts, List<RecipientResult> done) {
      this(m, rcpts, done, null, false, null, 0);
    }
  }

  /** The next message, when its commands went out with the previous message's data. */
  private Prepared ahead;

  /** Whether {@link #ahead}'s commands began with RSET. */
  private boolean aheadRset;

  /**
   * Sends one message to {@code m.recipients()}; returns one result per recipient.
   *
   * @throws SmtpFailure when the connection is lost: the message's recipients and any later message
   *     are to be deferred with its reason
   */
  List<RecipientResult> send(OutgoingMessage m) throws SmtpFailure {
    return send(m, null);
  }

  /**
   * As {@link #send(OutgoingMessage)}; with pipelining, the commands of {@code next} (the message
   * the caller sends after this one, or null) go out right after this message's data, in the same
   * write: RFC 2920 lets message content open a group, so the server's reply to the final dot and
   * those to the next message's commands come back in one round trip. The reply to the dot is still
   * read first, and decides this message alone.
   */
  List<RecipientResult> send(OutgoingMessage m, OutgoingMessage next) throws SmtpFailure {
    Prepared p;
    boolean sent = false;
    if (ahead != null) {
      if (ahead.m() != m) {
        throw new IllegalStateException(
            "the commands of " + ahead.m().id() + " went out, not " + m.id());
      }
      p = ahead;
      ahead = null;
      sent = true;
    } else {
      p = prepare(m);
    }
    if (p.body() == null) {
      return p.done();
    }
    try {
      List<RecipientResult> out = p.done();
      out.addAll(transaction(p, sent, next));
      return out;
    } catch (SmtpFailure | RuntimeException e) {
      dropAhead();
      throw e;
    } finally {
      try {
        p.body().close();
      } catch (IOException ignored) {
        // the results stand; a file that cannot be closed changes none of them
      }
    }
  }

  /**
   * The checks before a transaction: a return path or recipients SMTP cannot carry fail, a message
   * over the server's SIZE fails, a body that cannot be opened defers. An 8-bit message for a
   * server without 8BITMIME gets its conversion planned ({@link SevenBitDowngrade}); one that
   * cannot be converted fails with 5.6.3. A message with a line over 998 octets or a bare CR
   * ({@link WireLines}) gets the parts that hold one re-encoded, whatever the server offers.
   */
  private Prepared prepare(OutgoingMessage m) {
    List<RecipientResult> done = new ArrayList<>();
    if (!safe(m.returnPath())) {
      done.addAll(all(m, Outcome.FAILED, "return path holds characters SMTP cannot carry"));
      return new Prepared(m, List.of(), done);
    }
    List<Address> rcpts = new ArrayList<>();
    for (Address a : m.recipients()) {
      if (safe(a)) {
        rcpts.add(a);
      } else {
        done.add(result(m, a, Outcome.FAILED, "address holds characters SMTP cannot carry"));
      }
    }
    if (rcpts.isEmpty()) {
      return new Prepared(m, rcpts, done);
    }
    if (m.utf8() && !ext.smtpUtf8()) {
      done.addAll(
          all(
              m,
              rcpts,
              Outcome.FAILED,
              "5.6.7 "
                  + peer()
                  + " does not offer SMTPUTF8, which the message needs (an address or header"
                  + " beyond ASCII): not sent rather than altered"));
      return new Prepared(m, List.of(), done);
    }
    try {
      SevenBitDowngrade downgrade = null;
      long size = m.size();
      boolean sevenBit = m.eightBit() && !ext.eightBitMime() && !m.utf8();
      if (sevenBit || WireLines.unfit(m)) {
        downgrade = SevenBitDowngrade.plan(m.headers(), m.body(), !sevenBit);
        if (!downgrade.converts()) {
          downgrade = null; // 7-bit after all
        } else if (ext.sizeOffered()) {
          size = downgrade.size();
        }
      }
      if (ext.sizeLimit() > 0 && size > ext.sizeLimit()) {
        done.addAll(
            all(
                m,
                rcpts,
                Outcome.FAILED,
                "message size "
                    + size
                    + " exceeds the limit of "
                    + ext.sizeLimit()
                    + " that "
                    + peer()
                    + " announced (SIZE)"));
        return new Prepared(m, List.of(), done);
      }
      return new Prepared(m, rcpts, done, m.body().open(), m.eightBit(), downgrade, size);
    } catch (SevenBitDowngrade.NotConvertible e) {
      done.addAll(
          all(
              m,
              rcpts,
              Outcome.FAILED,
              "5.6.3 "
                  + peer()
                  + " does not offer 8BITMIME and the message cannot be converted to 7-bit: "
                  + e.getMessage()));
      return new Prepared(m, List.of(), done);
    } catch (IOException e) {
      done.addAll(
          all(
              m,
              rcpts,
              Outcome.DEFERRED,
              "cannot read message " + m.id() + ": " + SmtpConnection.reason(e)));
      return new Prepared(m, List.of(), done);
    }
  }

  /** Queues {@code next}'s commands after the data being sent, when it is ready to go. */
  private void sendAhead(OutgoingMessage next) throws SmtpFailure {
    Prepared p;
    try {
      p = prepare(next);
    } catch (RuntimeException e) {
      return; // its own turn reports it
    }
    if (p.body() == null) {
      return; // no transaction: its own turn prepares it again and says why
    }
    ahead = p;
    aheadRset = commands(p);
  }

  private void dropAhead() {
    if (ahead != null) {
      try {
        ahead.body().close();
      } catch (IOException ignored) {
        // never sent
      }
      ahead = null;
    }
  }

  /** No control characters (which could inject commands) and within SMTP's path length. */
  private static boolean safe(Address a) {
    String t = a.toString();
    if (t.length() > 512) {
      return false;
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** The MAIL command for {@code p}. */
  private String mailFrom(Prepared p) {
    StringBuilder mail = new StringBuilder("MAIL FROM:").append(p.m().returnPath().bracketed());
    if (ext.sizeOffered()) {
      mail.append(" SIZE=").append(p.size());
    }
    if (p.eightBit() && ext.eightBitMime()) {
      mail.append(" BODY=8BITMIME");
    }
    if (p.m().utf8()) {
      mail.append(" SMTPUTF8");
    }
    if (ext.dsn()) {
      mail.append(p.m().mailDsn());
    }
    return mail.toString();
  }

  /** The RCPT command for {@code a}, with its DSN parameters when the server offers DSN. */
  private String rcptTo(OutgoingMessage m, Address a) {
    String params = ext.dsn() ? m.rcptDsn().get(a) : null;
    return params == null ? "RCPT TO:" + a.bracketed() : "RCPT TO:" + a.bracketed() + params;
  }

  /**
   * Queues the pipelined commands of a transaction (RSET unless it is the first); true with RSET.
   */
  private boolean commands(Prepared p) throws SmtpFailure {
    boolean rset = transactions++ > 0;
    if (rset) {
      c.command("RSET");
    }
    c.command(mailFrom(p));
    for (Address a : p.rcpts()) {
      c.command(rcptTo(p.m(), a));
    }
    c.command("DATA");
    return rset;
  }

  /** {@code sent}: its commands went out ahead, with the previous message's data. */
  private List<RecipientResult> transaction(Prepared p, boolean sent, OutgoingMessage next)
      throws SmtpFailure {
    OutgoingMessage m = p.m();
    List<Address> rcpts = p.rcpts();
    Duration t = s.timeouts().command();
    boolean pipelined = s.transport().doPipelining() && ext.pipelining();
    Reply[] rcptReplies = new Reply[rcpts.size()];
    Reply mailReply;
    Reply dataReply = null;
    if (pipelined) {
      boolean rset = sent ? aheadRset : commands(p);
      if (!sent) {
        c.flush();
      }
      if (rset) {
        c.readReply(t);
      }
      mailReply = c.readReply(t);
      for (int i = 0; i < rcptReplies.length; i++) {
        rcptReplies[i] = c.readReply(t);
      }
      dataReply = c.readReply(t);
    } else {
      if (transactions++ > 0) {
        c.command("RSET");
        c.flush();
        c.readReply(t);
      }
      c.command(mailFrom(p));
      c.flush();
      mailReply = c.readReply(t);
      if (mailReply.isPositive()) {
        boolean any = false;
        for (int i = 0; i < rcptReplies.length; i++) {
          c.command(rcptTo(m, rcpts.get(i)));
          c.flush();
          rcptReplies[i] = c.readReply(t);
          any |= rcptReplies[i].isPositive();
        }
        if (any) {
          c.command("DATA");
          c.flush();
          dataReply = c.readReply(t);
        }
      }
    }
    List<RecipientResult> out = new ArrayList<>(rcpts.size());
    if (!mailReply.isPositive()) {
      endUnwantedData(dataReply);
      return all(m, rcpts, mailReply.outcome(), "MAIL FROM refused: " + mailReply.oneLine());
    }
    List<Integer> accepted = new ArrayList<>();
    for (int i = 0; i < rcpts.size(); i++) {
      Reply r = rcptReplies[i];
      if (r.isPositive()) {
        accepted.add(i);
        out.add(null);
      } else {
        out.add(result(m, rcpts.get(i), r.outcome(), r.oneLine()));
      }
    }
    if (accepted.isEmpty()) {
      endUnwantedData(dataReply);
      return out;
    }
    Reply finalReply;
    String prefix = "";
    if (dataReply.code() != 354) {
      finalReply = dataReply;
      prefix = "DATA refused: ";
    } else {
      content.write(p.m(), p.body(), p.downgrade());
      if (pipelined && next != null) {
        sendAhead(next);
      }
      c.flush();
      finalReply = c.readReply(s.timeouts().finalDot());
    }
    Outcome o = finalReply.outcome();
    for (int i : accepted) {
      out.set(i, result(m, rcpts.get(i), o, prefix + finalReply.oneLine()));
    }
    return out;
  }

  /** A pipelined DATA that got 354 although no recipient was accepted: send an empty message. */
  private void endUnwantedData(Reply dataReply) throws SmtpFailure {
    if (dataReply != null && dataReply.code() == 354) {
      c.command(".");
      c.flush();
      c.readReply(s.timeouts().finalDot());
    }
  }

  private List<RecipientResult> all(OutgoingMessage m, Outcome o, String reason) {
    return all(m, m.recipients(), o, reason);
  }

  private List<RecipientResult> all(
      OutgoingMessage m, List<Address> rcpts, Outcome o, String reason) {
    List<RecipientResult> out = new ArrayList<>(rcpts.size());
    for (Address a : rcpts) {
      out.add(result(m, a, o, reason));
    }
    return out;
  }

  private RecipientResult result(OutgoingMessage m, Address a, Outcome o, String reply) {
    return new RecipientResult(m.id(), a, o, peer(), reply, tlsOutcome(), ext.dsn());
  }

  /** Sends QUIT and closes; problems at this point change nothing. */
  void quit() {
    dropAhead();
    try {
      c.command("QUIT");
      c.flush();
      c.readReply(s.timeouts().command());
    } catch (SmtpFailure ignored) {
      // the messages are already accounted for
    } finally {
      c.close();
    }
  }
}
