package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * examples/masq-link-up run as NetworkManager-dispatcher and networkd-dispatcher run it (see {@link
 * LinkHooks}): the connection name, the SSID nmcli gives, or the interface picks the line of
 * connection-routes; the right masq-deliver runs (--route, and --max-size on a metered link, by the
 * file or by what nmcli says); other actions and states, and links no line names, start nothing; a
 * message above --max-size stays queued with the reason in masq-queue list, and goes when an
 * unmetered link comes up; the file's last line counts without its newline. As root switching user:
 * {@link LinkHookUserTest}.
 */
class LinkHookTest extends WithPeers {

  @Test
  void aConnectionRoutesFileThatIsNoRegularFileIsOneLineNotAHang() throws Exception {
    Sandbox box = new Sandbox(tmp.resolve("odd"), "");
    LinkHooks hooks = new LinkHooks(tmp.resolve("odd-hooks"), box, "HomeWifi isp1\n");
    Files.delete(hooks.routesFile);
    assertEquals(0, new ProcessBuilder("mkfifo", hooks.routesFile.toString()).start().waitFor());
    long t0 = System.nanoTime();
    Sandbox.Run fifo = hooks.networkManagerRun("wlan0", "up", "HomeWifi", "u-home");
    assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "a FIFO must not block the dispatcher");
    assertEquals(78, fifo.exit(), fifo.stderr());
    String line = "masq-link-up: " + hooks.routesFile + ": not a readable regular file\n";
    assertEquals(line, fifo.stderr());
    Files.delete(hooks.routesFile);
    Files.createDirectory(hooks.routesFile);
    Sandbox.Run dir = hooks.networkManagerRun("wlan0", "up", "HomeWifi", "u-home");
    assertEquals(78, dir.exit(), dir.stderr());
    assertEquals(line, dir.stderr());
    assertEquals(List.of(), hooks.runs(), "no masq-deliver ran");
  }

  @Test
  void theLastLineOfConnectionRoutesCountsWithoutItsNewline() throws Exception {
    int port = Peers.freePort();
    Path sink = peers.smtpSink("127.0.0.1", port);
    Path isp1 = tmp.resolve("isp1.route");
    Files.writeString(isp1, "mail_host = \"127.0.0.1:" + port + "\"\n");
    Sandbox box =
        new Sandbox(tmp.resolve("nl"), "do_queue = true\nquery_routes.isp1 = \"" + isp1 + "\"\n");
    LinkHooks hooks =
        new LinkHooks(
            tmp.resolve("nl-hooks"),
            box,
            "user " + System.getProperty("user.name") + "\nHomeWifi isp1",
            Sandbox.bin("masq-deliver"));
    box.run("Subject: last line\n\nsent\n", "masq-inject", "a@far.example").expect(0);
    hooks.networkManager("wlan0", "up", "HomeWifi", "u-home");
    assertEquals(List.of("masq-deliver -C " + box.conf + " --route isp1"), hooks.awaitRuns(1));
    Peers.awaitDump(sink, "Subject: last line");
    assertEquals(List.of(), box.queuedIds());
  }

  @Test
  void eachDispatcherStartsTheRightRunAndAMeteredLinkLeavesTheBigMessageQueued() throws Exception {
    int homePort = Peers.freePort();
    Path home = peers.smtpSink("127.0.0.1", homePort);
    int mobilePort = Peers.freePort();
    Path mobile = peers.smtpSink("127.0.0.1", mobilePort);
    Path isp1 = tmp.resolve("isp1.route");
    Files.writeString(isp1, "mail_host = \"127.0.0.1:" + homePort + "\"\n");
    Path isp2 = tmp.resolve("isp2.route");
    Files.writeString(isp2, "mail_host = \"127.0.0.1:" + mobilePort + "\"\n");
    Sandbox box =
        new Sandbox(
            tmp.resolve("sb"),
            "do_queue = true\nquery_routes.isp1 = \""
                + isp1
                + "\"\nquery_routes.isp2 = \""
                + isp2
                + "\"\n");
    LinkHooks hooks =
        new LinkHooks(
            tmp.resolve("hooks"),
            box,
            "# test\nHomeWifi  isp1\nOffice LAN   isp1\nPhone-Hotspot isp2 metered\n"
                + "wwan0 isp2 metered=1k\nCafe isp2\nmetered_max_size 2k\n");

    // what starts nothing: another action, another state, a link no line names
    hooks.networkManager("wlan0", "down", "HomeWifi", "u-home");
    hooks.networkManager("wlan0", "pre-up", "HomeWifi", "u-home");
    hooks.networkd("wlan0", "degraded", "HomeWifi");
    hooks.networkManager("eth9", "up", "Hotel", "u-hotel");
    hooks.networkd("eth9", "routable", null);

    box.run("Subject: small\n\nsmall one\n", "masq-inject", "a@far.example").expect(0);
    box.run(
            "Subject: big\n\n" + "x".repeat(70).concat("\n").repeat(60),
            "masq-inject",
            "b@far.example")
        .expect(0);

    // the hotspot, by its connection name, metered in the file: --max-size from metered_max_size
    hooks.networkManager("wlan0", "up", "Phone-Hotspot", "u-hot");
    assertEquals(
        List.of("masq-deliver -C " + box.conf + " --route isp2 --max-size 2k"), hooks.awaitRuns(1));
    Peers.awaitDump(mobile, "small one");
    String list = box.run("", "masq-queue", "list").expect(0).out();
    assertEquals(1, box.queuedIds().size(), list);
    assertTrue(list.contains("b@far.example"), list);
    assertTrue(list.contains("waiting: 4.4 kB over max_size 2 kB of route isp2"), list);
    assertEquals(1, Peers.dumps(mobile).size());

    // the mobile interface under networkd-dispatcher: metered=1k in the file
    hooks.networkd("wwan0", "routable", null);
    assertEquals(
        "masq-deliver -C " + box.conf + " --route isp2 --max-size 1k", hooks.awaitRuns(2).get(1));
    assertTrue(box.run("", "masq-queue", "list").expect(0).out().contains("over max_size 1 kB"));

    // a connection the file does not call metered, but NetworkManager does (nmcli): the default
    hooks.metered("wlan1", "yes (guessed)");
    hooks.networkManager("wlan1", "up", "Cafe", "u-cafe");
    assertEquals(
        "masq-deliver -C " + box.conf + " --route isp2 --max-size 2k", hooks.awaitRuns(3).get(2));
    assertEquals(1, box.queuedIds().size());

    // home: NetworkManager names the connection "Auto HomeWifi", its SSID (nmcli) is HomeWifi
    hooks.ssid("u-auto", "HomeWifi");
    hooks.metered("wlan0", "no (guessed)");
    hooks.networkManager("wlan0", "up", "Auto HomeWifi", "u-auto");
    assertEquals("masq-deliver -C " + box.conf + " --route isp1", hooks.awaitRuns(4).get(3));
    Peers.awaitDump(home, "xxxxxxxx");
    assertEquals(List.of(), box.queuedIds());

    // a name with a space, under networkd-dispatcher by its ESSID
    hooks.networkd("wlan0", "routable", "Office LAN");
    assertEquals("masq-deliver -C " + box.conf + " --route isp1", hooks.awaitRuns(5).get(4));
    assertEquals(5, hooks.runs().size(), "nothing else started: " + hooks.runs());
  }
}
