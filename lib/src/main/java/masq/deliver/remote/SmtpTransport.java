package masq.deliver.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import masq.address.Address;
import masq.route.TlsMode;
import masq.spool.Outcome;

/**
 * SMTP delivery for a route: to {@code mail_host} (all messages over one connection), through a
 * {@code wrapper} command (likewise), or directly by MX lookup (recipients grouped by domain,
 * caselessly; one connection per domain carrying every message that has recipients there).
 * Addresses are tried in order until one accepts the TCP connection; after that, that server's
 * answers decide.
 *
 * <p>How it fails: a host that cannot be resolved or reached (every address refused or timed out, a
 * wrapper that cannot start) defers its recipients, or fails them with {@code connect_error_fail};
 * a session that breaks defers the message in flight and every message not yet sent on that
 * connection. Never throws.
 *
 * <p>Provider limits: with {@code max_recipients_per_message}, a message with more recipients goes
 * out in several transactions (each with its own results, handed over as each ends); with {@code
 * max_messages_per_connection}, a connection that has carried that many transactions is closed with
 * QUIT and the next one opened for the rest. With {@code tls = may}, a server that offers STARTTLS
 * but fails the handshake gets one more connection, in clear.
 */
final class SmtpTransport {
  private final RemoteSettings s;
  private final Consumer<String> log;
  private final MxResolver resolver;

  /** The route's TLS factory, made when a session first needs it, or null. */
  private TlsFactory tlsFactory;

  SmtpTransport(RemoteSettings s, Consumer<String> log) {
    this.s = s;
    this.log = log;
    // not Duration.dividedBy, which initialises BigDecimal: ~25 ms of a run's start
    Duration dns = Duration.ofMillis(s.timeouts().connect().toMillis() / 10);
    this.resolver =
        new MxResolver(dns.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : dns);
  }

  /**
   * Sends {@code messages}; to {@code mail_host} or through the wrapper, each as soon as it is
   * taken, else all taken first to group them by domain.
   */
  void deliver(Iterator<OutgoingMessage> messages, ResultSink sink) {
    if (s.transport().wrapper() != null || s.transport().mailHost() != null) {
      session(
          s.transport().wrapper() != null ? null : s.transport().mailHost(), split(messages), sink);
      return;
    }
    Map<String, List<OutgoingMessage>> byDomain = new LinkedHashMap<>();
    for (OutgoingMessage m : RemoteDelivery.rest(messages)) {
      Map<String, List<Address>> split = new LinkedHashMap<>();
      for (Address a : m.recipients()) {
        split.computeIfAbsent(a.domainLower(), k -> new ArrayList<>()).add(a);
      }
      for (Map.Entry<String, List<Address>> e : split.entrySet()) {
        byDomain
            .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
            .add(split.size() == 1 ? m : m.withRecipients(e.getValue()));
      }
    }
    for (Map.Entry<String, List<OutgoingMessage>> e : byDomain.entrySet()) {
      session(e.getKey(), split(e.getValue().iterator()), sink);
    }
  }

  /**
   * {@code messages}, each with more than {@code max_recipients_per_message} recipients taken as
   * several, in order; taken from {@code messages} one at a time.
   */
  private Iterator<OutgoingMessage> split(Iterator<OutgoingMessage> messages) {
    int max = s.transport().maxRecipientsPerMessage();
    if (max <= 0) {
      return messages;
    }
    return new Iterator<>() {
      private final ArrayDeque<OutgoingMessage> parts = new ArrayDeque<>();

      @Override
      public boolean hasNext() {
        return !parts.isEmpty() || messages.hasNext();
      }

      @Override
      public OutgoingMessage next() {
        if (parts.isEmpty()) {
          OutgoingMessage m = messages.next();
          List<Address> rcpts = m.recipients();
          if (rcpts.size() <= max) {
            return m;
          }
          for (int i = 0; i < rcpts.size(); i += max) {
            parts.add(
                m.withRecipients(List.copyOf(rcpts.subList(i, Math.min(i + max, rcpts.size())))));
          }
        }
        return parts.remove();
      }
    };
  }

  /** The route's TLS factory, made on first use. */
  private TlsFactory tls() throws IOException {
    if (tlsFactory == null) {
      tlsFactory = TlsFactory.create(s.transport());
    }
    return tlsFactory;
  }

