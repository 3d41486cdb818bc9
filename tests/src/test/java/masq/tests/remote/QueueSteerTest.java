package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * Steering the queue by hand, with real processes and a real server (aiosmtpd, which records what
 * it accepts): masq-queue bounce gives up on a message with exactly one RFC 3464 bounce (read by
 * Python's email parser) and none for the null sender; masq-deliver --domain and sendmail -qR
 * deliver one domain's recipients and leave the rest queued; hold --route pauses one connection
 * while a permanent route keeps delivering; list -v and show tell each pending recipient's outlook.
 */
class QueueSteerTest extends WithPeers {

  /** Every RCPT the aiosmtpd recorder accepted, from its msg-N.json files. */
  private static List<String> accepted(Path record) throws Exception {
    String py =
        "import json,glob,sys\nfor f in sorted(glob.glob(sys.argv[1]+'/msg-*.json')):\n"
            + "  print('\\n'.join(json.load(open(f))['rcpt_tos']))\n";
    return Sandbox.exec(
            List.of("/usr/bin/python3", "-c", py, record.toString()), new byte[0], Map.of())
        .expect(0)
        .out()
        .lines()
        .toList();
  }

  /** An envelope's line for {@code rcpt}, or "" when it has none. */
  private static String rcptLine(Sandbox box, String id, String rcpt) throws Exception {
    return box.envelope(id)
        .lines()
        .filter(l -> l.startsWith("rcpt\t") && l.contains("\t<" + rcpt + ">\t"))
        .findFirst()
        .orElse("");
  }

  @Test
  void bounceSendsExactlyOneRfc3464NoticeAndRemovesTheMessage() throws Exception {
    Sandbox box = new Sandbox(tmp.resolve("box"), "");
    box.run(
            "Subject: stuck\n\nbody\n",
            "masq-inject",
            "-odq",
            "-f",
            "alice@test.example",
            "x@far.example",
            "y@far.example")
        .expect(0);
    String id = box.queuedIds().get(0);
    Sandbox.Run r = box.run("", "masq-queue", "bounce", id).expect(0);
    assertTrue(r.out().startsWith(id + ": given up; bounce "), r.out());
    List<String> n = box.noticeIds();
    assertEquals(1, n.size(), "exactly one bounce: " + box.queuedIds());
    assertEquals(List.of(n.get(0)), box.queuedIds(), "the message is gone");
    assertTrue(box.envelope(n.get(0)).contains("\t<alice@test.example>\t"), "to the sender");
    assertTrue(box.log().contains(id + " bounced by "), box.log());

    String py =
        "import email,sys\nfrom email import policy\n"
            + "m=email.message_from_bytes(sys.stdin.buffer.read(),policy=policy.strict)\n"
            + "ps=[p.get_content_type() for p in m.iter_parts()]\n"
            + "ds=m.get_payload()[1].get_payload()\n"
            + "print(m.get_content_type(), m.get_param('report-type'), ps[1],"
            + " sorted(b['Final-Recipient'] for b in ds[1:]), ds[1]['Action'])\n";
    byte[] notice = box.run("", "masq-queue", "cat", n.get(0)).expect(0).stdout();
    assertEquals(
        "multipart/report delivery-status message/delivery-status"
            + " ['rfc822; x@far.example', 'rfc822; y@far.example'] failed",
        Sandbox.exec(List.of("/usr/bin/python3", "-c", py), notice, Map.of())
            .expect(0)
            .out()
            .strip());

    box.run("", "masq-deliver").expect(0); // the bounce reaches alice's mailbox, once
    String mbox = Files.readString(box.mailDir.resolve("alice"));
    assertEquals(1, mbox.lines().filter(l -> l.startsWith("From ")).count(), mbox);
    assertEquals(List.of(), box.queuedIds());
  }

  @Test
  void aMessageWithTheNullSenderIsBouncedWithoutANotice() throws Exception {
    Sandbox box = new Sandbox(tmp.resolve("box"), "");
    box.run("Subject: n\n\nb\n", "masq-inject", "-odq", "-f", "<>", "x@far.example").expect(0);
    String id = box.queuedIds().get(0);
    Sandbox.Run r = box.run("", "masq-queue", "bounce", id).expect(0);
    assertEquals(id + ": given up; no bounce (null sender)\n", r.out());
    assertEquals(List.of(), box.queuedIds());
    assertTrue(box.log().contains(id + " no bounce sent: the message has the null sender"));
    assertEquals(67, box.run("", "masq-queue", "bounce", id).exit(), "gone");
    assertEquals(64, box.run("", "masq-queue", "bounce").exit());
  }

  @Test
  void domainDeliversOnlyThatDomainAndSendmailQrTheRest() throws Exception {
    int port = Peers.freePort();
    Path record = peers.aiosmtpd(port);
    Path route =
        Files.writeString(tmp.resolve("isp.route"), "mail_host = 127.0.0.1:" + port + "\n");
    Sandbox box = new Sandbox(tmp.resolve("box"), "query_routes.isp = \"" + route + "\"\n");
    box.run(
            "Subject: d\n\nb\n",
            "masq-inject",
            "-odq",
            "-f",
            "me@test.example",
            "a@one.example",
            "b@two.example",
            "c@three.example",
            "me")
        .expect(0);
    String id = box.queuedIds().get(0);
    box.run("", "masq-deliver", "--route", "isp", "--domain", "ONE.example").expect(0);
    assertEquals(List.of("a@one.example"), accepted(record));
    assertTrue(rcptLine(box, id, "b@two.example").startsWith("rcpt\tP\t0\t"), box.envelope(id));
    assertTrue(rcptLine(box, id, "me@test.example").startsWith("rcpt\tP\t0\t"), "local, untried");
    assertFalse(Files.exists(box.mailDir.resolve("me")), "not the run's domain");

    box.run("", "sendmail", "-qR", "two.example", "-qo", "isp").expect(0);
    assertEquals(List.of("a@one.example", "b@two.example"), accepted(record));
    box.run("", "sendmail", "-qRthree.example", "-qoisp").expect(0);
    assertEquals(List.of("a@one.example", "b@two.example", "c@three.example"), accepted(record));
    assertTrue(rcptLine(box, id, "me@test.example").startsWith("rcpt\tP\t0\t"), box.envelope(id));
    box.run("", "masq-deliver", "--domain", "test.example").expect(0);
    assertTrue(Files.exists(box.mailDir.resolve("me")));
    assertEquals(List.of(), box.queuedIds());
    assertEquals(
        64, box.run("", "masq-deliver", "--domain", "x@y").exit(), "a domain, not an address");
  }

  @Test
  void holdRouteStopsOneConnectionWhileThePermanentRouteDelivers() throws Exception {
    int held = Peers.freePort();
    int other = Peers.freePort();
    Path heldRecord = peers.aiosmtpd(held);
    Path otherRecord = peers.aiosmtpd(other);
    Path isp = Files.writeString(tmp.resolve("isp1.route"), "mail_host = 127.0.0.1:" + held + "\n");
    Path lan =
        Files.writeString(
            tmp.resolve("lan.route"),
            "mail_host = 127.0.0.1:" + other + "\nallowed_recipients = \"*@lan.example\"\n");
    Sandbox box =
        new Sandbox(
            tmp.resolve("box"),
            "query_routes.isp1 = \"" + isp + "\"\npermanent_routes = \"" + lan + "\"\n");
    Sandbox.Run h = box.run("", "masq-queue", "hold", "--route", "isp1").expect(0);
    assertEquals("link=isp1 held: masq-deliver leaves its mail queued\n", h.out());
    assertTrue(Files.exists(box.spool.resolve("held-routes/link=isp1")));
    box.run("Subject: h\n\nb\n", "masq-inject", "-odq", "far@out.example", "near@lan.example")
        .expect(0);
    String id = box.queuedIds().get(0);

    String list = box.run("", "masq-queue", "-v", "list").expect(0).out();
    assertTrue(
        list.contains(
            "    == far@out.example (waiting for a route, 0 tries)\n"
                + "       waiting: no warning or bounce until a route tries it; no route takes"
                + " it now (route=isp1 link=isp1 would take it but is held"),
        list);
    assertTrue(list.contains("next warning in 59m, bounce in 3d 23h; over route=lan now\n"), list);
    byte[] json = box.run("", "masq-queue", "list", "--json").expect(0).stdout();
    String py =
        "import json,sys\nm=json.load(sys.stdin)[0]\n"
            + "for r in m['recipients']:\n"
            + "  print(r['address'], r['route'], r['next_warning'][:2], r['bounce_at'][:2], m['tried'])\n";
    assertEquals(
        "far@out.example None 20 20 None\nnear@lan.example route=lan 20 20 None",
        Sandbox.exec(List.of("/usr/bin/python3", "-c", py), json, Map.of())
            .expect(0)
            .out()
            .strip());

    Sandbox.Run run = box.run("", "masq-deliver", "-v", "--route", "isp1").expect(0);
    assertTrue(
        run.stderr().contains("held (masq-queue release --route NAME): route=isp1 link=isp1"));
    assertEquals(List.of("near@lan.example"), accepted(otherRecord), "the other route flows");
    assertEquals(List.of(), accepted(heldRecord), "the held one takes nothing");
    assertTrue(rcptLine(box, id, "far@out.example").startsWith("rcpt\tP\t0\t"), box.envelope(id));
    assertEquals(0, box.run("", "masq-queue", "check").exit(), "held-routes/ is masq's own");

    String show = box.run("", "masq-queue", "show", id).expect(0).out();
    assertTrue(
        show.contains(
            "recipient: <far@out.example> waiting for a route, 0 tries\n"
                + "           waiting: no warning or bounce until a route tries it; "),
        show);

    assertEquals(
        "link=isp1 released\n",
        box.run("", "masq-queue", "release", "--route", "isp1").expect(0).out());
    assertTrue(box.log().contains("link=isp1 held by "), box.log());
    box.run("", "masq-deliver", "--route", "isp1").expect(0);
    assertEquals(List.of("far@out.example"), accepted(heldRecord));
    assertEquals(List.of(), box.queuedIds());
    assertEquals(69, box.run("", "masq-queue", "hold", "--route", "nosuch").exit());
    assertEquals(64, box.run("", "masq-queue", "list", "--route", "isp1").exit());
  }
}
