package masq.smtp;

import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import masq.Api;
import masq.ErrorText;
import masq.Exit;
import masq.MasqException;
import masq.Printable;
import masq.accept.DsnRequest;
import masq.accept.Submission;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.address.Utf8;
import masq.config.Config;
import masq.log.MailLog;
import masq.spool.Envelope;
import masq.spool.Spool;

/**
 * The server side of one SMTP session (RFC 5321, with PIPELINING, SIZE, 8BITMIME,
 * ENHANCEDSTATUSCODES, STARTTLS, DSN (RFC 3461), SMTPUTF8 (RFC 6531), AUTH ({@link ServerAuth}) and
 * ETRN ({@link EtrnCommand})), from the greeting to QUIT. Replies are collected while the client
 * has pipelined more commands and sent when it waits. A message is answered 250 only after {@link
 * Submission#accept} committed it durably to the spool.
 *
 * <p>The session can be ended from another thread: {@link #expire} (idle past smtp_timeout) and
 * {@link #stop} (server shutting down) send 421 and close the connection, but only while the
 * session is blocked reading, so they never cut into a reply or a commit; a stop does not interrupt
 * a client that is sending message data ({@link ClientLink} holds the streams and does that). The
 * parameters of MAIL and RCPT are read by {@link Parameters}.
 */
@Api
public final class Session implements Runnable {
  /** Consecutive bad commands after which the client is disconnected. */
  static final int MAX_ERRORS = 10;

  /**
   * What all sessions of a server share.
   *
   * @param tls the STARTTLS context, or null when no certificate is configured
   * @param accepted called with the ID of each committed message (immediate delivery), or null
   * @param ident the login recorded for local (pipe) clients
   * @param trace receives diagnostics lines when -v was given, or null
   * @param zone the time zone of Received: dates
   * @param users the users AUTH accepts (smtp_auth_file), or null: no AUTH
   * @param etrn starts the runs ETRN asks for, or null when masq-deliver is not there
   */
  public record Settings(
      Config config,
      Spool spool,
      MailLog log,
      RelayPolicy policy,
      SSLContext tls,
      Consumer<String> accepted,
      String ident,
      long uid,
      Consumer<String> trace,
      ZoneId zone,
      AuthUsers users,
      EtrnStarter etrn) {}

  private final Settings s;
  private final Connection conn;
  private final String client;
  private final String host;
  private final ServerAuth auth;
  private final ClientLink link;
  private SmtpInput in;
  private String helo;
  private boolean esmtp;
  private boolean tlsActive;
  private Address sender;
  private final List<Address> rcpts = new ArrayList<>();

  /** This transaction's SMTPUTF8, RET= and ENVID= (MAIL), NOTIFY= and ORCPT= (RCPT). */
  private boolean utf8;

  private String ret = "";
  private String envid = "";
  private final Map<Address, DsnRequest.Rcpt> rcptDsn = new HashMap<>();

  private int rcptAttempts;
  private int errors;

  /**
   * @param client the client's IP address, or null for a local client (a pipe)
   */
  public Session(Settings settings, Connection conn, String client) {
    this.s = settings;
    this.conn = conn;
    this.client = client;
    this.host = settings.config().names().hostName();
    this.auth = new ServerAuth(settings.users(), settings.log(), who());
    this.link = new ClientLink(conn, settings.log(), who(), host);
  }

  public String client() {
    return client;
  }

  @Override
  public void run() {
    try {
      tlsActive = conn.secure(); // an SMTPS connection, encrypted before the greeting
      open();
      reply(220, "", host + " ESMTP masq ready");
      loop();
    } catch (ClientLink.Ended e) {
      // the other thread has answered 421 and closed the connection
    } catch (IOException e) {
      trace("connection from " + who() + " lost: " + e.getMessage());
    } catch (RuntimeException e) {
      s.log().write("smtpd: internal error in session with " + who() + ": " + ErrorText.of(e));
      trace("internal error: " + ErrorText.of(e));
      try {
        reply(421, "4.3.0", host + " internal error, closing connection");
      } catch (IOException | RuntimeException ignored) {
        // the connection is gone as well
      }
    } finally {
      try {
        link.flush();
      } catch (IOException ignored) {
        // the client is gone
      }
      conn.close();
    }
  }

  private void open() throws IOException {
    in = link.open();
  }

