package masq.tests.remote;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import masq.address.Address;
import masq.deliver.remote.OutgoingMessage;
import masq.deliver.remote.RecipientResult;
import masq.deliver.remote.RemoteDelivery;
import masq.deliver.remote.RemoteSettings;
import masq.message.Header;

/** Test messages and a one-call delivery helper. */
final class Msgs {
  private Msgs() {}

  static Address addr(String a) {
    int at = a.lastIndexOf('@');
    return at < 0 ? new Address(a, null) : new Address(a.substring(0, at), a.substring(at + 1));
  }

  static OutgoingMessage msg(String id, String from, String body, String... rcpts) {
    byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
    List<Header> headers =
        List.of(
            Header.of("From", from),
            Header.of("Subject", "test " + id),
            Header.of("Message-ID", "<" + id + "@test.example>"));
    List<Address> to = new ArrayList<>();
    for (String r : rcpts) {
      to.add(addr(r));
    }
    boolean eight = false;
    for (byte x : b) {
      eight |= x < 0;
    }
    long size = b.length;
    for (Header h : headers) {
      size += h.raw().length();
    }
    return OutgoingMessage.of(
        id,
        from.isEmpty() ? Address.NULL : addr(from),
        to,
        headers,
        () -> new ByteArrayInputStream(b),
        eight,
        size + 1);
  }

  /** Settings for tests: short timeouts, helo name "client.test". */
  static TestRoute settings(String route) {
    return new TestRoute(route, "client.test").timeouts(TestRoute.timeouts(Duration.ofSeconds(10)));
  }

  static List<RecipientResult> send(RemoteSettings s, OutgoingMessage... m) {
    return send(s, Collections.synchronizedList(new ArrayList<>()), m);
  }

  /** Delivers, collecting the transport's diagnostic lines in {@code log}. */
  static List<RecipientResult> send(RemoteSettings s, List<String> log, OutgoingMessage... m) {
    return new RemoteDelivery(s, Clock.systemUTC(), log::add).deliver(Arrays.asList(m));
  }

  /** "rcpt OUTCOME" per result, sorted, for compact assertions. */
  static List<String> outcomes(List<RecipientResult> rs) {
    List<String> out = new ArrayList<>();
    for (RecipientResult r : rs) {
      out.add(r.messageId() + " " + r.recipient() + " " + r.outcome());
    }
    Collections.sort(out);
    return new Shown(out, rs.toString());
  }

  /** A list that compares like its items and prints the full results, for failure messages. */
  static final class Shown extends java.util.AbstractList<String> {
    private final List<String> items;
    private final String full;

    Shown(List<String> items, String full) {
      this.items = items;
      this.full = full;
    }

    @Override
    public String get(int i) {
      return items.get(i);
    }

    @Override
    public int size() {
      return items.size();
    }

    @Override
    public String toString() {
      return items + " from " + full;
    }
  }

  /**
   * Sends one message to {@code ok@x.example} with all timeouts at {@code timeout}; asserts it is
   * deferred within ten seconds, for a reason containing {@code why}.
   */
  static void assertDeferredSoon(TestRoute b, Duration timeout, String why) {
    long t0 = System.nanoTime();
    List<RecipientResult> rs =
        send(
            b.timeouts(TestRoute.timeouts(timeout)).build(),
            msg("SLOW", "joe@home.example", "x\n", "ok@x.example"));
    org.junit.jupiter.api.Assertions.assertEquals(
        List.of("SLOW ok@x.example DEFERRED"), outcomes(rs));
    org.junit.jupiter.api.Assertions.assertTrue(rs.get(0).reply().contains(why), rs.get(0).reply());
    org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
  }
}
