package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A day offline, end to end and all on 127.0.0.1: a LAN client (Python's smtplib) sends through
 * masq-smtpd in inetd mode (socat); local mail lands in a Maildir at once; remote mail waits while
 * nothing is online; {@code sendmail -qo isp1} sends it rewritten to provider 1 (the aiosmtpd
 * recorder: 250 for ok@, 451 for temp@, 550 for bad@); the deferred one goes out later rewritten
 * over {@code isp2} (smtp-sink); the refused one comes back as a DSN in the sender's Maildir; at
 * the end mailq is empty and the spool checks clean.
 */
class OfflineDayTest {
  @TempDir Path tmp;
  private final List<Process> peers = new ArrayList<>();

  private static final String ANN = "ann@laptop.home.lan";

  /** smtplib on the LAN: argv = port, then (to, subject) pairs, one message each, one session. */
  private static final String CLIENT =
      """
      import smtplib, sys
      port, pairs = int(sys.argv[1]), sys.argv[2:]
      with smtplib.SMTP('127.0.0.1', port, local_hostname='laptop.home.lan', timeout=30) as s:
          for to, subject in zip(pairs[0::2], pairs[1::2]):
              msg = ('From: Ann <%s>\\r\\nTo: %s\\r\\nSubject: %s\\r\\n\\r\\nsent from the laptop: %s\\r\\n'
                     % ('ann@laptop.home.lan', to, subject, subject))
              refused = s.sendmail('ann@laptop.home.lan', [to], msg)
              assert not refused, refused
      print('sent', len(pairs) // 2)
      """;

  /** The JSON of each message the aiosmtpd recorder took, as (mail_from, rcpt_tos, data). */
  private static final String RECORDS =
      """
      import glob, json, sys
      for f in sorted(glob.glob(sys.argv[1] + '/msg-*.json')):
          d = json.load(open(f))
          print('MAIL ' + d['mail_from']); print('RCPT ' + ','.join(d['rcpt_tos']))
          print(d['data'].replace('\\r\\n', '\\n')); print('=====')
      """;

  @AfterEach
  void stopPeers() throws InterruptedException {
    for (Process p : peers) {
      p.destroy();
    }
    for (Process p : peers) {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void theWholeOfflineDay() throws Exception {
    Files.setPosixFilePermissions(
        tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // smtp-sink runs as nobody
    int isp1Port = SmtpPeer.freePort();
    int isp2Port = SmtpPeer.freePort();
    Path isp1 = route("isp1", isp1Port, "ann.smith@isp1.example", "Ann Smith");
    Path isp2 = route("isp2", isp2Port, "asmith@isp2.example", "Ann S.");
    Sandbox box =
        new Sandbox(
            tmp.resolve("laptop"),
            "local_hosts = \"localhost;test.example;laptop.home.lan\"\n"
                + "mbox_default = maildir\n"
                + "query_routes.isp1 = \""
                + isp1
                + "\"\n"
                + "query_routes.isp2 = \""
                + isp2
                + "\"\n");
    Path bobBox = box.mailDir.resolve("bob");
    Path annBox = box.mailDir.resolve("ann");

    // Morning, offline: the laptop's mail client sends through masq-smtpd (inetd mode).
    int smtpPort = SmtpPeer.freePort();
    Process inetd = inetd(box, smtpPort);
    Sandbox.Run sent =
        Sandbox.exec(
                List.of(
                    "/usr/bin/python3",
                    "-c",
                    CLIENT,
                    Integer.toString(smtpPort),
                    "bob@test.example",
                    "lunch?",
                    "ok@far.example",
                    "for ok",
                    "temp@far.example",
                    "for temp",
                    "bad@far.example",
                    "for bad"),
                null,
                Map.of())
            .expect(0);
    assertEquals("sent 4\n", sent.out());

    // Local mail is in bob's Maildir at once; the three remote messages wait.
    assertEquals(List.of("lunch?"), waitFor(() -> subjects(bobBox), 1));
    List<String> ids = waitForQueue(box, 3);
    stop(inetd);
    for (String id : ids) {
      assertTrue(box.envelope(id).contains("client\t127.0.0.1\n"), box.envelope(id));
      assertTrue(box.envelope(id).contains("<" + ANN + ">"), box.envelope(id));
    }
    String mailq = box.run("", "masq-queue", "list").expect(0).out();
    for (String rcpt : List.of("ok@far.example", "temp@far.example", "bad@far.example")) {
      assertTrue(mailq.contains("== " + rcpt), rcpt + " waits: " + mailq);
    }
    assertFalse(mailq.contains("bob@test.example"), mailq);

    // A queue run with nothing online sends nothing and keeps everything.
    Sandbox.Run offline = queueRun(box, "-v");
    assertTrue(offline.stderr().contains("nothing online"), offline.stderr());
    assertEquals(ids, box.queuedIds());
    assertFalse(box.log().contains(" route="), box.log());
    assertEquals(List.of(), maildirTexts(annBox), "waiting bounces nothing");
    String tempId = idFor(box, "temp@far.example");
    String storedTemp = box.message(tempId);
    assertTrue(storedTemp.contains("\nFrom: Ann <ann@laptop.home.lan>\n"), storedTemp);

    // Noon: the link to provider 1 comes up, the ip-up script runs sendmail -qo isp1.
    Path isp1Record = aiosmtpd(isp1Port);
    sendmail(box, "-qo", "isp1");
    List<String> got1 = records(isp1Record);
    assertEquals(1, got1.size(), "provider 1 took only ok@: " + got1);
    String toOk = got1.get(0);
    assertTrue(toOk.startsWith("MAIL ann.smith@isp1.example\nRCPT ok@far.example\n"), toOk);
    // only the address changes: the display name Ann's client wrote stays (README, masq.route(5))
    assertTrue(toOk.contains("\nFrom: Ann <ann.smith@isp1.example>\n"), toOk);
    assertTrue(
        toOk.contains("\nTo: ok@far.example\n") && toOk.contains("\nSubject: for ok\n"), toOk);
    assertTrue(toOk.contains("sent from the laptop: for ok\n"), toOk);
    assertFalse(toOk.contains("laptop.home.lan>"), "no LAN-only address in the From: " + toOk);
    String log = box.log();
    assertTrue(log.contains(" => ok@far.example route=isp1"), log);
    assertTrue(
        log.contains(
            " == temp@far.example route=isp1 link=isp1 host=[127.0.0.1]:"
                + isp1Port
                + " tls=none 451 4.2.1"),
        log);
    assertTrue(
        log.contains(
            " ** bad@far.example route=isp1 link=isp1 host=[127.0.0.1]:"
                + isp1Port
                + " tls=none 550 5.1.1"),
        log);

    // The permanently refused one is back as a DSN in Ann's local Maildir.
    assertEquals(List.of(tempId), box.queuedIds(), "only temp@ waits");
    assertEquals(
        storedTemp,
        box.message(tempId),
        "each route rewrites its own copy; the spool keeps the original");
    List<String> bounces = maildirTexts(annBox);
    assertEquals(1, bounces.size(), bounces.toString());
    String dsn = bounces.get(0);
    assertTrue(dsn.contains("Final-Recipient: rfc822; bad@far.example"), dsn);
    assertTrue(dsn.contains("Action: failed") && dsn.contains("Status: 5.1.1"), dsn);
    assertTrue(dsn.contains("550 5.1.1 no such user here"), dsn);
    assertTrue(
        dsn.contains("multipart/report") && dsn.contains("report-type=delivery-status"), dsn);
    assertTrue(
        dsn.contains("Subject: for bad"),
        "the bounce carries the refused message's header: " + dsn);
    assertFalse(dsn.contains("temp@far.example") || dsn.contains("ok@far.example"), dsn);
    mailq = sendmail(box, "-bp").out();
    assertTrue(
        mailq.contains("== temp@far.example (waiting for a route, 1 try: 451 4.2.1 mailbox busy"),
        mailq);

    // Evening, over the other provider: the deferred message goes out, rewritten for isp2.
    Path sink = smtpSink(isp2Port);
    sendmail(box, "-qo", "isp2");
    List<String> got2 = waitDumps(sink, 1);
    assertEquals(1, got2.size(), got2.toString());
    String toTemp = got2.get(0).replace("\r\n", "\n");
    assertTrue(toTemp.contains("X-Mail-Args: <asmith@isp2.example>"), toTemp);
    assertTrue(toTemp.contains("X-Rcpt-Args: <temp@far.example>\n"), toTemp);
    assertTrue(toTemp.contains("\nFrom: Ann <asmith@isp2.example>\n"), toTemp);
    assertTrue(toTemp.contains("\nSubject: for temp\n"), toTemp);
    assertTrue(
        box.log()
            .contains(
                " => temp@far.example route=isp2 link=isp2 host=[127.0.0.1]:"
                    + isp2Port
                    + " tls=none 250"),
        box.log());
    assertEquals(1, records(isp1Record).size(), "nothing more reached provider 1");

    // Night: the queue is empty and the spool is clean; the local mailboxes are as they were.
    assertEquals("mail queue is empty.\n", sendmail(box, "-bp").out());
    assertEquals(List.of(), box.queuedIds());
    String check = box.run("", "masq-queue", "check").expect(0).out();
    assertTrue(check.contains("0 problem(s)"), check);
    assertEquals(List.of("lunch?"), Mailboxes.subjects("maildir", bobBox));
    assertEquals(1, maildirTexts(annBox).size());
  }

  /** A provider's route file: its server, and Ann's address rewritten to the one it accepts. */
  private Path route(String name, int port, String address, String display) throws IOException {
    Path f = tmp.resolve(name + ".route");
    Files.writeString(
        f,
        "mail_host = 127.0.0.1:"
            + port
            + "\n"
            + "map_return_path_addresses = \"ann: "
            + address
            + "\"\n"
            + "map_h_from_addresses = \"ann: "
            + display
            + " <"
            + address
            + ">\"\n"
            + "denied_recipients = \"*@*.home.lan\"\n");
    return f;
  }

  /** socat as inetd: one masq-smtpd per connection, on the inherited socket. */
  private Process inetd(Sandbox box, int port) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                "socat",
                "TCP-LISTEN:" + port + ",bind=127.0.0.1,fork,reuseaddr",
                "EXEC:" + Sandbox.bin("masq-smtpd") + " -C " + box.conf + ",nofork")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("socat.out").toFile());
    pb.environment().remove("MASQ_CONF");
    Process p = pb.start();
    peers.add(p);
    Await.port("127.0.0.1", port, p);
    return p;
  }

  /**
   * The aiosmtpd recorder (tests/.../remote/smtpd.py) on 127.0.0.1:port; returns its record dir.
   */
  private Path aiosmtpd(int port) throws IOException {
    Path record = Files.createDirectories(tmp.resolve("isp1-record"));
    Path script = tmp.resolve("smtpd.py");
    try (var in = OfflineDayTest.class.getResourceAsStream("/masq/tests/remote/smtpd.py")) {
      Files.copy(in, script);
    }
    Process p =
        new ProcessBuilder(
                "/usr/bin/python3", script.toString(), Integer.toString(port), record.toString())
            .redirectError(tmp.resolve("aiosmtpd.err").toFile())
            .start();
    peers.add(p);
    String ready =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    assertEquals("READY", ready, () -> "aiosmtpd: " + read(tmp.resolve("aiosmtpd.err")));
    return record;
  }

  /** Postfix's smtp-sink on 127.0.0.1:port, dumping each transaction into the returned dir. */
  private Path smtpSink(int port) throws IOException, InterruptedException {
    Path dump = Files.createDirectories(tmp.resolve("isp2-dump"));
    Files.setPosixFilePermissions(dump, PosixFilePermissions.fromString("rwxrwxrwx"));
    Process p =
        new ProcessBuilder(
                "/usr/sbin/smtp-sink", "-u", "nobody", "-d", dump + "/", "127.0.0.1:" + port, "64")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("smtp-sink.out").toFile())
            .start();
    peers.add(p);
    Await.port("127.0.0.1", port, p);
    return dump;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  /** The queued message addressed to {@code rcpt}. */
  private static String idFor(Sandbox box, String rcpt) throws IOException {
    for (String id : box.queuedIds()) {
      if (box.envelope(id).contains("<" + rcpt + ">")) {
        return id;
      }
    }
    throw new AssertionError("no queued message for " + rcpt);
  }

  /** A plain queue run, as cron would start it; expects exit 0. */
  private static Sandbox.Run queueRun(Sandbox box, String... args) throws Exception {
    return box.run("", "masq-deliver", args).expect(0);
  }

  /** bin/sendmail with masqmail's options (-qo NAME, -bp ...); expects exit 0. */
  private static Sandbox.Run sendmail(Sandbox box, String... args) throws Exception {
    return box.run("", "sendmail", args).expect(0);
  }

  /** Each message the aiosmtpd recorder accepted, as "MAIL from\nRCPT to,...\nDATA". */
  private static List<String> records(Path record) throws Exception {
    String out =
        Sandbox.exec(List.of("/usr/bin/python3", "-c", RECORDS, record.toString()), null, Map.of())
            .expect(0)
            .out();
    List<String> list = new ArrayList<>();
    for (String m : out.split("=====\n")) {
      if (!m.isBlank()) {
        list.add(m);
      }
    }
    return list;
  }

  /**
   * Subjects in a Maildir as Python's mailbox module reads them; none while it does not exist yet.
   */
  private static List<String> subjects(Path maildir) throws Exception {
    return Files.isDirectory(maildir.resolve("new"))
        ? Mailboxes.subjects("maildir", maildir)
        : List.of();
  }

  /** The full text of every message in a Maildir's new/ and cur/. */
  private static List<String> maildirTexts(Path maildir) throws IOException {
    List<String> texts = new ArrayList<>();
    for (String sub : List.of("new", "cur")) {
      Path d = maildir.resolve(sub);
      if (Files.isDirectory(d)) {
        try (var s = Files.list(d)) {
          for (Path f : s.sorted().toList()) {
            texts.add(Files.readString(f, StandardCharsets.ISO_8859_1));
          }
        }
      }
    }
    return texts;
  }

  private static List<String> waitDumps(Path dump, int n) throws Exception {
    return waitFor(
        () -> {
          List<String> out = new ArrayList<>();
          try (var s = Files.list(dump)) {
            for (Path p : s.sorted().toList()) {
              out.add(Files.readString(p, StandardCharsets.ISO_8859_1));
            }
          }
          return out;
        },
        n);
  }

  /** The queue once it holds {@code n} messages and no immediate delivery still works on them. */
  private static List<String> waitForQueue(Sandbox box, int n) throws Exception {
    List<String> ids = waitFor(box::queuedIds, n);
    assertEquals(n, ids.size(), ids.toString());
    // the immediate deliveries started by masq-smtpd record "waiting for a route" and let go
    Await.until(
        "the immediate deliveries' \"waiting for a route\"",
        () -> {
          for (String id : ids) {
            if (!box.envelope(id).contains("waiting for a route")) {
              return false;
            }
          }
          return true;
        });
    return ids;
  }

  /** What {@code poll} returns once it has at least {@code n} items. */
  private static List<String> waitFor(Await.Probe<List<String>> poll, int n) throws Exception {
    return Await.until(n + " items", poll, got -> got.size() >= n);
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