  private void loop() throws IOException {
    while (true) {
      if (link.stopAnswered()) {
        return;
      }
      SmtpInput.Line line = in.readLine(Command.MAX_LINE);
      if (line == null) {
        return; // the client closed the connection
      }
      if (line.tooLong()) {
        error(500, "5.5.2", "line too long (more than " + Command.MAX_LINE + " octets)");
      } else if (!command(Command.parse(line.text()))) {
        return;
      }
      if (errors >= MAX_ERRORS) {
        reply(421, "4.7.0", host + " too many errors, closing connection");
        return;
      }
    }
  }

  /** Handles one command; false when the session is over. */
  private boolean command(Command c) throws IOException {
    switch (c.verb()) {
      case "EHLO", "HELO" -> hello(c);
      case "MAIL" -> mail(c);
      case "RCPT" -> rcpt(c);
      case "DATA" -> data(c);
      case "RSET" -> {
        reset();
        ok(250, "2.0.0", "OK");
      }
      case "NOOP" -> ok(250, "2.0.0", "OK");
      case "QUIT" -> {
        reply(221, "2.0.0", host + " closing connection");
        return false;
      }
      case "VRFY" -> {
        if (c.argument().isEmpty()) {
          error(501, "5.5.4", "syntax: VRFY address");
        } else {
          ok(252, "2.5.0", "cannot VRFY user, but will accept mail for it and try to deliver");
        }
      }
      case "EXPN" -> error(502, "5.5.1", "EXPN not implemented");
      case "HELP" -> help();
      case "STARTTLS" -> {
        return startTls(c);
      }
      case "AUTH" -> {
        Reply r = auth.command(c.argument(), esmtp, tlsActive, sender != null, this::challenge);
        if (r == null) {
          return false; // the client went away in the middle
        }
        answer(r);
      }
      case "ETRN" -> {
        Reply r =
            EtrnCommand.handle(
                c.argument(),
                client,
                helo != null,
                sender != null,
                s.config(),
                s.policy(),
                s.spool(),
                s.log(),
                s.etrn());
        answer(r);
      }
      case "" -> error(500, "5.5.2", "empty command");
      default ->
          error(
              500,
              "5.5.2",
              "command not recognized: "
                  + Printable.value(c.verb().length() > 20 ? c.verb().substring(0, 20) : c.verb()));
    }
    return true;
  }

