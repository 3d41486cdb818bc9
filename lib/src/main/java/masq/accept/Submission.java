package masq.accept;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import masq.Api;
import masq.Exit;
import masq.MasqException;
import masq.address.Address;
import masq.config.Config;
import masq.log.MailLog;
import masq.message.Header;
import masq.message.MessageReader;
import masq.spool.Envelope;
import masq.spool.NewMessage;
import masq.spool.Recipient;
import masq.spool.Spool;

/**
 * Accepting one message into the spool, shared by masq-inject and masq-smtpd: read it, fix up its
 * headers, stream it into a new spool entry and commit. On any failure nothing stays in the spool.
 */
@Api
public final class Submission {
  private Submission() {}

  /**
   * What the submitter said about the message.
   *
   * @param returnPath the envelope sender, already qualified ({@link Address#NULL} for {@code <>})
   * @param recipients envelope recipients, already qualified
   * @param recipientsFromHeaders -t: add the recipients of To:, Cc: and Bcc:
   * @param dotEnds a line holding only "." ends the message (not with -i)
   * @param clientAddress the network client, or null for local submission
   * @param authenticated the SMTP AUTH login of the client, or null
   * @param dsn the DSN parameters asked for, or null for none
   * @param utf8 the client said SMTPUTF8 (an address beyond ASCII marks the message so as well)
   */
  public record Request(
      Address returnPath,
      String fullName,
      List<Address> recipients,
      boolean recipientsFromHeaders,
      boolean dotEnds,
      String protocol,
      String ident,
      long uid,
      String clientHelo,
      String clientAddress,
      String authenticated,
      DsnRequest dsn,
      boolean utf8) {

    /**
     * A plain local submission by {@code login} ({@code uid}) to {@code recipients}: no -t, no full
     * name, a lone "." does not end it, no DSN, not SMTPUTF8.
     */
    public static Request local(
        Address returnPath, List<Address> recipients, String login, long uid) {
      return local(returnPath, null, recipients, false, false, login, uid, null);
    }

    /**
     * A submission by {@code login} ({@code uid}) on the command line (masq-inject, sendmail): with
     * its full name (-F) or null, -t, whether a lone "." ends it (not with -i), and its DSN
     * parameters or null.
     */
    public static Request local(
        Address returnPath,
        String fullName,
        List<Address> recipients,
        boolean recipientsFromHeaders,
        boolean dotEnds,
        String login,
        long uid,
        DsnRequest dsn) {
      return new Request(
          returnPath,
          fullName,
          recipients,
          recipientsFromHeaders,
          dotEnds,
          "local",
          login,
          uid,
          null,
          null,
          null,
          dsn,
          false);
    }

    /**
     * A drop that a system-mode user's masq-inject left in the maildrop, as the pickup queues it: a
     * local submission whose end is the file's end.
     */
    public static Request drop(
        Address returnPath,
        String fullName,
        List<Address> recipients,
        boolean recipientsFromHeaders,
        String login,
        long uid,
        DsnRequest dsn) {
      return local(returnPath, fullName, recipients, recipientsFromHeaders, false, login, uid, dsn);
    }

    /**
     * A message received over SMTP (masq-smtpd): {@code protocol} as Received: names it, the ident
     * of a local client (or null), the client's HELO name and address, its AUTH login or null, the
     * DSN parameters or null, and whether the client said SMTPUTF8.
     */
    public static Request smtp(
        Address returnPath,
        List<Address> recipients,
        String protocol,
        String ident,
        long uid,
        String clientHelo,
        String clientAddress,
        String authenticated,
        DsnRequest dsn,
        boolean utf8) {
      return new Request(
          returnPath,
          null,
          recipients,
          false,
          false,
          protocol,
          ident,
          uid,
          clientHelo,
          clientAddress,
          authenticated,
          dsn,
          utf8);
    }

    /**
     * A notice masq writes itself (a bounce, a delay warning, a success report) to {@code to}, from
     * MAILER-DAEMON with the null sender, as uid {@code uid}; SMTPUTF8 when it may return the
     * original's UTF-8 headers.
     */
    public static Request notice(Address to, long uid, boolean utf8) {
      return new Request(
          Address.NULL,
          null,
          List.of(to),
          false,
          false,
          "local",
          "MAILER-DAEMON",
          uid,
          null,
          null,
          null,
          null,
          utf8);
    }
  }

  /** Reads the message from {@code in} and commits it; returns its envelope. */
  public static Envelope accept(InputStream in, Request req, Config cfg, Spool spool, MailLog log)
      throws MasqException {
    return accept(in, req, cfg, spool, log, ZoneId.systemDefault());
  }

