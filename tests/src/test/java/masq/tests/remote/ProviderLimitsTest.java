package masq.tests.remote;

import static masq.tests.remote.Msgs.msg;
import static masq.tests.remote.Msgs.settings;
import static masq.tests.remote.Peers.events;
import static masq.tests.remote.Peers.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import masq.deliver.remote.OutgoingMessage;
import masq.deliver.remote.RecipientResult;
import masq.deliver.remote.RemoteDelivery;
import masq.deliver.remote.RemoteSettings;
import masq.spool.Outcome;
import masq.tests.Sandbox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provider limits (masq.route(5)): {@code max_recipients_per_message} splits a message into several
 * transactions, {@code max_messages_per_connection} opens a new connection after so many; neither
 * ever fails mail. Counted at a recording aiosmtpd server: transactions (one record per accepted
 * DATA), connections (the client ports of the MAIL commands), each recipient once.
 */
class ProviderLimitsTest extends WithPeers {
  int port;

  @BeforeEach
  void start() throws Exception {
    port = Peers.freePort();
  }

  TestRoute to() {
    return settings("gmail").mailHost("127.0.0.1").mailPort(port);
  }

  static String[] recipients(int n) {
    String[] r = new String[n];
    for (int i = 0; i < n; i++) {
      r[i] = "r" + i + "@far.example";
    }
    return r;
  }

  /** The recipients of each transaction the server took. */
  static List<List<String>> transactions(Path rec) throws Exception {
    List<List<String>> out = new ArrayList<>();
    Pattern to = Pattern.compile("\"rcpt_tos\": \\[([^\\]]*)\\]");
    List<String> ms = messages(rec);
    for (String m : ms) {
      Matcher x = to.matcher(m);
      assertTrue(x.find(), m);
      List<String> rcpts = new ArrayList<>();
      for (String r : x.group(1).split(",")) {
        rcpts.add(r.strip().replace("\"", ""));
      }
      out.add(rcpts);
    }
    return out;
  }

  /** The client ports the MAIL commands came from: one per connection. */
  static Set<String> connections(Path rec) throws Exception {
    Set<String> ports = new HashSet<>();
    for (String e : events(rec)) {
      ports.add(e.substring(e.indexOf(" peer=") + 6));
    }
    return ports;
  }

  @Test
  void twoHundredFiftyRecipientsWithAtMostOneHundredAreThreeTransactions() throws Exception {
    Path rec = peers.aiosmtpd(port);
    RemoteSettings s = to().option("max_recipients_per_message", 100).build();
    String[] rcpts = recipients(250);
    rcpts[150] = "temp150@far.example"; // 451 from the server: deferred, the rest go on
    List<Integer> handed = new ArrayList<>();
    List<RecipientResult> all = new ArrayList<>();
    new RemoteDelivery(s, Clock.systemUTC(), l -> {})
        .deliver(
            List.of(msg("L1", "joe@home.example", "many\n", rcpts)),
            (m, rs) -> {
              handed.add(rs.size());
              all.addAll(rs);
            });
    assertEquals(
        List.of(100, 100, 50), handed, "results handed over as each transaction ends, to record");
    assertEquals(250, all.size());
    Set<String> seen = new TreeSet<>();
    for (RecipientResult r : all) {
      assertTrue(seen.add(r.recipient().toString()), "one result each: " + r);
      assertEquals(
          r.recipient().localPart().startsWith("temp") ? Outcome.DEFERRED : Outcome.DELIVERED,
          r.outcome(),
          r.toString());
    }
    List<List<String>> tx = transactions(rec);
    assertEquals(3, tx.size(), tx.toString());
    List<String> got = new ArrayList<>();
    for (List<String> t : tx) {
      got.addAll(t);
    }
    assertEquals(249, got.size(), "each accepted recipient once");
    assertEquals(249, new HashSet<>(got).size(), "none twice");
    assertEquals(1, connections(rec).size(), "the three transactions share one connection");
  }

  @Test
  void sevenMessagesWithAtMostThreePerConnectionAreThreeConnections() throws Exception {
    Path rec = peers.aiosmtpd(port);
    RemoteSettings s = to().option("max_messages_per_connection", 3).build();
    List<OutgoingMessage> ms = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ms.add(msg("N" + i, "joe@home.example", "m" + i + "\n", "a" + i + "@far.example"));
    }
    List<RecipientResult> rs = new RemoteDelivery(s, Clock.systemUTC(), l -> {}).deliver(ms);
    assertEquals(7, rs.size());
    assertTrue(rs.stream().allMatch(r -> r.outcome() == Outcome.DELIVERED), rs.toString());
    assertEquals(7, messages(rec).size());
    assertEquals(3, connections(rec).size(), events(rec).toString()); // ceil(7/3)
    // both limits: a split message's transactions count as messages
    Path rec2 = peers.aiosmtpd(port = Peers.freePort());
    rs =
        new RemoteDelivery(
                to().option("max_messages_per_connection", 1)
                    .option("max_recipients_per_message", 2)
                    .build(),
                Clock.systemUTC(),
                l -> {})
            .deliver(List.of(msg("B1", "joe@home.example", "x\n", recipients(5))));
    assertEquals(5, rs.size());
    assertEquals(3, messages(rec2).size());
    assertEquals(3, connections(rec2).size(), events(rec2).toString());
  }

  @Test
  void masqDeliverSplitsAndEmptiesTheQueue() throws Exception {
    Path rec = peers.aiosmtpd(port);
    Path route = tmp.resolve("gmail.route");
    Files.writeString(
        route, "mail_host = 127.0.0.1:" + port + "\nmax_recipients_per_message = 100\n");
    Sandbox box = new Sandbox(tmp.resolve("box"), "query_routes.gmail = \"" + route + "\"\n");
    List<String> args = new ArrayList<>(List.of("-odq", "-i", "-f", "joe"));
    args.addAll(List.of(recipients(250)));
    box.run("Subject: many\n\nhello\n", "masq-inject", args.toArray(new String[0])).expect(0);
    String id = box.queuedIds().get(0);
    box.run("", "masq-deliver", "--route", "gmail").expect(0);
    assertEquals(List.of(), box.queuedIds(), "every recipient delivered");
    assertEquals(3, messages(rec).size());
    String log = box.log();
    for (String r : recipients(250)) {
      assertEquals(1, count(log, id + " => " + r + " route=gmail"), r + " once in " + log);
    }
  }

  static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
