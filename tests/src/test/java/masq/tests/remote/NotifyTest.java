package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * notify_command with a recording script as the notifier: each event (bounce, deferred,
 * auth-failure, tls-failure, spool-problem) fires once with MASQ_EVENT, MASQ_ID, MASQ_RECIPIENT,
 * MASQ_ROUTE and MASQ_REASON, and an environment with nothing else but the documented few (no
 * secret of a route); a notifier that hangs is killed at notify_timeout and does not hold the run
 * longer.
 */
class NotifyTest extends WithPeers {
  /** The variables a notifier may see besides MASQ_* (masq.notify.Notifier.PASSED). */
  private static final Set<String> PASSED =
      Set.of(
          "PATH",
          "HOME",
          "USER",
          "LOGNAME",
          "LANG",
          "LC_ALL",
          "TZ",
          "DISPLAY",
          "WAYLAND_DISPLAY",
          "XDG_RUNTIME_DIR",
          "DBUS_SESSION_BUS_ADDRESS",
          "PWD", // the shell's own
          "SHLVL",
          "_");

  private static void assertOnlyDocumentedVariables(Path dir, String secret) throws Exception {
    String env = Files.readString(dir.resolve("events.env"));
    for (String line : env.lines().toList()) {
      String name = line.contains("=") ? line.substring(0, line.indexOf('=')) : line;
      assertTrue(
          name.startsWith("MASQ_") || PASSED.contains(name) || !name.matches("[A-Za-z_0-9]+"),
          "unexpected variable " + line);
    }
    if (secret != null) {
      assertFalse(env.contains(secret), "the route's secret reached the notifier");
    }
  }

