package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** masq-queue as a process: list, JSON (read by Python's json), show, cat, remove, hold, check. */
class QueueTest {
  @TempDir Path dir;
  Sandbox box;

  @BeforeEach
  void setUp() throws Exception {
    box = new Sandbox(dir, "do_queue = true\n");
  }

  private String inject(String msg, String... args) throws Exception {
    List<String> before = box.queuedIds();
    box.run(msg, "masq-inject", args).expect(0);
    List<String> after = box.queuedIds();
    after.removeAll(before);
    return after.get(0);
  }

  @Test
  void emptyQueue() throws Exception {
    assertEquals("mail queue is empty.\n", box.run("", "masq-queue").expect(0).out());
    assertEquals("[]\n", box.run("", "masq-queue", "list", "--json").expect(0).out());
  }

  @Test
  void listShowsEachMessageAndRecipientLikeMailq() throws Exception {
    String a = inject("Subject: a\n\nb\n", "-f", "me@home.lan", "x@y", "z");
    String b = inject("Subject: b\n\nb\n", "q@r");
    String out = box.run("", "masq-queue", "list").expect(0).out();
    String[] lines = out.split("\n");
    assertEquals(5, lines.length, out);
    assertTrue(lines[0].matches(a + " <= me@home.lan size=\\d+ age=\\d+s ident=\\S+"), lines[0]);
    assertEquals("    == x@y (waiting for a route, 0 tries)", lines[1]);
    assertEquals("    == z@test.example (waiting for local delivery, 0 tries)", lines[2]);
    assertTrue(lines[3].startsWith(b + " <= "), "arrival order");
  }

  @Test
  void aWaitingRecipientReadsTheSameBeforeAndAfterARunThenWithItsLastError() throws Exception {
    Path route = dir.resolve("isp.route");
    Files.writeString(route, "mail_host = 127.0.0.1:" + SmtpPeer.freePort() + "\n");
    Sandbox s = new Sandbox(dir.resolve("w"), "query_routes.road = \"" + route + "\"\n");
    s.run("Subject: w\n\nb\n", "masq-inject", "-odq", "-f", "me@home.lan", "x@far.example", "z")
        .expect(0);
    String id = s.queuedIds().get(0);
    String before = s.run("", "masq-queue").expect(0).out();
    assertTrue(before.contains("\n    == x@far.example (waiting for a route, 0 tries)\n"), before);
    assertTrue(
        before.contains("\n    == z@test.example (waiting for local delivery, 0 tries)\n"), before);
    String show = s.run("", "masq-queue", "show", id).expect(0).out();
    assertTrue(show.contains("recipient: <x@far.example> waiting for a route, 0 tries\n"), show);

    s.run("", "masq-deliver").expect(0); // nothing online: z delivered, x stays
    assertTrue(s.envelope(id).contains("waiting for a route"), "what the run wrote");
    String after = s.run("", "masq-queue").expect(0).out();
    assertTrue(after.contains("\n    == x@far.example (waiting for a route, 0 tries)\n"), after);
    assertTrue(after.contains("\n    => z@test.example\n"), after);
    assertFalse(show.contains("> pending"), "one wording: " + show);
    assertTrue(
        s.run("", "masq-queue", "show", id)
            .expect(0)
            .out()
            .contains("recipient: <x@far.example> waiting for a route, 0 tries\n"));

    s.run("", "masq-deliver", "--route", "road").expect(0); // the smart host refuses connections
    String tried = s.run("", "masq-queue").expect(0).out();
    assertTrue(
        tried.matches(
            "(?s).*\n    == x@far\\.example \\(waiting for a route, 1 try: [^\n]*refused[^\n]*\\)\n.*"),
        tried);
    assertTrue(
        s.run("", "masq-queue", "show", id)
            .expect(0)
            .out()
            .matches(
                "(?s).*recipient: <x@far\\.example> waiting for a route, 1 try: [^\n]*refused.*"));
  }

  @Test
  void jsonIsReadByARealJsonParser() throws Exception {
    String id = inject("Subject: j\n\nb\n", "-f", "<>", "x@y", "\"odd \\\" name\"@z");
    byte[] json = box.run("", "masq-queue", "list", "--json").expect(0).stdout();
    String py =
        "import json,sys\nd=json.load(sys.stdin)\nm=d[0]\n"
            + "print(m['id'], m['sender']=='', m['size']>0, m['held'], len(m['recipients']),"
            + " m['recipients'][1]['address'], m['recipients'][0]['state'], m['recipients'][0]['tries'],"
            + " m['recipients'][0]['last_error'], m['received'][:2])\n";
    Sandbox.Run r = Sandbox.exec(List.of("/usr/bin/python3", "-c", py), json, Map.of()).expect(0);
    assertEquals(id + " True True False 2 \"odd \\\" name\"@z pending 0 None 20", r.out().strip());
  }

  @Test
  void showAndCat() throws Exception {
    String id = inject("Subject: shown\nX-Custom: yes\n\nthe body\n", "x@y");
    String show = box.run("", "masq-queue", "show", id).expect(0).out();
    assertTrue(show.startsWith("id:        " + id + "\n"), show);
    assertTrue(show.contains("recipient: <x@y> waiting for a route, 0 tries\n"), show);
    assertTrue(show.contains("\nSubject: shown\nX-Custom: yes\n"));
    assertFalse(show.contains("the body"), "show prints envelope and headers only");
    String cat = box.run("", "masq-queue", "cat", id).expect(0).out();
    assertEquals(box.message(id), cat);
  }

  @Test
  void unknownIdsExit67NamingThem() throws Exception {
    for (String cmd : List.of("show", "cat", "remove", "hold", "release")) {
      Sandbox.Run r = box.run("", "masq-queue", cmd, "Vc1Qf2b-00y8-00");
      assertEquals(67, r.exit(), cmd);
      assertTrue(r.stderr().contains("Vc1Qf2b-00y8-00"), r.stderr());
      Sandbox.Run evil = box.run("", "masq-queue", cmd, "../../etc/passwd");
      assertEquals(67, evil.exit(), cmd);
    }
    assertEquals(64, box.run("", "masq-queue", "frobnicate").exit());
    assertEquals(64, box.run("", "masq-queue", "show").exit());
    assertEquals(64, box.run("", "masq-queue", "--bogus").exit());
  }

  @Test
  void holdReleaseAndRemove() throws Exception {
    String a = inject("Subject: a\n\nb\n", "x@y");
    String b = inject("Subject: b\n\nb\n", "x@y");
    // one line per message on stderr, as Postfix's postsuper says them; exit 0 when nothing to do
    assertEquals(
        "masq-queue: " + a + ": not held\n",
        box.run("", "masq-queue", "release", a).expect(0).stderr());
    assertEquals(
        "masq-queue: " + a + ": held\n", box.run("", "masq-queue", "hold", a).expect(0).stderr());
    assertTrue(box.run("", "masq-queue").out().contains(" *held*"));
    assertTrue(box.envelope(a).contains("held\t1\n"));
    assertEquals(
        "masq-queue: " + a + ": held already\n",
        box.run("", "masq-queue", "hold", a).expect(0).stderr());
    assertEquals(
        "masq-queue: " + a + ": released\n",
        box.run("", "masq-queue", "release", a).expect(0).stderr());
    assertFalse(box.envelope(a).contains("held"));
    assertEquals(1, box.log().split(a + " released by ", -1).length - 1, "logged when done only");
    assertEquals(
        "masq-queue: " + a + ": removed\nmasq-queue: " + b + ": removed\n",
        box.run("", "masq-queue", "remove", a, b).expect(0).stderr());
    assertEquals(List.of(), box.queuedIds());
    assertFalse(Files.exists(box.spool.resolve("queue/" + a + ".msg")));
    assertTrue(box.log().contains(a + " removed by "));
  }

  @Test
  void aMessageLockedByADeliveryIsBusy() throws Exception {
    String id = inject("Subject: a\n\nb\n", "x@y");
    // this test JVM is another process: its fcntl lock is what a delivery run would hold
    try (FileChannel ch =
            FileChannel.open(
                box.spool.resolve("queue/" + id + ".msg"),
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      Sandbox.Run r = box.run("", "masq-queue", "remove", id);
      assertEquals(75, r.exit());
      assertTrue(r.stderr().contains(id + " is being delivered"), r.stderr());
      assertEquals(75, box.run("", "masq-queue", "hold", id).exit());
      assertTrue(lock.isValid());
    }
    assertEquals(List.of(id), box.queuedIds());
    box.run("", "masq-queue", "remove", id).expect(0);
  }

  @Test
  void checkReportsAndRepairsLeftovers() throws Exception {
    String good = inject("Subject: a\n\nb\n", "x@y");
    Path q = box.spool.resolve("queue");
    Files.writeString(q.resolve("Vc1Qf2b-00y8-02.msg"), "orphan");
    Files.writeString(box.spool.resolve("tmp/Vc1Qf2b-00y8-03.msg"), "stale");
    Files.writeString(q.resolve("Vc1Qf2b-00y8-04.msg"), "x");
    Files.writeString(q.resolve("Vc1Qf2b-00y8-04.env"), "masq-envelope 1\nid\tVc1Qf2b-00y8-04\n");
    Sandbox.Run c = box.run("", "masq-queue", "check");
    assertEquals(65, c.exit(), c.out());
    assertEquals(3, c.out().lines().filter(l -> l.startsWith("problem: ")).count(), c.out());
    // the truncated envelope is reported by list too, without stopping it
    Sandbox.Run list = box.run("", "masq-queue", "list").expect(0);
    assertTrue(list.out().startsWith(good + " <= "));
    assertTrue(list.stderr().contains("Vc1Qf2b-00y8-04"));
    Sandbox.Run r = box.run("", "masq-queue", "check", "--repair").expect(0);
    assertTrue(r.out().contains("repaired: "), r.out());
    Sandbox.Run after = box.run("", "masq-queue", "check").expect(0);
    assertTrue(after.out().endsWith("1 message(s), 0 problem(s)\n"), after.out());
    try (var s = Files.list(box.spool.resolve("corrupt"))) {
      assertEquals(3, s.count());
    }
  }
}
