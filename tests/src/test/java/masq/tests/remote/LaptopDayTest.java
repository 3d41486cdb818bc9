package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * A laptop's day, end to end with real processes: the link is down and mail waits; the phone's
 * hotspot comes up (NetworkManager runs the hook; the link is metered) and the small mail goes
 * while the big one waits, saying why; the home Wi-Fi comes up (networkd-dispatcher runs the hook)
 * and the rest goes; a recipient whose server keeps answering 451 is told to the user once through
 * notify_command. Both providers are aiosmtpd recorders (451 for temp@). The test prints the day as
 * a transcript.
 */
class LaptopDayTest extends WithPeers {
  private final StringBuilder transcript = new StringBuilder();
  private long t0;

  private void say(String what) {
    transcript
        .append(String.format("[+%5.1fs] ", (System.nanoTime() - t0) / 1e9))
        .append(what)
        .append('\n');
  }

  private void show(String label, String text) {
    say(label);
    text.lines().forEach(l -> transcript.append("           | ").append(l).append('\n'));
  }

  private static int records(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return (int) s.filter(p -> p.getFileName().toString().endsWith(".json")).count();
    }
  }

  private static String recorded(Path dir) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (var s = Files.list(dir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        String j = Files.readString(p);
        int rc = j.indexOf("\"rcpt_tos\"");
        int subj = j.indexOf("Subject: ");
        sb.append(j, rc, j.indexOf(']', rc) + 1)
            .append(" ")
            .append(j, subj, j.indexOf("\\r\\n", subj))
            .append(", ")
            .append(j.length())
            .append(" bytes of JSON\n");
      }
    }
    return sb.toString();
  }

  @Test
  void aDayOnTheRoad() throws Exception {
    t0 = System.nanoTime();
    int homePort = Peers.freePort();
    Path home = peers.aiosmtpd(homePort);
    int hotspotPort = Peers.freePort();
    Path hotspot = peers.aiosmtpd(hotspotPort);
    Path isp1 = tmp.resolve("isp1.route");
    Files.writeString(isp1, "mail_host = \"127.0.0.1:" + homePort + "\"\n");
    Path isp2 = tmp.resolve("isp2.route");
    Files.writeString(isp2, "mail_host = \"127.0.0.1:" + hotspotPort + "\"\n");
    Path notes = Files.createDirectories(tmp.resolve("notes"));
    Sandbox box =
        new Sandbox(
            tmp.resolve("laptop"),
            "do_queue = true\nmbox_default = mbox\n"
                + "query_routes.isp1 = \""
                + isp1
                + "\"\nquery_routes.isp2 = \""
                + isp2
                + "\"\nnotify_command = \""
                + NotifyRecorder.recorder(notes)
                + "\"\nnotify_after = 10s\n");
    LinkHooks hooks =
        new LinkHooks(tmp.resolve("hooks"), box, "HomeWifi isp1\nPhone-Hotspot isp2 metered=8k\n");
    show("connection-routes", Files.readString(hooks.routesFile));

    say("morning, no link: three messages written");
    box.run("Subject: lunch?\n\nlunch at noon?\n", "masq-inject", "friend@example.org").expect(0);
    box.run(
            "Subject: the report\n\n" + "report line of the big attachment\n".repeat(1200),
            "masq-inject",
            "boss@work.example")
        .expect(0);
    box.run("Subject: are you there?\n\nping\n", "masq-inject", "temp@stuck.example").expect(0);
    Sandbox.Run cron = box.run("", "masq-deliver", "-v").expect(0);
    show("cron: masq-deliver -v", cron.stderr());
    String list = box.run("", "masq-queue", "list").expect(0).out();
    show("masq-queue list", list);
    assertEquals(3, box.queuedIds().size(), list);
    assertEquals(0, records(home) + records(hotspot));

    say("noon: the phone's hotspot comes up (NetworkManager: wlan0 up, Phone-Hotspot)");
    hooks.networkManager("wlan0", "up", "Phone-Hotspot", "7c1e-hotspot");
    List<String> runs = hooks.awaitRuns(1);
    show("the hook ran", runs.get(0));
    assertEquals("masq-deliver -C " + box.conf + " --route isp2 --max-size 8k", runs.get(0));
    show("the hotspot's provider received", recorded(hotspot));
    assertEquals(1, records(hotspot));
    assertTrue(recorded(hotspot).contains("friend@example.org"));
    list = box.run("", "masq-queue", "list").expect(0).out();
    show("masq-queue list", list);
    assertTrue(list.contains("over max_size 8 kB of route isp2"), list);
    assertTrue(list.contains("451 4.2.1 mailbox busy"), list);
    assertEquals(2, box.queuedIds().size());

    String stuck =
        box.queuedIds().stream()
            .filter(id -> {
              try {
                return box.envelope(id).contains("<temp@stuck.example>");
              } catch (java.io.IOException e) {
                return false;
              }
            })
            .findFirst()
            .orElseThrow();
    say("the afternoon passes (notify_after = 10s stands in for an hour)");
    box.backdate(stuck, 10100);

    say("evening: home Wi-Fi (networkd-dispatcher: IFACE=wlan0 STATE=routable ESSID=HomeWifi)");
    hooks.networkd("wlan0", "routable", "HomeWifi");
    runs = hooks.awaitRuns(2);
    show("the hook ran", runs.get(1));
    assertEquals("masq-deliver -C " + box.conf + " --route isp1", runs.get(1));
    show("the home provider received", recorded(home));
    assertEquals(1, records(home));
    assertTrue(recorded(home).contains("boss@work.example"));
    List<String> events = NotifyRecorder.events(notes, 1);
    show("notify_command heard", String.join("\n", events));
    assertEquals(1, events.size(), events.toString());
    assertTrue(
        events.get(0).startsWith("deferred|" + stuck + "|temp@stuck.example|isp"), events.get(0));
    assertTrue(events.get(0).endsWith("|451 4.2.1 mailbox busy, try later"), events.get(0));
    list = box.run("", "masq-queue", "list").expect(0).out();
    show("masq-queue list", list);
    assertEquals(List.of(stuck), box.queuedIds());
    System.out.print("---- the laptop's day ----\n" + transcript);
  }
}
