package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import masq.tests.Await;
import masq.tests.Sandbox;
import masq.tests.WithThrowawayUsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/masq-link-up as the dispatchers run it, as root, on a single-user laptop whose user is a
 * real throw-away account ({@link #A}) owning a 0700 spool: by default the hook runs masq-deliver
 * as the spool's owner (with the owner's HOME), under NetworkManager's arguments and environment
 * and under networkd-dispatcher's, and the queued mail reaches a real smtp-sink (before the first
 * mail, when there is no spool yet, nothing runs and the journal says so). A {@code user} line
 * wins; its failures are told: an unknown user is one line on standard error and in the journal
 * (logger, to a real syslog socket) and exit 67; a run that fails (the named user cannot open the
 * spool) leaves its error and exit code in the journal and the mail queued. In system mode the
 * spool's owner is mail, and the run is mail's.
 */
class LinkHookUserTest extends WithThrowawayUsers {
  @TempDir Path tmp;
  private Peers peers;

  @BeforeEach
  void startPeers() throws Exception {
    peers = new Peers(tmp);
  }

  @AfterEach
  void stopPeers() {
    peers.close();
  }

  /** A host with masq.conf (route isp1), the hooks, and the journal they log to. */
  private record Host(Sandbox box, LinkHooks hooks, Path journal) {
    /** masq-inject as A (A's mail client): the message waits for the next link. */
    void inject(String subject) throws Exception {
      Sandbox.exec(
              List.of(
                  "setpriv",
                  "--reuid=" + A,
                  "--regid=" + A,
                  "--init-groups",
                  "--",
                  bin("masq-inject").toString(),
                  "-C",
                  box.conf.toString(),
                  "far@remote.example"),
              ("Subject: " + subject + "\n\nfrom the laptop\n").getBytes(StandardCharsets.UTF_8),
              Map.of())
          .expect(0);
    }

    String journalText() throws Exception {
      return Files.readString(journal);
    }
  }

  /** A's laptop: single-user mode, A's 0700 spool and A's log. */
  private Host laptop(TestInfo info, int port, String connectionRoutes) throws Exception {
    Host l = host(info, port, connectionRoutes, "");
    Files.createDirectories(l.box.spool);
    Files.setPosixFilePermissions(l.box.spool, PosixFilePermissions.fromString("rwx------"));
    Files.createDirectories(l.box.logDir);
    for (Path p : List.of(l.box.spool, l.box.logDir, l.box.mailDir)) {
      Sandbox.exec(List.of("chown", A + ":" + A, p.toString()), null, Map.of()).expect(0);
    }
    return l;
  }

  /** A host whose masq.conf has route isp1 to {@code port} and {@code extraConf}. */
  private Host host(TestInfo info, int port, String connectionRoutes, String extraConf)
      throws Exception {
    Path dir = Files.createDirectory(base.resolve(info.getTestMethod().orElseThrow().getName()));
    Path route = dir.resolve("isp1.route");
    Files.writeString(route, "mail_host = \"127.0.0.1:" + port + "\"\n");
    Sandbox box =
        new Sandbox(
            dir.resolve("masq"),
            "do_queue = true\nquery_routes.isp1 = \"" + route + "\"\n" + extraConf);
    LinkHooks hooks =
        new LinkHooks(dir.resolve("hooks"), box, connectionRoutes, bin("masq-deliver"));
    return new Host(box, hooks, hooks.journal(peers));
  }

  private static void noJavaText(String... seen) {
    for (String s : seen) {
      assertFalse(Pattern.compile("java\\.|sun\\.|Exception").matcher(s).find(), s);
    }
  }

  @Test
  void eachDispatcherSendsTheMailAsTheSpoolsOwner(TestInfo info) throws Exception {
    int port = Peers.freePort();
    Path sink = peers.smtpSink("127.0.0.1", port);
    // no user line: the spool's owner; the last line without its newline
    Host l = laptop(info, port, "# A's laptop\nHomeWifi isp1\nwlan1 isp1");
    String home = base.resolve("home-" + A).toString();

    // before A's first mail there is no spool: nothing to send, and the journal says why
    Path away = l.box.spool.resolveSibling("spool.away");
    Files.move(l.box.spool, away);
    Sandbox.Run none = l.hooks.networkManagerRun("wlan0", "up", "HomeWifi", "u-home");
    assertEquals(0, none.exit(), none.stderr());
    String noSpool =
        "masq-link-up: link HomeWifi up: no spool "
            + l.box.spool
            + " yet (spool_dir of "
            + l.box.conf
            + "): no mail to send";
    Await.until("the line in the journal", () -> read(l.journal).contains(noSpool));
    assertEquals(List.of(), l.hooks.runs());
    Files.move(away, l.box.spool);

    l.inject("over NetworkManager");
    assertEquals(1, l.box.queuedIds().size());
    Sandbox.Run nm = l.hooks.networkManagerRun("wlan0", "up", "HomeWifi", "u-home");
    assertEquals(0, nm.exit(), nm.stderr());
    assertEquals("", nm.stderr());
    Peers.awaitDump(sink, "Subject: over NetworkManager");
    assertEquals(List.of("masq-deliver -C " + l.box.conf + " --route isp1"), l.hooks.awaitRuns(1));
    assertEquals(List.of("as " + A + " HOME=" + home), l.hooks.identities());
    Await.until("the queue empty", () -> queued(l.box) == 0);

    l.inject("over networkd");
    Sandbox.Run nd = l.hooks.networkdRun("wlan1", "routable", null);
    assertEquals(0, nd.exit(), nd.stderr());
    Peers.awaitDump(sink, "Subject: over networkd");
    l.hooks.awaitRuns(2);
    assertEquals(List.of("as " + A + " HOME=" + home), l.hooks.identities().subList(1, 2));
    Await.until("the queue empty", () -> queued(l.box) == 0);

    // the spool and the log stayed A's: nothing in them was made by root
    assertEquals(
        "",
        Sandbox.exec(
                List.of("find", l.box.spool.toString(), l.box.logDir.toString(), "!", "-user", A),
                null,
                Map.of())
            .expect(0)
            .out());
    String journal = l.journalText();
    assertTrue(
        journal.contains(
            "masq-link-up: link HomeWifi up: "
                + l.hooks.dir.resolve("stubs/masq-deliver")
                + " -C "
                + l.box.conf
                + " --route isp1 (as "
                + A
                + ")"),
        journal);
    assertTrue(journal.contains("masq-link-up: link wlan1 up: "), journal);
    assertFalse(journal.contains("exited with"), journal);
  }