  /** As {@link #accept(InputStream, Request, Config, Spool, MailLog)}, dated in {@code zone}. */
  public static Envelope accept(
      InputStream in, Request req, Config cfg, Spool spool, MailLog log, ZoneId zone)
      throws MasqException {
    MessageReader reader = new MessageReader(in, req.dotEnds());
    List<Header> headers;
    try {
      headers = reader.readHeaders();
    } catch (IOException e) {
      throw new MasqException(Exit.IOERR, "cannot read message: " + e.getMessage(), e);
    }
    Set<String> seen = new LinkedHashSet<>();
    List<Address> rcpts = new ArrayList<>();
    for (Address a : req.recipients()) {
      addUnique(rcpts, seen, a);
    }
    if (req.recipientsFromHeaders()) {
      for (Address a : Acceptance.headerRecipients(headers, cfg.names().hostName())) {
        addUnique(rcpts, seen, a);
      }
    }
    if (rcpts.isEmpty()) {
      throw new MasqException(Exit.USAGE, "no recipients");
    }
    NewMessage nm;
    try {
      nm = spool.create();
    } catch (IOException e) {
      throw Spool.failure("cannot write to spool " + spool.root(), e);
    }
    try (nm) {
      Instant now = spool.clock().instant();
      Acceptance.Arrival ctx =
          new Acceptance.Arrival(
              nm.id(),
              cfg.names().hostName(),
              req,
              rcpts,
              cfg.accept().doSaveEnvelopeTo(),
              now,
              zone);
      List<Header> fixed = Acceptance.apply(headers, ctx);
      OutputStream out = nm.out();
      long body;
      // masq's own header text beyond ASCII (a UTF-8 return path in From:) makes 8-bit data too
      boolean eightBitHeaders = false;
      try {
        for (Header h : fixed) {
          byte[] b = h.bytes();
          out.write(b);
          for (int i = 0; i < b.length && !eightBitHeaders; i++) {
            eightBitHeaders = b[i] < 0;
          }
        }
        out.write('\n');
        body = reader.copyBody(out, cfg.accept().maxMsgSize());
      } catch (IOException e) {
        if (isInputFailure(e)) {
          throw new MasqException(Exit.IOERR, "cannot read message: " + e.getMessage(), e);
        }
        throw e;
      }
      out.flush();
      List<Recipient> rs = new ArrayList<>();
      DsnRequest dsn = req.dsn();
      boolean utf8 = req.utf8() || !req.returnPath().ascii();
      for (Address a : rcpts) {
        utf8 |= !a.ascii();
        Recipient r = Recipient.pending(a.toString());
        if (dsn != null) {
          r = r.withDsn(dsn.notifyOf(a), dsn.orcptOf(a));
        }
        rs.add(r);
      }
      Envelope env =
          new Envelope(
              nm.id(),
              now.toEpochMilli(),
              req.returnPath().toString(),
              req.protocol(),
              req.clientAddress(),
              req.clientHelo(),
              req.ident(),
              req.uid(),
              nm.size(),
              body,
              0,
              false,
              rs,
              reader.eightBit() || eightBitHeaders,
              dsn == null ? "" : dsn.ret(),
              dsn == null ? "" : dsn.envid(),
              utf8,
              null,
              Map.of());
      nm.commit(env);
      StringBuilder line =
          new StringBuilder(nm.id())
              .append(" <= ")
              .append(req.returnPath().isNull() ? "<>" : req.returnPath().toString())
              .append(" size=")
              .append(nm.size());
      if (req.clientAddress() != null) {
        line.append(" host=").append(req.clientAddress());
      }
      if (req.ident() != null) {
        line.append(" ident=").append(req.ident());
      }
      line.append(" with ").append(req.protocol());
      if (req.authenticated() != null) {
        line.append(" auth=").append(req.authenticated());
      }
      log.write(line.toString());
      if (reader.cutShortAt() > 0) {
        log.write(
            nm.id()
                + " header section cut short: line "
                + reader.cutShortAt()
                + " is no header field and no empty line came before it, so it and all after it"
                + " are body");
      }
      return env;
    } catch (IOException e) {
      throw Spool.failure("cannot write to spool " + spool.root(), e);
    }
  }

  private static boolean isInputFailure(IOException e) {
    return e instanceof ReadFailure;
  }

  /**
   * Wraps an input stream so read failures can be told from spool write failures. Not Commons IO's
   * TaggedInputStream: on masq-inject's path its tag (a random UUID) and the proxy's no-op lambda
   * cost 12 ms a start (47 / 59 ms a 2 KB inject, README "Dependencies"); this class costs none.
   */
  public static InputStream input(InputStream in) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        try {
          return in.read();
        } catch (IOException e) {
          throw new ReadFailure(e);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return in.read(b, off, len);
        } catch (IOException e) {
          throw new ReadFailure(e);
        }
      }
    };
  }

  private static final class ReadFailure extends IOException {
    private static final long serialVersionUID = 1L;

    ReadFailure(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private static void addUnique(List<Address> out, Set<String> seen, Address a) {
    String key = a.localPart() + "@" + a.domainLower();
    if (seen.add(key)) {
      out.add(a);
    }
  }
}
