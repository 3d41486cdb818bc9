package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import masq.tests.Sandbox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One name per route, end to end: a laptop's masq.conf with a permanent LAN route, connection home
 * (home.route) and connection road whose route file is isp.route. masq-deliver, masq-rewrite and
 * sendmail -qo take the connection's name and the route file's; unknown and ambiguous names say
 * which names would do; the log, --dry-run and -v name both (route=isp link=road).
 */
class RouteNameTest extends WithPeers {
  int port;
  Path dump;
  Sandbox box;

  static final String MESSAGE = "From: joe\nTo: anna@far.example\nSubject: names\n\nhello\n";

  @BeforeEach
  void start() throws Exception {
    port = Peers.freePort();
    dump = peers.smtpSink("127.0.0.1", port);
    Path dir = Files.createDirectories(tmp.resolve("routes"));
    Files.writeString(dir.resolve("isp.route"), "mail_host = 127.0.0.1:" + port + "\n");
    Files.writeString(dir.resolve("home.route"), "mail_host = 127.0.0.1:" + Peers.freePort());
    Files.writeString(
        dir.resolve("lan.route"),
        "mail_host = 127.0.0.1:" + Peers.freePort() + "\nallowed_recipients = *@lan.example\n");
    box =
        new Sandbox(
            tmp.resolve("box"),
            "permanent_routes = \""
                + dir.resolve("lan.route")
                + "\"\nquery_routes.home = \""
                + dir.resolve("home.route")
                + "\"\nquery_routes.road = \""
                + dir.resolve("isp.route")
                + "\"\n");
  }

  String queue() throws Exception {
    box.run(MESSAGE, "masq-inject", "-odq", "-i", "-f", "joe", "anna@far.example").expect(0);
    List<String> ids = box.queuedIds();
    return ids.get(ids.size() - 1);
  }

  @Test
  void theRouteFilesNameSendsOverItsConnectionAndTheLogNamesBoth() throws Exception {
    String id = queue();
    String dry = box.run("", "masq-deliver", "--route", "isp", "--dry-run").expect(0).out();
    assertTrue(
        dry.contains(
            "  anna@far.example: remote, over route=isp link=road (127.0.0.1:" + port + ")"),
        dry);
    assertTrue(
        dry.contains("routes: route=lan, route=isp link=road (connection road named by --route)"),
        dry);
    Sandbox.Run r = box.run("", "masq-deliver", "-v", "--route", "isp").expect(0);
    assertEquals(1, Peers.waitDumps(dump, 1).size());
    assertEquals(List.of(), box.queuedIds());
    assertTrue(
        box.log()
            .contains(
                id
                    + " => anna@far.example route=isp link=road host=[127.0.0.1]:"
                    + port
                    + " tls=none 250 "),
        box.log());
    assertTrue(
        r.stderr().contains("masq-deliver: route=isp link=road: 1 sent, 0 deferred, 0 failed\n"),
        r.stderr());
  }

  @Test
  void theConnectionsNameAndSendmailQoDoTheSame() throws Exception {
    String id = queue();
    String dry = box.run("", "masq-deliver", "--route", "road", "--dry-run").expect(0).out();
    assertTrue(dry.contains("remote, over route=isp link=road (127.0.0.1:" + port + ")"), dry);
    box.run("", "sendmail", "-qo", "road").expect(0);
    assertEquals(1, Peers.waitDumps(dump, 1).size());
    assertTrue(box.log().contains(id + " => anna@far.example route=isp link=road "), box.log());
    String id2 = queue();
    box.run("", "sendmail", "-qoisp").expect(0);
    assertEquals(2, Peers.waitDumps(dump, 2).size());
    assertTrue(box.log().contains(id2 + " => anna@far.example route=isp link=road "), box.log());
  }

