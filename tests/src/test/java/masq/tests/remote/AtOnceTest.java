package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import masq.tests.Await;
import masq.tests.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery at once (masq-inject(1)): a message injected without -odq goes out over the permanent
 * routes and the connection online_file names, with no queue run — to smtp-sink, to a second masq
 * (masq-smtpd --listen with its own spool), over wrapper and pipe routes — as do the remote targets
 * of an alias and a bounce the local pass queued. By default the remote part is sent by a detached
 * masq-deliver (masq-inject's exit does not wait on the network); -odi sends it before exiting;
 * -odq sends nothing. Arrival is polled for with a deadline.
 */
class AtOnceTest extends WithPeers {
  static final String MESSAGE = "From: joe\nTo: Anna <anna@far.example>\nSubject: at once\n\nhi\n";

  Process second;

  @AfterEach
  void stop() throws Exception {
    if (second != null) {
      second.destroy();
      if (!second.waitFor(30, TimeUnit.SECONDS)) {
        second.destroyForcibly();
      }
    }
  }

  Path route(String name, String text) throws Exception {
    Path f = tmp.resolve(name + ".route");
    Files.writeString(f, text);
    return f;
  }

  /** A sandbox in tmp/NAME whose permanent routes are {@code routes}, plus {@code extra}. */
  Sandbox box(String name, String extra, Path... routes) throws Exception {
    StringBuilder conf = new StringBuilder();
    if (routes.length > 0) {
      conf.append("permanent_routes = \"");
      for (int i = 0; i < routes.length; i++) {
        conf.append(i == 0 ? "" : ";").append(routes[i]);
      }
      conf.append("\"\n");
    }
    return new Sandbox(tmp.resolve(name), conf + extra);
  }

  /** The log line of {@code id} that contains {@code what}, or "". */
  static String line(Sandbox box, String id, String what) throws Exception {
    return box.log().lines().filter(l -> l.contains(id) && l.contains(what)).findFirst().orElse("");
  }

  /** The pid a log line was written by ("[1234]"). */
  static String pid(String logLine) {
    Matcher m = Pattern.compile("\\[(\\d+)\\]").matcher(logLine);
    return m.find() ? m.group(1) : "?";
  }

  static String newest(Sandbox box) throws Exception {
    String log = box.log();
    Matcher m = Pattern.compile("(?m)\\] (\\S+) <= ").matcher(log);
    String id = null;
    while (m.find()) {
      id = m.group(1);
    }
    return id;
  }

  @Test
  void aPermanentRouteToSmtpSinkGetsTheMessageWithoutAQueueRunAndSendmailToo() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Sandbox box = box("sink", "", route("lan", "mail_host = 127.0.0.1:" + port + "\n"));
    box.run(MESSAGE, "masq-inject", "-i", "anna@far.example").expect(0);
    String id = newest(box);
    Peers.awaitDump(dump, "X-Rcpt-Args: <anna@far.example>", "\n\nhi\n");
    settled(box, id);
    assertEquals(List.of(), box.queuedIds());
    String sent = line(box, id, " => anna@far.example route=lan ");
    assertFalse(sent.isEmpty(), box.log());
    assertFalse(
        pid(sent).equals(pid(line(box, id, " <= "))),
        "sent by a detached masq-deliver, not by masq-inject: " + box.log());

    // sendmail, as a mail client calls it (-t -oi), the same way
    box.run("From: joe\nTo: bob@far.example\nSubject: s\n\nhi\n", "sendmail", "-t", "-oi")
        .expect(0);
    Peers.awaitDump(dump, "X-Rcpt-Args: <bob@far.example>", "\n\nhi\n");
    settled(box, newest(box));
    assertEquals(2, Peers.count(dump));
  }

  static List<String> queued(Sandbox box) {
    try {
      return box.queuedIds();
    } catch (java.io.IOException e) {
      return List.of("?");
    }
  }

  @Test
  void aSecondMasqOnLoopbackReceivesAndDeliversToItsMailbox() throws Exception {
    Sandbox far = new Sandbox(tmp.resolve("far"), "local_hosts = \"localhost;far.example\"\n");
    int port = Peers.freePort();
    second = far.start(tmp.resolve("far-smtpd.out"), "masq-smtpd", "--listen", "127.0.0.1:" + port);
    Await.port("127.0.0.1", port, null);
    Sandbox box = box("near", "", route("far", "mail_host = 127.0.0.1:" + port + "\n"));
    box.run(MESSAGE, "masq-inject", "-i", "anna@far.example").expect(0);
    Path mbox = far.mailDir.resolve("anna");
    Await.until("delivery into the second masq's mailbox", () -> Files.exists(mbox));
    Await.until(
        "the whole message in the mailbox",
        () -> read(mbox).contains("Subject: at once\n") && read(mbox).contains("\n\nhi\n"));
    settled(box, newest(box));
    settled(far, newest(far));
    assertEquals(List.of(), box.queuedIds());
    assertEquals(List.of(), far.queuedIds());
  }

  static String envelopeOf(Sandbox box, String id) {
    try {
      return box.envelope(id);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** Waits until the run that took {@code id} is over with it (its last log line). */
  static void settled(Sandbox box, String id) throws InterruptedException {
    Await.until(id + " Completed", () -> logOf(box).contains(id + " Completed"));
  }

  static String logOf(Sandbox box) {
    return read(box.logDir.resolve("masq.log"));
  }

  static String read(Path f) {
    try {
      return Files.readString(f, StandardCharsets.ISO_8859_1);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Test
  void wrapperAndPipeRoutes() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Path out = Files.createDirectories(tmp.resolve("pipe-out"));
    Path script = tmp.resolve("pipe.sh");
    Files.writeString(script, "#!/bin/sh\ncat > \"$1/$2.tmp\" && mv \"$1/$2.tmp\" \"$1/$2\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path uucp =
        route(
            "uucp",
            "allowed_recipients = \"*@uucp.example\"\npipe = \""
                + script
                + " "
                + out
                + " $rcpt\"\n");
    Path tunnel = route("tunnel", "wrapper = \"/usr/bin/socat - TCP:127.0.0.1:" + port + "\"\n");
    Sandbox box = box("wp", "", uucp, tunnel);
    box.run(MESSAGE, "masq-inject", "-i", "anna@uucp.example", "bob@far.example").expect(0);
    String id = newest(box);
    Await.until("the pipe's copy", () -> Files.exists(out.resolve("anna@uucp.example")));
    assertTrue(read(out.resolve("anna@uucp.example")).endsWith("\n\nhi\n"));
    Peers.awaitDump(dump, "X-Rcpt-Args: <bob@far.example>", "\n\nhi\n");
    String got = Peers.all(dump);
    assertFalse(got.contains("anna@uucp.example>\r\nX-"), "anna went over the pipe: " + got);
    settled(box, id);
    assertEquals(List.of(), box.queuedIds());
    assertTrue(
        box.log().contains(id + " => bob@far.example route=tunnel host=wrapper '"), box.log());
  }

  @Test
  void aDeferredRecipientWaitsForTheQueueRunAndNothingIsSentTwice() throws Exception {
    int port = Peers.freePort();
    int later = Peers.freePort(); // nothing listens here yet: connection refused
    Path dump = peers.smtpSink("127.0.0.1", port);
    Path one =
        route(
            "one", "allowed_recipients = \"*@one.example\"\nmail_host = 127.0.0.1:" + port + "\n");
    Path two =
        route(
            "two", "allowed_recipients = \"*@two.example\"\nmail_host = 127.0.0.1:" + later + "\n");
    Sandbox box = box("defer", "", one, two);
    box.run(MESSAGE, "masq-inject", "-i", "a@one.example", "b@two.example").expect(0);
    String id = newest(box);
    Peers.awaitDump(dump, "X-Rcpt-Args: <a@one.example>", "\n\nhi\n");
    Await.until(
        "b@two.example deferred, a@one.example delivered, in the spool",
        () -> {
          String env = envelopeOf(box, id);
          return env.matches("(?s).*rcpt\tD\t1\t\\d+\t<a@one\\.example>.*")
              && env.matches("(?s).*rcpt\tP\t1\t\\d+\t<b@two\\.example>.*");
        });
    assertTrue(box.log().contains(id + " == b@two.example route=two"), box.log());
    assertEquals(List.of(id), box.queuedIds());

    Path dump2 = peers.smtpSink("127.0.0.1", later);
    box.run("", "masq-deliver").expect(0); // the next queue run
    assertEquals(List.of(), box.queuedIds());
    Peers.awaitDump(dump2, "X-Rcpt-Args: <b@two.example>", "\n\nhi\n");
    assertEquals(1, Peers.count(dump2));
    assertFalse(Peers.all(dump2).contains("a@one.example>"), Peers.all(dump2));
    assertEquals(1, Peers.count(dump), "a@one.example is not sent a second time");
    assertEquals(1, box.log().split(" => a@one\\.example ", -1).length - 1, box.log());
  }

  @Test
  void anAliasWithARemoteTargetAndABounceToARemoteSenderGoOutAtOnce() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Path aliases = tmp.resolve("aliases");
    Files.writeString(aliases, "team: joe, anna@far.example\nloop1: loop2\nloop2: loop1\n");
    Sandbox box =
        box(
            "alias",
            "alias_file = \"" + aliases + "\"\n",
            route("lan", "mail_host = 127.0.0.1:" + port + "\n"));
    box.run(MESSAGE, "masq-inject", "-i", "team").expect(0);
    String id = newest(box);
    assertTrue(
        read(box.mailDir.resolve("joe")).contains("Subject: at once"),
        "the local target is delivered before masq-inject exits");
    Peers.awaitDump(dump, "X-Rcpt-Args: <anna@far.example>", "\n\nhi\n");
    settled(box, id);
    assertEquals(List.of(), box.queuedIds());
    assertTrue(box.log().contains(id + " => anna@far.example route=lan "), box.log());

    // a local failure bounces to the remote sender: the bounce goes out at once too
    box.run(MESSAGE, "masq-inject", "-i", "-f", "carl@far.example", "loop1").expect(0);
    Peers.awaitDump(
        dump,
        "X-Mail-Args: <>",
        "X-Rcpt-Args: <carl@far.example>",
        "Action: failed",
        "loop detected",
        "Subject: at once\n"); // the returned message, after the report
    // the message (failed here) and the bounce (sent by the detached run) are done
    Await.until(
        "both done",
        () -> queued(box).isEmpty() && logOf(box).split(" Completed\n", -1).length - 1 == 3);
  }

  @Test
  void odqSendsNothingOdiSendsBeforeExitingAndTheDefaultNeverWaitsOnTheLink() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Path lan = route("lan", "mail_host = 127.0.0.1:" + port + "\n");
    Sandbox box = box("modes", "", lan);

    box.run(MESSAGE, "masq-inject", "-odq", "-i", "queued@far.example").expect(0);
    String held = newest(box);
    // -odi: sent by masq-inject itself, before it exits
    box.run(MESSAGE, "masq-inject", "-odi", "-i", "now@far.example", "joe").expect(0);
    String now = newest(box);
    String sent = line(box, now, " => now@far.example route=lan ");
    assertFalse(sent.isEmpty(), "sent before masq-inject exited: " + box.log());
    assertEquals(pid(line(box, now, " <= ")), pid(sent), "by masq-inject itself: " + box.log());
    assertTrue(line(box, now, " => joe@test.example").contains("[" + pid(sent) + "]"));
    assertEquals(List.of(held), box.queuedIds(), "-odi: nothing of it left queued");
    Peers.awaitDump(dump, "X-Rcpt-Args: <now@far.example>", "\n\nhi\n");
    assertFalse(
        Peers.all(dump).contains("queued@far.example"), "-odq sent nothing: " + Peers.all(dump));
    assertFalse(box.log().contains(held + " =="), box.log());
    assertFalse(box.log().contains(held + " =>"), box.log());
    box.run(MESSAGE, "sendmail", "-odq", "-i", "queued2@far.example").expect(0);
    String held2 = newest(box);
    box.run(MESSAGE, "sendmail", "-odi", "-i", "now2@far.example").expect(0);
    assertFalse(line(box, newest(box), " => now2@far.example").isEmpty(), box.log());
    assertEquals(List.of(held, held2).stream().sorted().toList(), box.queuedIds());

    // -odb: local and remote recipients, both by the detached run
    box.run(MESSAGE, "masq-inject", "-odb", "-i", "bg@far.example", "joe").expect(0);
    String bg = newest(box);
    settled(box, bg);
    String received = pid(line(box, bg, " <= "));
    for (String sentTo : List.of(" => joe@test.example", " => bg@far.example route=lan")) {
      String l = line(box, bg, sentTo);
      assertFalse(l.isEmpty(), sentTo + ": " + box.log());
      assertNotEquals(received, pid(l), "-odb: not by masq-inject itself: " + box.log());
    }
    Peers.awaitDump(dump, "X-Rcpt-Args: <bg@far.example>", "\n\nhi\n");

    // the default with a smart host that never answers: masq-inject still returns at once
    try (ServerSocket mute = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Files.writeString(lan, "mail_host = 127.0.0.1:" + mute.getLocalPort() + "\n");
      long t = System.nanoTime();
      box.run(MESSAGE, "masq-inject", "-i", "slow@far.example").expect(0);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
      assertTrue(ms < 10_000, "masq-inject waited on the link: " + ms + " ms");
      assertTrue(box.queuedIds().contains(newest(box)));
    }
    // the link goes away: the detached run defers the message and ends
    String slow = newest(box);
    Await.until(
        "the detached run's deferral, in the spool",
        () -> envelopeOf(box, slow).matches("(?s).*rcpt\tP\t1\t\\d+\t<slow@far\\.example>.*"));
  }

  @Test
  void theConnectionOnlineFileNamesIsUsedAtOnce() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Path isp = route("isp", "mail_host = 127.0.0.1:" + port + "\n");
    Path online = tmp.resolve("online-now");
    Sandbox box =
        box("online", "query_routes.isp = \"" + isp + "\"\nonline_file = \"" + online + "\"\n");
    box.run(MESSAGE, "masq-inject", "-odq", "-i", "first@far.example").expect(0);
    String first = newest(box);
    Files.writeString(online, "isp\n");
    box.run(MESSAGE, "masq-inject", "-i", "anna@far.example").expect(0);
    String id = newest(box);
    Peers.awaitDump(dump, "X-Rcpt-Args: <anna@far.example>", "\n\nhi\n");
    Await.until("the message leaves the queue", () -> !queued(box).contains(id));
    assertTrue(box.log().contains(id + " => anna@far.example route=isp"), box.log());
    assertEquals(List.of(first), box.queuedIds(), "the detached run is for that message only");
  }
}
