package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * Mail that stays queued is visible, with real processes: an online_query that is missing, not
 * executable, exits 3 or hangs is one line in stderr and the log on every run, masq-queue status
 * WARNING and an {@code online-failure} event, and -v says "nothing online"; a recipient that no
 * configured route accepts is {@code unroutable} in list, show, status, the log and one event; a
 * message that waits for a link longer than notify_after is one {@code waiting} event, and status
 * stays OK (it neither warns nor bounces); masq-queue bounce tells notify_command. No output a user
 * sees names a Java class.
 */
class WaitingMailTest extends WithPeers {
  /** Every output a user saw in the test, scanned at its end for Java's words. */
  private final List<String> seen = new ArrayList<>();

  private Sandbox.Run saw(Sandbox.Run r) {
    seen.add(r.out());
    seen.add(r.stderr());
    return r;
  }

  private void noJava(Sandbox box) throws Exception {
    seen.add(box.log());
    for (String s : seen) {
      for (String bad : List.of("java.", "sun.", "Exception")) {
        assertFalse(s.contains(bad), "'" + bad + "' in what a user sees: " + s);
      }
    }
  }

  private Path script(String name, String body, String mode) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  @Test
  void aFailingOnlineQueryIsAnErrorOnEveryRunNotOffline() throws Exception {
    Path exits3 = script("exits3", "exit 3", "rwxr-xr-x");
    Path plain = script("plain", "echo isp", "rw-r--r--");
    Path hangs = script("hangs", "sleep 3621", "rwxr-xr-x");
    String[][] cases = {
      {"/nonexistent/which-link", "online_query: cannot run /nonexistent/which-link: no such file"},
      {plain.toString(), "online_query: cannot run " + plain + ": not executable"},
      {exits3.toString(), "online_query: " + exits3 + " exited 3"},
      {hangs.toString(), "online_query: " + hangs + " timed out after 2s (killed)"},
    };
    int n = 0;
    for (String[] c : cases) {
      Path notes = Files.createDirectories(tmp.resolve("notes" + n));
      Path isp =
          Files.writeString(
              tmp.resolve("isp" + n + ".route"), "mail_host = 127.0.0.1:" + Peers.freePort());
      Sandbox box =
          new Sandbox(
              tmp.resolve("box" + n++),
              "query_routes.isp = \""
                  + isp
                  + "\"\nonline_query = \""
                  + c[0]
                  + "\"\nonline_query_timeout = 2s\nnotify_command = \""
                  + NotifyRecorder.recorder(notes)
                  + "\"\n");
      saw(box.run("Subject: w\n\nb\n", "masq-inject", "-odq", "far@out.example").expect(0));
      for (int run = 1; run <= 2; run++) {
        long start = System.nanoTime();
        Sandbox.Run d = saw(box.run("", "masq-deliver").expect(0));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 20_000, "the run did not hang");
        assertTrue(d.stderr().startsWith("masq-deliver: " + c[1]), d.stderr());
        assertEquals(1, d.stderr().lines().count(), d.stderr());
        String log = box.log();
        assertEquals(
            run, log.lines().filter(l -> l.contains(c[1])).count(), "logged on every run: " + log);
      }
      List<String> events = NotifyRecorder.events(notes, 2);
      assertEquals(2, events.size(), events.toString());
      assertTrue(events.get(0).startsWith("online-failure||||" + c[1]), events.toString());
      Sandbox.Run st = saw(box.run("", "masq-queue", "status"));
      assertEquals(1, st.exit(), st.out());
      assertTrue(st.out().startsWith("MASQ WARNING - online check failed (" + c[1]), st.out());
      Sandbox.Run list = saw(box.run("", "masq-queue", "-v", "list").expect(0));
      assertTrue(
          list.out().contains("waiting: no warning or bounce until a route tries it; no route"),
          list.out());
      assertTrue(list.out().contains(c[1]) && list.out().contains("nothing online"), list.out());
      assertEquals(1, box.queuedIds().size(), "the mail stays queued");
      noJava(box);
    }
  }

  @Test
  void aRecipientThatNoConfiguredRouteAcceptsIsUnroutableAndToldOnce() throws Exception {
    Path notes = Files.createDirectories(tmp.resolve("notes"));
    Path lan =
        Files.writeString(
            tmp.resolve("lan.route"),
            "mail_host = 127.0.0.1:"
                + Peers.freePort()
                + "\nallowed_recipients = \"*@lan.example\"\n");
    Path isp =
        Files.writeString(
            tmp.resolve("isp.route"),
            "mail_host = 127.0.0.1:"
                + Peers.freePort()
                + "\ndenied_recipients = \"*@out.example\"\n");
    Sandbox box =
        new Sandbox(
            tmp.resolve("box"),
            "permanent_routes = \""
                + lan
                + "\"\nquery_routes.isp = \""
                + isp
                + "\"\nnotify_command = \""
                + NotifyRecorder.recorder(notes)
                + "\"\n");
    saw(box.run("Subject: u\n\nb\n", "masq-inject", "-odq", "far@out.example").expect(0));
    String id = box.queuedIds().get(0);
    saw(box.run("", "masq-deliver").expect(0));
    saw(box.run("", "masq-deliver").expect(0));
    String log = box.log();
    assertEquals(
        1,
        log.lines().filter(l -> l.contains(id + " unroutable <far@out.example>: ")).count(),
        log);
    List<String> events = NotifyRecorder.events(notes, 1);
    assertEquals(1, events.size(), events.toString());
    assertTrue(
        events.get(0).startsWith("unroutable|" + id + "|far@out.example||no configured route"),
        events.toString());
    String list = saw(box.run("", "masq-queue", "list").expect(0)).out();
    assertTrue(
        list.contains(
            "    == far@out.example (unroutable, 0 tries: no configured route accepts it (route"),
        list);
    String show = saw(box.run("", "masq-queue", "show", id).expect(0)).out();
    assertTrue(show.contains("recipient: <far@out.example> unroutable, 0 tries: "), show);
    assertTrue(show.contains("unroutable: no warning, no bounce"), show);
    Sandbox.Run st = saw(box.run("", "masq-queue", "status"));
    assertEquals(1, st.exit(), st.out());
    assertTrue(st.out().contains(", 1 unroutable (far@out.example: no configured route"), st.out());
    assertEquals(1, box.queuedIds().size(), "unroutable mail is kept, not bounced");
    noJava(box);
  }

  @Test
  void mailWaitingForALinkIsToldOnceAndNeverWarnsButGoesWhenTheLinkComes() throws Exception {
    Path notes = Files.createDirectories(tmp.resolve("notes"));
    int port = Peers.freePort();
    Path isp = Files.writeString(tmp.resolve("isp.route"), "mail_host = 127.0.0.1:" + port + "\n");
    Sandbox box =
        new Sandbox(
            tmp.resolve("box"),
            "query_routes.isp = \""
                + isp
                + "\"\nnotify_after = 2s\nwarn_intervals = 1s\nmax_defer_time = 4d\n"
                + "notify_command = \""
                + NotifyRecorder.recorder(notes)
                + "\"\n");
    saw(box.run("Subject: w\n\nb\n", "masq-inject", "-odq", "far@out.example").expect(0));
    String id = box.queuedIds().get(0);
    saw(box.run("", "masq-deliver").expect(0));
    box.backdate(id, 2050);
    saw(box.run("", "masq-deliver").expect(0));
    saw(box.run("", "masq-deliver").expect(0));
    List<String> events = NotifyRecorder.events(notes, 1);
    assertEquals(
        List.of("waiting|" + id + "|far@out.example||not tried yet: waiting for a route"), events);
    String env = Files.readString(notes.resolve("events.env"));
    assertTrue(env.contains("MASQ_EVENT=waiting\n") && env.contains("MASQ_ID=" + id), env);
    assertTrue(box.envelope(id).contains("notified\t<far@out.example>\t"), box.envelope(id));
    assertEquals(List.of(id), box.queuedIds(), "no delay warning for mail never tried");
    Sandbox.Run st = saw(box.run("", "masq-queue", "status"));
    assertEquals(0, st.exit(), st.out());
    assertTrue(st.out().startsWith("MASQ OK - 1 queued, 1 waiting for a route "), st.out());

    Path sink = peers.smtpSink("127.0.0.1", port);
    Sandbox.Run d = saw(box.run("", "masq-deliver", "-v", "--route", "isp").expect(0));
    String err = d.stderr();
    int online = err.indexOf("online: connection isp named by --route");
    int sent = err.indexOf("route=isp link=isp: 1 sent");
    assertTrue(online >= 0 && sent > online, "the online line comes first: " + err);
    assertEquals(List.of(), box.queuedIds());
    assertTrue(Files.list(sink).count() > 0);

    saw(box.run("Subject: b\n\nb\n", "masq-inject", "-odq", "far@out.example").expect(0));
    String second = box.queuedIds().get(0);
    Sandbox.Run b = saw(box.run("", "masq-queue", "bounce", second).expect(0));
    List<String> after = NotifyRecorder.events(notes, 2);
    assertEquals(2, after.size(), after.toString() + b.out());
    assertTrue(
        after.get(1).startsWith("bounce|" + second + "|far@out.example||given up by "),
        after.toString());
    noJava(box);
  }
}
