package masq.deliver.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import masq.address.Address;
import masq.route.TlsMode;

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
 */
final class SmtpTransport {
  private final RemoteSettings s;
  private final Consumer<String> log;
  private final MxResolver resolver;

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
      session(s.transport().wrapper() != null ? null : s.transport().mailHost(), messages, sink);
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
      session(e.getKey(), e.getValue().iterator(), sink);
    }
  }

  /**
   * One connection to {@code host} (null: the wrapper) for {@code batch}, opened when its first
   * message is there (none: no connection).
   */
  private void session(String host, Iterator<OutgoingMessage> batch, ResultSink sink) {
    if (!batch.hasNext()) {
      return;
    }
    String name = host == null ? "wrapper '" + s.transport().wrapper() + "'" : host;
    TlsFactory tls = null;
    if (s.transport().tls() != TlsMode.NONE) {
      try {
        tls = TlsFactory.create(s.transport().tlsVerify(), s.transport().tlsTrustFile());
      } catch (IOException e) {
        everyone(
            RemoteDelivery.rest(batch), sink, Outcome.DEFERRED, name, SmtpConnection.reason(e));
        return;
      }
    }
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
      converse(new SmtpClient(new SmtpConnection(ch), s, name, tls), ch, batch, sink);
    } finally {
      ch.close(); // closed already, except after an unexpected error
    }
  }

  private static void converse(
      SmtpClient client, SmtpChannel ch, Iterator<OutgoingMessage> batch, ResultSink sink) {
    try {
      client.open();
    } catch (SmtpFailure f) {
      client.quit();
      everyone(RemoteDelivery.rest(batch), sink, f.outcome(), client.peer(), f.getMessage());
      return;
    }
    OutgoingMessage m = batch.next();
    while (m != null) {
      OutgoingMessage next = batch.hasNext() ? batch.next() : null;
      try {
        sink.accept(m, client.send(m, next));
      } catch (SmtpFailure f) {
        ch.close();
        everyone(List.of(m), sink, f.outcome(), client.peer(), f.getMessage());
        List<OutgoingMessage> left = new ArrayList<>();
        if (next != null) {
          left.add(next);
          left.addAll(RemoteDelivery.rest(batch));
        }
        everyone(left, sink, Outcome.DEFERRED, client.peer(), "not sent: " + f.getMessage());
        return;
      }
      m = next;
    }
    client.quit();
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