  /**
   * A sandbox with the recorder in {@code notes} as notify_command, plus {@code extra}, and as
   * permanent routes the files NAME.route written from the (NAME, TEXT) pairs of {@code routes}.
   */
  private Sandbox box(Path notes, String extra, String... routes) throws Exception {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i + 1 < routes.length; i += 2) {
      Path r = tmp.resolve(routes[i] + ".route");
      Files.writeString(r, routes[i + 1]);
      list.append(list.isEmpty() ? "" : ";").append(r);
    }
    return new Sandbox(
        tmp.resolve("sb"),
        "do_queue = true\n"
            + (list.isEmpty() ? "" : "permanent_routes = \"" + list + "\"\n")
            + "notify_command = \""
            + NotifyRecorder.recorder(notes)
            + "\"\n"
            + extra);
  }

  @Test
  void aBounceAndALongDeferralEachNotifyOnceWithTheirVariables() throws Exception {
    int port = Peers.freePort();
    peers.aiosmtpd(port); // 550 for bad@, 451 for temp@
    Path notes = Files.createDirectories(tmp.resolve("notes"));
    Sandbox box =
        box(
            notes,
            "mbox_default = mbox\nnotify_after = 6s\n",
            "isp",
            "mail_host = \"127.0.0.1:" + port + "\"\n");
    box.run("Subject: one\n\nto a user who is not there\n", "masq-inject", "bad@far.example")
        .expect(0);
    String bad = box.queuedIds().get(0);
    // with a local recipient as well: the local pass, before the remote one, must not tell
    box.run("Subject: two\n\nto a busy mailbox\n", "masq-inject", "temp@far.example", "ann")
        .expect(0);
    String temp = box.queuedIds().stream().filter(i -> !i.equals(bad)).findFirst().orElseThrow();

    box.run("", "masq-deliver").expect(0);
    assertEquals(
        List.of("bounce|" + bad + "|bad@far.example|isp|550 5.1.1 no such user here"),
        NotifyRecorder.events(notes, 1));
    // deferred, but not yet for longer than notify_after: nothing about it
    assertEquals(List.of(temp), box.queuedIds());
    box.backdate(temp, 6050);
    box.run("", "masq-deliver").expect(0);
    List<String> ev = NotifyRecorder.events(notes, 2);
    assertEquals(2, ev.size(), ev.toString());
    assertEquals(
        "deferred|" + temp + "|temp@far.example|isp|451 4.2.1 mailbox busy, try later", ev.get(1));
    assertTrue(box.envelope(temp).contains("notified\t<temp@far.example>\t"), box.envelope(temp));
    // within notify_after of the last notification: no second one
    box.run("", "masq-deliver").expect(0);
    String line =
        box.envelope(temp)
            .lines()
            .filter(l -> l.startsWith("notified\t"))
            .findFirst()
            .orElseThrow();
    long told = Long.parseLong(line.substring(line.lastIndexOf('\t') + 1));
    if (System.currentTimeMillis() - told < 6000) {
      assertEquals(2, NotifyRecorder.events(notes).size(), "notified again within notify_after");
    }
    assertOnlyDocumentedVariables(notes, null);
  }

  @Test
  void anAuthAndATlsFailureNotifyOncePerRouteWithoutTheSecret() throws Exception {
    int authPort = Peers.freePort();
    peers.aiosmtpd(authPort, "--auth", "ann:the-right-one");
    int plainPort = Peers.freePort();
    peers.aiosmtpd(plainPort); // offers no STARTTLS
    Path notes = Files.createDirectories(tmp.resolve("notes"));
    Sandbox box =
        box(
            notes,
            "",
            "auth",
            "mail_host = \"127.0.0.1:"
                + authPort
                + "\"\nauth_name = plain\nauth_login = ann\nauth_secret = \"wrong-secret-4711\"\n"
                + "auth_allow_plaintext = true\n",
            "tls",
            "mail_host = \"127.0.0.1:" + plainPort + "\"\ntls = starttls\n");
    box.run("Subject: a\n\none\n", "masq-inject", "x@far.example").expect(0);
    box.run("Subject: b\n\ntwo\n", "masq-inject", "y@far.example", "z@far.example").expect(0);
    box.run("", "masq-deliver").expect(0);
    List<String> ev = NotifyRecorder.events(notes, 2);
    assertEquals(2, ev.size(), ev.toString());
    String a = ev.stream().filter(l -> l.startsWith("auth-failure|")).findFirst().orElseThrow();
    String t = ev.stream().filter(l -> l.startsWith("tls-failure|")).findFirst().orElseThrow();
    String[] af = a.split("\\|", -1);
    assertTrue(box.queuedIds().contains(af[1]), a);
    assertTrue(af[2].endsWith("@far.example"), a);
    assertEquals("auth", af[3]);
    assertTrue(af[4].startsWith("AUTH PLAIN as ann refused by "), a);
    String[] tf = t.split("\\|", -1);
    assertEquals("tls", tf[3]);
    assertTrue(tf[4].contains("does not offer STARTTLS"), t);
    assertEquals(2, box.queuedIds().size());
    // masq-deliver has ended, and with it every notifier it started
    assertEquals(2, NotifyRecorder.events(notes).size(), "one event per route and kind in a run");
    assertOnlyDocumentedVariables(notes, "wrong-secret-4711");
  }

  @Test
  void aSpoolProblemFoundByCheckNotifies() throws Exception {
    Path notes = Files.createDirectories(tmp.resolve("notes"));
    Sandbox box = box(notes, "");
    box.run("Subject: fine\n\nfine\n", "masq-inject", "x@far.example").expect(0);
    box.run("", "masq-queue", "check").expect(0);
    Files.writeString(box.spool.resolve("queue/Vxxxxxx-0000-00.msg"), "junk\n");
    box.run("", "masq-queue", "check").expect(65);
    List<String> ev = NotifyRecorder.events(notes, 1);
    assertEquals(1, ev.size(), ev.toString());
    assertTrue(
        ev.get(0).startsWith("spool-problem||||unreadable message Vxxxxxx-0000-00"), ev.get(0));
  }

  @Test
  void aHangingNotifierIsKilledAtItsTimeoutAndHoldsTheRunNoLonger() throws Exception {
    int port = Peers.freePort();
    peers.aiosmtpd(port);
    Path isp = tmp.resolve("isp.route");
    Files.writeString(isp, "mail_host = \"127.0.0.1:" + port + "\"\n");
    Path hang = tmp.resolve("hang");
    // the sleep is a child of the notifier: it must go too
    Files.writeString(hang, "#!/bin/sh\nsleep 4321 &\nwait\n");
    Files.setPosixFilePermissions(hang, PosixFilePermissions.fromString("rwxr-xr-x"));
    Sandbox box =
        new Sandbox(
            tmp.resolve("sb"),
            "do_queue = true\nmbox_default = mbox\npermanent_routes = \""
                + isp
                + "\"\nnotify_command = \""
                + hang
                + "\"\nnotify_timeout = 2s\n");
    box.run("Subject: one\n\nbounces\n", "masq-inject", "bad@far.example").expect(0);
    long start = System.nanoTime();
    box.run("", "masq-deliver").expect(0);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= 2000, "the run waits for its notifier up to notify_timeout: " + ms + " ms");
    assertTrue(ms < 20_000, "the run took " + ms + " ms with notify_timeout = 2s"); // not 4321 s
    assertTrue(box.log().contains("notify_command for bounce "), box.log());
    assertTrue(box.log().contains(" killed after 2s"), box.log());
    assertTrue(
        ProcessHandle.allProcesses()
            .noneMatch(p -> p.info().commandLine().orElse("").contains("sleep 4321")),
        "the notifier's child was killed with it");
  }
}