  private void hello(Command c) throws IOException {
    String name = c.argument();
    if (name.isEmpty()
        || name.length() > 255
        || name.contains(" ")
        || Utf8.invalidAt(name) >= 0
        || name.chars().anyMatch(ch -> ch < 0x21 || ch >= 0x7f && ch <= 0x9f)) {
      error(501, "5.5.4", "syntax: " + c.verb() + " your-host-name");
      return;
    }
    reset();
    helo = name;
    esmtp = c.verb().equals("EHLO");
    if (!esmtp) {
      ok(250, "", host + " Hello " + name);
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add(host + " Hello " + name + (client == null ? "" : " [" + client + "]"));
    long max = s.config().accept().maxMsgSize();
    lines.add(max > 0 ? "SIZE " + max : "SIZE");
    lines.add("PIPELINING");
    lines.add("8BITMIME");
    lines.add("ENHANCEDSTATUSCODES");
    lines.add("DSN");
    lines.add("SMTPUTF8");
    if (s.tls() != null && !tlsActive && conn.canStartTls()) {
      lines.add("STARTTLS");
    }
    if (auth.offered(tlsActive)) {
      lines.add("AUTH " + ServerAuth.MECHANISMS);
    }
    if (s.etrn() != null && s.policy().mayRelay(client)) {
      lines.add("ETRN");
    }
    lines.add("HELP");
    errors = 0;
    send(new Reply(250, lines));
  }

  private void mail(Command c) throws IOException {
    if (helo == null) {
      error(503, "5.5.1", "say HELO or EHLO first");
      return;
    }
    if (sender != null) {
      error(503, "5.5.1", "nested MAIL command (RSET first)");
      return;
    }
    String rest = c.after("FROM:");
    if (rest == null) {
      error(501, "5.5.4", "syntax: MAIL FROM:<address>");
      return;
    }
    String[] pathAndParams = Parameters.splitPath(rest);
    if (pathAndParams == null) {
      error(501, "5.1.7", "syntax: MAIL FROM:<address>");
      return;
    }
    Address a;
    try {
      a = AddressParser.parseEnvelope(pathAndParams[0]);
    } catch (AddressException e) {
      addressError(e, "5.1.7");
      return;
    }
    if (!a.isNull() && !a.isQualified()) {
      error(501, "5.1.7", "return path <" + a + "> has no domain");
      return;
    }
    Parameters p;
    try {
      p = Parameters.mail(pathAndParams[1], s.config().accept().maxMsgSize());
    } catch (Parameters.Refused e) {
      answer(e.reply());
      return;
    }
    if (!p.smtpUtf8() && !a.ascii()) {
      error(553, "5.6.7", "non-ASCII address without SMTPUTF8 (RFC 6531)");
      return;
    }
    utf8 = p.smtpUtf8();
    ret = p.ret();
    envid = p.envid();
    sender = a;
    ok(250, "2.1.0", "sender " + a.bracketed() + " OK");
  }

  private void rcpt(Command c) throws IOException {
    if (sender == null) {
      error(503, "5.5.1", "need MAIL before RCPT");
      return;
    }
    rcptAttempts++;
    String rest = c.after("TO:");
    String[] pathAndParams = rest == null ? null : Parameters.splitPath(rest);
    if (pathAndParams == null) {
      error(501, "5.5.4", "syntax: RCPT TO:<address>");
      return;
    }
    Parameters p;
    try {
      p = Parameters.rcpt(pathAndParams[1]);
    } catch (Parameters.Refused e) {
      answer(e.reply());
      return;
    }
    Address a;
    try {
      a = AddressParser.parseEnvelope(pathAndParams[0]);
    } catch (AddressException e) {
      addressError(e, "5.1.3");
      return;
    }
    if (!utf8 && !a.ascii()) {
      error(553, "5.6.7", "non-ASCII address without SMTPUTF8 (RFC 6531)");
      return;
    }
    if (a.isNull()) {
      error(501, "5.1.3", "empty recipient");
      return;
    }
    if (!a.isQualified()) {
      if (!a.localPart().equalsIgnoreCase("postmaster")) {
        error(501, "5.1.3", "recipient <" + a + "> has no domain");
        return;
      }
      a = a.qualify(host);
    }
    int max = s.config().smtpd().maxRecipients();
    if (max > 0 && rcpts.size() >= max) {
      reply(452, "4.5.3", "too many recipients (at most " + max + " per message)");
      return;
    }
    if (!s.policy().mayReceive(a, client) && auth.user() == null) {
      s.log().write("smtpd: relaying to " + a.bracketed() + " for " + who() + " denied");
      error(554, "5.7.1", "relaying to " + a.bracketed() + " denied");
      return;
    }
    rcpts.add(a);
    if (!p.notifyWhen().isEmpty() || !p.orcpt().isEmpty()) {
      rcptDsn.put(a, new DsnRequest.Rcpt(p.notifyWhen(), p.orcpt()));
    }
    ok(250, "2.1.5", "recipient " + a.bracketed() + " OK");
  }

  private void data(Command c) throws IOException {
    if (!c.argument().isEmpty()) {
      error(501, "5.5.4", "syntax: DATA");
      return;
    }
    if (sender == null) {
      error(503, "5.5.1", "need MAIL before DATA");
      return;
    }
    if (rcpts.isEmpty()) {
      if (rcptAttempts > 0) {
        error(554, "5.5.1", "no valid recipients");
      } else {
        error(503, "5.5.1", "need RCPT before DATA");
      }
      return;
    }
    reply(354, "", "end data with <CR><LF>.<CR><LF>");
    SmtpInput.Data data = in.data(s.config().accept().maxMsgSize());
    Submission.Request req =
        Submission.Request.smtp(
            sender,
            List.copyOf(rcpts),
            protocol(),
            client == null ? s.ident() : null,
            s.uid(),
            helo,
            client,
            auth.user(),
            ret.isEmpty() && envid.isEmpty() && rcptDsn.isEmpty()
                ? null
                : new DsnRequest(ret, envid, "", rcptDsn),
            utf8);
    Envelope env = null;
    MasqException failure = null;
    link.readingData(true);
    try {
      env =
          Submission.accept(Submission.input(data), req, s.config(), s.spool(), s.log(), s.zone());
    } catch (MasqException e) {
      failure = e;
    } finally {
      link.readingData(false);
    }
    reset();
    if (env != null) {
      ok(250, "2.0.0", "OK id=" + env.id());
      if (s.accepted() != null) {
        s.accepted().accept(env.id());
      }
      return;
    }
    if (data.endedEarly()) {
      s.log().write("smtpd: " + who() + " went away in the middle of DATA; nothing queued");
      throw new IOException("connection closed in DATA");
    }
    if (data.refused() == null && !data.done() && failure.exitCode() == Exit.IOERR) {
      throw new IOException("cannot read DATA: " + failure.getMessage());
    }
    data.drain();
    Reply r;
    if (data.refused() != null) {
      r = data.refused().reply();
    } else {
      r =
          switch (failure.exitCode()) {
            case Exit.DATAERR, Exit.NOINPUT, Exit.USAGE ->
                Reply.of(554, "5.6.0", "message refused: " + failure.getMessage());
            default -> Reply.of(451, "4.3.0", "cannot queue the message now, try again later");
          };
    }
    s.log()
        .write(
            "smtpd: message from "
                + who()
                + " not accepted: "
                + (data.refused() != null ? data.refused().getMessage() : failure.getMessage()));
    send(r);
  }

  private void help() throws IOException {
    send(
        Reply.multi(
            214,
            "2.0.0",
            List.of(
                "masq-smtpd: commands HELO EHLO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP"
                    + (s.tls() != null ? " STARTTLS" : ""),
                "see masq-smtpd(8)")));
  }

  private boolean startTls(Command c) throws IOException {
    if (s.tls() == null || !conn.canStartTls()) {
      error(502, "5.5.1", "STARTTLS not available");
      return true;
    }
    if (tlsActive) {
      error(503, "5.5.1", "TLS already active");
      return true;
    }
    if (!c.argument().isEmpty()) {
      error(501, "5.5.4", "syntax: STARTTLS");
      return true;
    }
    reply(220, "2.0.0", "ready to start TLS");
    link.flush();
    int injected = in.discardBuffered(); // commands sent before TLS must not count after it
    if (injected > 0) {
      s.log()
          .write(
              "smtpd: "
                  + who()
                  + " sent "
                  + injected
                  + " bytes after STARTTLS before the handshake; discarded");
    }
    try {
      conn.startTls(s.tls());
    } catch (IOException e) {
      String why = "TLS handshake with " + who() + " failed: " + ServerTls.handshakeFailure(e);
      s.log().write("smtpd: " + why); // as for SMTPS: a client that cannot use TLS is told of
      trace(why);
      return false;
    }
    tlsActive = true;
    helo = null;
    esmtp = false;
    reset();
    open();
    return true;
  }

  /**
   * The Received: line's {@code with} keyword: ESMTP, ESMTPS, ESMTPA, ESMTPSA (RFC 3848), or with
   * SMTPUTF8 UTF8SMTP, UTF8SMTPS, UTF8SMTPA, UTF8SMTPSA (RFC 6531 section 4.3).
   */
  private String protocol() {
    if (!esmtp) {
      return "SMTP";
    }
    return (utf8 ? "UTF8SMTP" : "ESMTP")
        + (tlsActive ? "S" : "")
        + (auth.user() != null ? "A" : "");
  }

  /** Sends a 334 challenge of an AUTH exchange and reads the client's answer. */
  private SmtpInput.Line challenge(String base64) throws IOException {
    reply(334, "", base64);
    return in.readLine(ServerAuth.MAX_RESPONSE);
  }

  private void addressError(AddressException e, String enhanced) throws IOException {
    if (e.getMessage().contains("longer than")) {
      error(553, "5.1.0", "address too long");
    } else if (e.getMessage().endsWith(Utf8.INVALID)) {
      error(553, "5.6.7", e.getMessage() + " (RFC 6531)");
    } else {
      error(501, enhanced, e.getMessage());
    }
  }

  private void reset() {
    sender = null;
    utf8 = false;
    ret = "";
    envid = "";
    rcptDsn.clear();
    rcpts.clear();
    rcptAttempts = 0;
  }

  private String who() {
    return client == null ? "local client" : client;
  }

  private void trace(String line) {
    if (s.trace() != null) {
      s.trace().accept(line);
    }
  }

  /** Sends {@code r}, counting it as a bad command unless it is positive. */
  private void answer(Reply r) throws IOException {
    errors = r.isPositive() ? 0 : errors + 1;
    send(r);
  }

  private void ok(int code, String enhanced, String text) throws IOException {
    errors = 0;
    reply(code, enhanced, text);
  }

  private void error(int code, String enhanced, String text) throws IOException {
    errors++;
    reply(code, enhanced, text);
  }

  private void reply(int code, String enhanced, String text) throws IOException {
    send(enhanced.isEmpty() ? new Reply(code, List.of(text)) : Reply.of(code, enhanced, text));
  }

  private void send(Reply r) throws IOException {
    link.send(r);
  }

  /** Ends the session with 421 if it has waited for the client for longer than {@code nanos}. */
  public boolean expire(long now, long nanos) {
    return link.expire(now, nanos);
  }

  /**
   * Asks the session to end: at once with 421 if it waits for a command, else after the command or
   * message in progress (a message being sent is still accepted).
   */
  public void stop() {
    link.stop();
  }
}