  /**
   * Connections to {@code host} (null: the wrapper) for {@code batch}, the first opened when its
   * first message is there (none: no connection), another whenever {@code
   * max_messages_per_connection} is reached.
   */
  private void session(String host, Iterator<OutgoingMessage> batch, ResultSink sink) {
    if (!batch.hasNext()) {
      return;
    }
    String name = host == null ? "wrapper '" + s.transport().wrapper() + "'" : host;
    TlsMode mode = s.transport().tls();
    if (mode == TlsMode.STARTTLS || mode == TlsMode.SMTPS) {
      try {
        tls(); // required: a problem with its files defers before connecting
      } catch (IOException e) {
        everyone(
            RemoteDelivery.rest(batch), sink, Outcome.DEFERRED, name, SmtpConnection.reason(e));
        return;
      }
    }
    boolean plainOnly = false;
    while (batch.hasNext()) {
      SmtpChannel ch;
      try {
        ch = host == null ? ProcessChannel.start(s.transport().wrapper(), log) : connect(host);
      } catch (IOException e) {
        String why =
            host == null
                ? "cannot run wrapper: " + SmtpConnection.reason(e)
                : SmtpConnection.reason(e);
        everyone(
            RemoteDelivery.rest(batch),
            sink,
            s.transport().connectErrorFail() ? Outcome.FAILED : Outcome.DEFERRED,
            name,
            why);
        return;
      }
      try {
        SmtpClient client = new SmtpClient(new SmtpConnection(ch), s, name, this::tls, plainOnly);
        try {
          client.open();
        } catch (SmtpFailure f) {
          client.quit();
          if (client.tlsHandshakeFailed() && !plainOnly) {
            log.accept(f.getMessage() + "; tls = may: trying again without TLS");
            plainOnly = true;
            continue;
          }
          everyone(RemoteDelivery.rest(batch), sink, f.outcome(), client.peer(), f.getMessage());
          return;
        }
        if (!converse(client, ch, batch, sink, s.transport().maxMessagesPerConnection())) {
          return;
        }
      } finally {
        ch.close(); // closed already, except after an unexpected error
      }
    }
  }

  /**
   * Sends messages of {@code batch} over the open {@code client}, at most {@code max} (0: all);
   * false when the connection broke (what was left is deferred).
   */
  private static boolean converse(
      SmtpClient client,
      SmtpChannel ch,
      Iterator<OutgoingMessage> batch,
      ResultSink sink,
      int max) {
    int sent = 0;
    OutgoingMessage m = batch.next();
    while (m != null) {
      sent++;
      OutgoingMessage next = batch.hasNext() && (max <= 0 || sent < max) ? batch.next() : null;
      try {
        sink.accept(m, client.send(m, next));
      } catch (SmtpFailure f) {
        ch.close();
        everyone(List.of(m), sink, f.outcome(), client.peer(), f.getMessage());
        List<OutgoingMessage> left = new ArrayList<>();
        if (next != null) {
          left.add(next);
        }
        left.addAll(RemoteDelivery.rest(batch));
        everyone(left, sink, Outcome.DEFERRED, client.peer(), "not sent: " + f.getMessage());
        return false;
      }
      m = next;
    }
    client.quit();
    return true;
  }

  private SmtpChannel connect(String host) throws IOException {
    List<MxResolver.Target> targets = resolver.resolve(host, s.transport().resolveList());
    IOException last = new UnknownHostException("cannot resolve " + host);
    for (MxResolver.Target t : targets) {
      InetSocketAddress a = new InetSocketAddress(t.address(), s.transport().port());
      try {
        return TcpChannel.connect(t.name(), a, s.timeouts().connect());
      } catch (IOException e) {
        String ip = t.address().getHostAddress();
        last =
            new IOException(
                "cannot connect to "
                    + t.name()
                    + (t.name().equals(ip) ? "" : " [" + ip + "]")
                    + ":"
                    + s.transport().port()
                    + ": "
                    + SmtpConnection.reason(e),
                e);
      }
    }
    throw last;
  }

  private static void everyone(
      List<OutgoingMessage> batch, ResultSink sink, Outcome o, String host, String reason) {
    for (OutgoingMessage m : batch) {
      List<RecipientResult> rs = new ArrayList<>();
      for (Address a : m.recipients()) {
        rs.add(new RecipientResult(m.id(), a, o, host, reason));
      }
      sink.accept(m, rs);
    }
  }
}