  @Test
  void inSystemModeTheRunIsMailsWhoseSpoolItIs(TestInfo info) throws Exception {
    int port = Peers.freePort();
    Path sink = peers.smtpSink("127.0.0.1", port);
    Host sys = host(info, port, "eth0 isp1\n", "run_as_user = false\n");
    Sandbox.exec(
            List.of(
                "sh",
                Sandbox.HOME.resolve("examples/install-system.sh").toString(),
                sys.box.spool.toString(),
                sys.box.logDir.toString()),
            null,
            Map.of())
        .expect(0);
    sys.inject("through the maildrop"); // A's message waits in maildrop/ for mail's pickup
    Sandbox.Run nd = sys.hooks.networkdRun("eth0", "routable", null);
    assertEquals(0, nd.exit(), nd.stderr());
    Peers.awaitDump(sink, "Subject: through the maildrop");
    sys.hooks.awaitRuns(1);
    assertEquals(List.of("as mail HOME=" + home("mail")), sys.hooks.identities());
    assertTrue(sys.journalText().contains("--route isp1 (as mail)"), sys.journalText());
  }

  private static String home(String user) throws Exception {
    String entry =
        Sandbox.exec(List.of("getent", "passwd", user), null, Map.of()).expect(0).out().strip();
    return entry.split(":")[5];
  }

  @Test
  void aUserLineWinsAndWhatFailsIsToldOnStderrAndInTheJournal(TestInfo info) throws Exception {
    int port = Peers.freePort();
    Path sink = peers.smtpSink("127.0.0.1", port);
    Host l = laptop(info, port, "HomeWifi isp1\nuser nosuch-masq-user\n");
    l.inject("stays");

    // an unknown user: one line, exit 67 (EX_NOUSER), nothing started
    Sandbox.Run unknown = l.hooks.networkManagerRun("wlan0", "up", "HomeWifi", "u-home");
    String line = "user nosuch-masq-user (named in " + l.hooks.routesFile + "): no such user";
    assertEquals(67, unknown.exit(), unknown.stderr());
    assertEquals("masq-link-up: " + line + "\n", unknown.stderr());
    Await.until("the line in the journal", () -> read(l.journal).contains(line));
    assertEquals(List.of(), l.hooks.runs());

    // B, who cannot open A's 0700 spool: the run fails, and says so in the journal
    Files.writeString(l.hooks.routesFile, "HomeWifi isp1\nuser " + B + "\n");
    Sandbox.Run asB = l.hooks.networkdRun("wlan0", "routable", "HomeWifi");
    assertEquals(0, asB.exit(), asB.stderr());
    Await.until(
        "the failed run in the journal",
        () -> read(l.journal).contains("masq-link-up: link HomeWifi: masq-deliver exited with "));
    String journal = l.journalText();
    assertTrue(
        Pattern.compile("masq-link-up: masq-deliver: [^<]*" + Pattern.quote(l.box.spool.toString()))
            .matcher(journal)
            .find(),
        journal);
    assertTrue(Pattern.compile("masq-deliver exited with [1-9][0-9]*").matcher(journal).find());
    assertEquals(List.of("as " + B + " HOME=" + base.resolve("home-" + B)), l.hooks.identities());
    assertEquals(1, queued(l.box), "the mail stays queued");
    assertEquals(0, Peers.count(sink));

    // no masq.conf and no user line: whose mail is it? one line, exit 78
    Files.writeString(l.hooks.routesFile, "HomeWifi isp1\n");
    Files.move(l.box.conf, l.box.conf.resolveSibling("masq.conf.away"));
    Sandbox.Run noConf = l.hooks.networkManagerRun("wlan0", "up", "HomeWifi", "u-home");
    assertEquals(78, noConf.exit(), noConf.stderr());
    assertEquals(
        "masq-link-up: no "
            + l.box.conf
            + " and no 'user LOGIN' line in "
            + l.hooks.routesFile
            + ": whose mail is to go?\n",
        noConf.stderr());
    noJavaText(unknown.stderr(), asB.stderr(), noConf.stderr(), l.journalText());
  }

  private static int queued(Sandbox box) {
    try {
      return box.queuedIds().size();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