  @Test
  void anUnknownNameIs69AndListsTheNamesThatWouldDo() throws Exception {
    String id = queue();
    Sandbox.Run r = box.run("", "masq-deliver", "--route", "hotel");
    assertEquals(69, r.exit());
    assertEquals("masq-deliver: unknown route 'hotel' (known: home, road, isp)\n", r.stderr());
    r = box.run("", "masq-deliver", "--route", "lan");
    assertEquals(69, r.exit());
    assertEquals(
        "masq-deliver: unknown route 'lan' (a permanent route is used on every run without"
            + " --route; known: home, road, isp)\n",
        r.stderr());
    r = box.run("", "sendmail", "-qo", "hotel");
    assertEquals(69, r.exit());
    assertTrue(
        r.stderr().endsWith(": unknown route 'hotel' (known: home, road, isp)\n"), r.stderr());
    r = box.run(MESSAGE, "masq-rewrite", "--route", "hotel");
    assertEquals(69, r.exit());
    assertEquals("masq-rewrite: unknown route 'hotel' (known: lan, home, road, isp)\n", r.stderr());
    assertEquals(List.of(id), box.queuedIds(), "nothing ran");
  }

  @Test
  void masqRewriteTakesBothNames() throws Exception {
    Path dir = tmp.resolve("routes");
    Files.writeString(
        dir.resolve("isp.route"),
        "mail_host = 127.0.0.1:" + port + "\nmap_h_from_addresses = \"joe: joe@isp.example\"\n");
    for (String name : List.of("road", "isp", "link=road", "route=isp")) {
      String out = box.run(MESSAGE, "masq-rewrite", "--route", name).expect(0).out();
      assertTrue(out.startsWith("From: joe@isp.example\n"), name + ": " + out);
    }
    String home = box.run(MESSAGE, "masq-rewrite", "--route", "home").expect(0).out();
    // the home route has no rules: its file's name does not select isp's, joe is only qualified
    assertTrue(home.startsWith("From: joe@test.example\n"), home);
  }

  @Test
  void aRouteFileNamedLikeAnotherConnectionIsAmbiguous() throws Exception {
    Path dir = tmp.resolve("routes");
    Sandbox amb =
        new Sandbox(
            tmp.resolve("amb"),
            "query_routes.road = \""
                + dir.resolve("home.route")
                + "\"\nquery_routes.home = \""
                + dir.resolve("isp.route")
                + "\"\n");
    Sandbox.Run r = amb.run("", "masq-deliver", "--route", "home");
    assertEquals(64, r.exit());
    assertEquals(
        "masq-deliver: ambiguous route 'home': link=road (its route file home.route)"
            + " or link=home (query_routes.home); name one of these\n",
        r.stderr());
    String dry = amb.run("", "masq-deliver", "--route", "link=home", "--dry-run").expect(0).out();
    assertTrue(dry.contains("routes: route=isp link=home "), dry);
    r = amb.run(MESSAGE, "masq-rewrite", "--route", "home");
    assertEquals(64, r.exit());
    assertEquals(
        "masq-rewrite: ambiguous route 'home': link=home ("
            + dir.resolve("isp.route")
            + ") or route=home ("
            + dir.resolve("home.route")
            + "); name one of these\n",
        r.stderr());
  }

  @Test
  void theSummaryCountsSentDeferredAndFailedMessages() throws Exception {
    int rport = Peers.freePort();
    peers.aiosmtpd(rport);
    Files.writeString(
        tmp.resolve("routes").resolve("isp.route"), "mail_host = 127.0.0.1:" + rport + "\n");
    for (String rcpt : List.of("ok@far.example", "temp@far.example", "bad@far.example")) {
      box.run(MESSAGE, "masq-inject", "-odq", "-i", "-f", "joe", rcpt).expect(0);
    }
    box.run(
            MESSAGE,
            "masq-inject",
            "-odq",
            "-i",
            "-f",
            "joe",
            "ok2@far.example",
            "temp2@far.example")
        .expect(0);
    Sandbox.Run r = box.run("", "masq-deliver", "-v", "--route", "road").expect(0);
    assertTrue(
        r.stderr().contains("masq-deliver: route=isp link=road: 1 sent, 2 deferred, 1 failed\n"),
        r.stderr());
  }
}
