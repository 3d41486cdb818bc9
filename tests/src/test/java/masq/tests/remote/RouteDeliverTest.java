package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import masq.tests.Sandbox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery over routes end to end: messages queued with the real masq-inject, sent by the real
 * masq-deliver to real peers on loopback (smtp-sink, the aiosmtpd recorder, a pipe script, socat as
 * a wrapper), the results read back from the peers, the spool, the mailboxes and the log. Covers
 * route choice (--route, online_query, online_file, nothing online, fallback to the next route and
 * last_route), rewriting at send time and per-recipient outcomes.
 */
class RouteDeliverTest extends WithPeers {
  Path routes;

  static final String MESSAGE =
      "From: joe\nTo: Anna <anna@far.example>\nReply-To: joe\n"
          + "Subject: routes\n\nfirst line\n.a dot line\n";

  @BeforeEach
  void start() throws Exception {
    routes = Files.createDirectories(tmp.resolve("routes"));
  }

  /** A route file {@code NAME.route} with {@code text}; returns its path. */
  Path route(String name, String text) throws Exception {
    Path f = routes.resolve(name + ".route");
    Files.writeString(f, text);
    return f;
  }

  Sandbox box(String conf) throws Exception {
    return new Sandbox(tmp.resolve("box"), conf);
  }

  static String queue(Sandbox box, String... rcpts) throws Exception {
    String[] args = new String[rcpts.length + 4];
    args[0] = "-odq";
    args[1] = "-i";
    args[2] = "-f";
    args[3] = "joe";
    System.arraycopy(rcpts, 0, args, 4, rcpts.length);
    box.run(MESSAGE, "masq-inject", args).expect(0);
    List<String> ids = box.queuedIds();
    return ids.get(ids.size() - 1);
  }

  static final String REWRITE =
      "map_return_path_addresses = \"joe: jpublic@isp.example\"\n"
          + "map_h_from_addresses = \"joe: Joe Public <jpublic@isp.example>\"\n";

  /**
   * A sandbox whose route isp sends to a new smtp-sink with the {@link #REWRITE} rules; the sink's
   * port and dump directory are in {@link #port} and {@link #dump}.
   */
  Sandbox rewritingIsp() throws Exception {
    port = Peers.freePort();
    dump = peers.smtpSink("127.0.0.1", port);
    Path isp = route("isp", "mail_host = 127.0.0.1:" + port + "\n" + REWRITE);
    return box("query_routes.isp = \"" + isp + "\"\n");
  }

  int port;
  Path dump;

  @Test
  void aFromHeaderRewritingCannotReadIsDeferredNotLeaked() throws Exception {
    Sandbox box = rewritingIsp();
    // unreadable, and it names this host: sent as it is, the LAN address would leak
    box.run(
            "From: <joe@test.example junk>\nTo: anna@far.example\nSubject: leak\n\nhi\n",
            "masq-inject",
            "-odq",
            "-f",
            "joe",
            "anna@far.example")
        .expect(0);
    String id = box.queuedIds().get(0);
    // a readable one afterwards goes out in the same run: the deferral is per message
    String ok = queue(box, "bob@far.example");
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    String got = Peers.waitDumps(dump, 1).get(0);
    assertTrue(got.contains("X-Rcpt-Args: <bob@far.example>"), got);
    assertFalse(got.contains("junk"), "the unreadable one did not go: " + got);
    assertEquals(List.of(id), box.queuedIds(), "the unreadable one stays queued, " + ok + " went");
    String log = box.log();
    assertTrue(
        log.contains(
            id
                + " route=isp link=isp: deferred: not sent: unreadable address in From: header:"
                + " '<joe@test.example junk>' (text inside <...>) that route isp would rewrite"),
        log);
    assertTrue(
        log.contains(id + " == anna@far.example route=isp link=isp host=(rewriting) not sent:"),
        log);
    assertTrue(box.envelope(id).contains("unreadable address in From: header"), box.envelope(id));
    assertEquals(1, Peers.dumps(dump).size(), "nothing else reached the sink");
  }

  @Test
  void theSmartHostGetsTheEnvelopeAndHeadersRewrittenForTheRoute() throws Exception {
    Sandbox box = rewritingIsp();
    String id = queue(box, "anna@far.example", "bob@other.example");
    String stored = box.message(id);

    Sandbox.Run dry = box.run("", "masq-deliver", "--route", "isp", "--dry-run").expect(0);
    assertTrue(
        dry.out()
            .contains("anna@far.example: remote, over route=isp link=isp (127.0.0.1:" + port + ")"),
        dry.out());
    assertEquals(List.of(id), box.queuedIds(), "--dry-run changes nothing");

    box.run("", "masq-deliver", "--route", "isp").expect(0);
    String got = Peers.waitDumps(dump, 1).get(0);
    assertTrue(got.contains("X-Mail-Args: <jpublic@isp.example>"), got);
    assertTrue(
        got.contains("X-Rcpt-Args: <anna@far.example>\n")
            || got.contains("X-Rcpt-Args: <anna@far.example>\r\n"),
        got);
    assertTrue(got.contains("X-Rcpt-Args: <bob@other.example>"), got);
    String text = got.replace("\r\n", "\n");
    assertTrue(text.contains("\nFrom: Joe Public <jpublic@isp.example>\n"), text);
    assertTrue(
        text.contains("\nReply-To: joe@test.example\n"),
        "no rule for Reply-To: only qualified (qualify_header_addresses): " + text);
    assertTrue(text.contains("\nTo: Anna <anna@far.example>\n"), text);
    assertTrue(
        text.endsWith("\nfirst line\n.a dot line\n\n"), "body as stored, dots unstuffed: " + text);
    // the rest of the stored header section went out byte for byte
    String storedRest = stored.substring(stored.indexOf("\nSubject:"));
    assertTrue(text.contains(storedRest), text);
    assertEquals(List.of(), box.queuedIds());
    String log = box.log();
    assertTrue(
        log.contains(
            id
                + " => anna@far.example route=isp link=isp host=[127.0.0.1]:"
                + port
                + " tls=none 250"),
        log);
    assertTrue(log.contains(id + " Completed"), log);
  }

  @Test
  void oneDeliveredOneDeferredOneBouncedToTheSendersMailbox() throws Exception {
    int port = Peers.freePort();
    Path record = peers.aiosmtpd(port);
    Path isp = route("isp", "mail_host = 127.0.0.1:" + port + "\n");
    Sandbox box = box("query_routes.isp = \"" + isp + "\"\n");
    String id = queue(box, "ok@far.example", "temp@far.example", "bad@far.example");
    String stored = box.message(id);
    box.run("", "masq-deliver", "--route", "isp").expect(0);

    String json = Files.readString(record.resolve("msg-1.json"));
    assertTrue(json.contains("\"rcpt_tos\": [\"ok@far.example\"]"), json);
    assertEquals(List.of(id), box.queuedIds(), "the deferred recipient keeps the message queued");
    assertEquals(stored, box.message(id), "the spooled message never changes");
    String env = box.envelope(id);
    assertTrue(env.contains("rcpt\tD\t1\t"), env);
    assertTrue(
        env.matches("(?s).*rcpt\tP\t1\t\\d+\t<temp@far\\.example>\t\t451 4\\.2\\.1 mailbox busy.*"),
        env);
    assertTrue(
        env.matches("(?s).*rcpt\tF\t1\t\\d+\t<bad@far\\.example>\t\t550 5\\.1\\.1 no such user.*"),
        env);
    String log = box.log();
    assertTrue(
        log.contains(
            id
                + " == temp@far.example route=isp link=isp host=[127.0.0.1]:"
                + port
                + " tls=none 451 4.2.1"),
        log);
    assertTrue(
        log.contains(
            id
                + " ** bad@far.example route=isp link=isp host=[127.0.0.1]:"
                + port
                + " tls=none 550 5.1.1"),
        log);
    // the bounce went to joe's local mailbox, with the server's reply
    Path mbox = box.mailDir.resolve("joe");
    assertTrue(Files.exists(mbox), "bounce delivered in the same run");
    String bounce = Files.readString(mbox, StandardCharsets.ISO_8859_1);
    assertTrue(bounce.contains("Final-Recipient: rfc822; bad@far.example"), bounce);
    assertTrue(bounce.contains("Status: 5.1.1"), bounce);
    assertTrue(bounce.contains("550 5.1.1 no such user here"), bounce);
    assertFalse(bounce.contains("Final-Recipient: rfc822; temp@far.example"), bounce);
  }

  @Test
  void aLinkThatIsDownDefersThenTheMessageGoesOutOverAnotherRoute() throws Exception {
    int down = Peers.freePort();
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Path isp1 = route("isp1", "mail_host = 127.0.0.1:" + down + "\n");
    Path isp2 = route("isp2", "mail_host = 127.0.0.1:" + port + "\n" + REWRITE);
    Sandbox box =
        box("query_routes.isp1 = \"" + isp1 + "\"\nquery_routes.isp2 = \"" + isp2 + "\"\n");
    String id = queue(box, "anna@far.example");
    box.run("", "masq-deliver", "--route", "isp1").expect(0);
    assertEquals(List.of(id), box.queuedIds());
    String env = box.envelope(id);
    assertTrue(env.matches("(?s).*rcpt\tP\t1\t\\d+\t<anna@far\\.example>\t\t.*refused.*"), env);
    assertTrue(box.log().contains(id + " == anna@far.example route=isp1"), box.log());
    assertFalse(Files.exists(box.mailDir.resolve("joe")), "a deferral bounces nothing");

    box.run("", "masq-deliver", "--route", "isp2").expect(0);
    assertEquals(List.of(), box.queuedIds());
    assertTrue(Peers.waitDumps(dump, 1).get(0).contains("X-Mail-Args: <jpublic@isp.example>"));
    assertTrue(box.log().contains(id + " => anna@far.example route=isp2"), box.log());
  }

  @Test
  void remoteDeferralsGetADelayWarningAndFailAfterMaxDeferTime() throws Exception {
    Path isp = route("isp", "mail_host = 127.0.0.1:" + Peers.freePort() + "\n");
    Sandbox box =
        box("query_routes.isp = \"" + isp + "\"\nwarn_intervals = 1s\nmax_defer_time = 4s\n");
    String id = queue(box, "anna@far.example");
    Path mbox = box.mailDir.resolve("joe");
    box.backdate(id, 1200);
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    assertEquals(List.of(id), box.queuedIds());
    String warning = Files.readString(mbox, StandardCharsets.ISO_8859_1);
    assertTrue(
        warning.contains("Action: delayed")
            && warning.contains("Final-Recipient: rfc822; anna@far.example"),
        warning);
    assertTrue(box.envelope(id).contains("\nwarned\t"), box.envelope(id));
    box.backdate(id, 3200);
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    assertEquals(List.of(), box.queuedIds(), "failed after max_defer_time, bounced, removed");
    String both = Files.readString(mbox, StandardCharsets.ISO_8859_1);
    assertTrue(both.contains("Action: failed") && both.contains("Status: 4.4.7"), both);
    assertTrue(
        box.log().contains(id + " ** anna@far.example message delayed longer than max_defer_time"),
        box.log());
  }

  @Test
  void inOneRunADeferralOverAPermanentRouteFallsBackToTheOnlineRouteUnlessLastRoute()
      throws Exception {
    int down = Peers.freePort();
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Path lan = route("lan", "mail_host = 127.0.0.1:" + down + "\n");
    Path isp = route("isp", "mail_host = 127.0.0.1:" + port + "\n");
    Sandbox box = box("permanent_routes = \"" + lan + "\"\nquery_routes.isp = \"" + isp + "\"\n");
    String id = queue(box, "anna@far.example");
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    assertEquals(List.of(), box.queuedIds());
    String log = box.log();
    assertTrue(log.contains(id + " == anna@far.example route=lan"), log);
    assertTrue(log.contains(id + " => anna@far.example route=isp"), log);
    assertEquals(1, Peers.waitDumps(dump, 1).size());

    Files.writeString(lan, "mail_host = 127.0.0.1:" + down + "\nlast_route = true\n");
    String id2 = queue(box, "bob@far.example");
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    assertEquals(
        List.of(id2), box.queuedIds(), "last_route keeps the recipient from the next route");
    assertFalse(box.log().contains(id2 + " => "), box.log());
    assertTrue(box.log().contains(id2 + " == bob@far.example route=lan"), box.log());
    assertEquals(1, Peers.dumps(dump).size());
  }

  @Test
  void onlineQueryAndOnlineFileChooseTheRouteAndNothingOnlineKeepsMailQueued() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Path isp = route("isp", "mail_host = 127.0.0.1:" + port + "\n");
    Path other = route("other", "mail_host = 127.0.0.1:" + Peers.freePort() + "\n");
    String routesConf =
        "query_routes.isp = \"" + isp + "\"\nquery_routes.other = \"" + other + "\"\n";
    Path online = tmp.resolve("online");
    Sandbox box =
        new Sandbox(tmp.resolve("file"), routesConf + "online_file = \"" + online + "\"\n");

    // nothing online: no file yet
    String id = queue(box, "anna@far.example");
    Sandbox.Run r = box.run("", "masq-deliver", "-v").expect(0);
    assertTrue(r.stderr().contains("nothing online"), r.stderr());
    assertEquals(List.of(id), box.queuedIds());
    assertTrue(
        box.envelope(id).contains("rcpt\tP\t0\t0\t<anna@far.example>\t\twaiting for a route"),
        box.envelope(id));
    assertFalse(box.log().contains(" == "), "nothing attempted: " + box.log());
    assertFalse(Files.exists(box.mailDir.resolve("joe")), "no bounce, no warning");

    Files.writeString(online, "isp\nignored second line\n");
    box.run("", "masq-deliver").expect(0);
    assertEquals(List.of(), box.queuedIds());
    assertTrue(box.log().contains(id + " => anna@far.example route=isp"), box.log());

    // online_query: its first line, when it exits 0; it wins over online_file
    Path q = tmp.resolve("query.sh");
    Files.writeString(q, "#!/bin/sh\necho \"  $1  \"\nexit ${2:-0}\n");
    Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(online, "other\n");
    Sandbox qbox =
        new Sandbox(
            tmp.resolve("query"),
            routesConf
                + "online_file = \""
                + online
                + "\"\n"
                + "online_query = \""
                + q
                + " isp\"\n");
    String id2 = queue(qbox, "bob@far.example");
    qbox.run("", "masq-deliver").expect(0);
    assertEquals(List.of(), qbox.queuedIds());
    assertTrue(qbox.log().contains(id2 + " => bob@far.example route=isp"), qbox.log());
    assertEquals(2, Peers.waitDumps(dump, 2).size());

    // a query that fails, or names no query route: nothing online
    for (String query : new String[] {q + " isp 1", q + " nosuchroute"}) {
      Sandbox fbox =
          new Sandbox(
              tmp.resolve("fail" + query.length()),
              routesConf + "online_query = \"" + query + "\"\n");
      String id3 = queue(fbox, "carl@far.example");
      Sandbox.Run f = fbox.run("", "masq-deliver", "-v").expect(0);
      assertTrue(f.stderr().contains("nothing online"), f.stderr());
      assertEquals(List.of(id3), fbox.queuedIds());
    }
  }

  @Test
  void anUnknownRouteIs69AndLocalOnlyLeavesRemoteMailAlone() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Path isp = route("isp", "mail_host = 127.0.0.1:" + port + "\n");
    Sandbox box = box("permanent_routes = \"" + isp + "\"\n");
    String id = queue(box, "anna@far.example", "carol");
    Sandbox.Run r = box.run("", "masq-deliver", "--route", "nosuch");
    assertEquals(69, r.exit());
    assertTrue(
        r.stderr().startsWith("masq-deliver: ")
            && r.stderr().contains("nosuch")
            && r.stderr().lines().count() == 1,
        r.stderr());
    box.run("", "masq-deliver", "--local-only").expect(0);
    assertEquals(List.of(id), box.queuedIds());
    assertTrue(box.envelope(id).contains("rcpt\tD\t1\t"), "carol delivered locally");
    assertEquals(0, Peers.dumps(dump).size());
    box.run("", "masq-deliver").expect(0); // a permanent route: no --route needed
    assertEquals(List.of(), box.queuedIds());
    assertEquals(1, Peers.waitDumps(dump, 1).size());
  }

  @Test
  void anIspRouteWithStartTlsAndAuthFromTheRouteFile() throws Exception {
    Peers.Pki pki = peers.pki("isp", "IP:127.0.0.1,DNS:localhost");
    int port = Peers.freePort();
    Path record =
        peers.aiosmtpd(
            port,
            "--starttls",
            pki.serverCert().toString(),
            pki.serverKey().toString(),
            "--auth",
            "joe:right");
    String tls =
        "mail_host = 127.0.0.1:"
            + port
            + "\ntls = starttls\ntls_trust_file = \""
            + pki.caCert()
            + "\"\nauth_name = plain\nauth_login = joe\n";
    Path wrong = route("wrong", tls + "auth_secret = wrong\n");
    Path isp = route("isp", tls + "auth_secret = right\n" + REWRITE);
    Sandbox box =
        box("query_routes.wrong = \"" + wrong + "\"\nquery_routes.isp = \"" + isp + "\"\n");
    String id = queue(box, "anna@far.example");

    box.run("", "masq-deliver", "--route", "wrong").expect(0);
    assertEquals(List.of(id), box.queuedIds(), "a refused AUTH defers");
    assertTrue(
        box.log()
            .matches(
                "(?s).*" + id + " == anna@far\\.example route=wrong link=wrong host=\\S+ .*535.*"),
        box.log());
    assertFalse(Files.exists(record.resolve("msg-1.json")), "nothing sent");

    box.run("", "masq-deliver", "--route", "isp").expect(0);
    assertEquals(List.of(), box.queuedIds());
    String json = Files.readString(record.resolve("msg-1.json"));
    assertTrue(json.contains("\"tls\": 1") && json.contains("\"auth\": 1"), json);
    assertTrue(json.contains("\"mail_from\": \"jpublic@isp.example\""), json);
  }

  @Test
  void remoteMailThatAnotherRunHoldsIsSkippedAndAllBusyIs75() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Path isp = route("isp", "mail_host = 127.0.0.1:" + port + "\n");
    Sandbox box = box("query_routes.isp = \"" + isp + "\"\n");
    String id = queue(box, "anna@far.example");
    // another process holds the message's lock (fcntl, as masq does) while we run
    Process holder =
        new ProcessBuilder(
                "/usr/bin/python3",
                "-c",
                "import fcntl,sys\n"
                    + "f=open(sys.argv[1],'r+b'); fcntl.lockf(f, fcntl.LOCK_EX|fcntl.LOCK_NB)\n"
                    + "print('locked', flush=True); sys.stdin.read()",
                box.spool.resolve("queue").resolve(id + ".msg").toString())
            .start();
    try {
      assertEquals(
          "locked", new String(holder.getInputStream().readNBytes(6), StandardCharsets.UTF_8));
      Sandbox.Run r = box.run("", "masq-deliver", "--route", "isp");
      assertEquals(75, r.exit(), r.stderr());
      assertEquals(List.of(id), box.queuedIds());
    } finally {
      holder.destroy();
      holder.waitFor();
    }
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    assertEquals(List.of(), box.queuedIds());
    assertEquals(1, Peers.waitDumps(dump, 1).size());
  }

  @Test
  void pipeAndWrapperRoutes() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("pipe-out"));
    Path script = tmp.resolve("pipe.sh");
    Files.writeString(
        script, "#!/bin/sh\ncat > \"$1/$2\"\ncase \"$2\" in temp@*) exit 75;; esac\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path uucp = route("uucp", "pipe = \"" + script + " " + out + " $rcpt\"\n" + REWRITE);
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port);
    Path tunnel = route("tunnel", "wrapper = \"/usr/bin/socat - TCP:127.0.0.1:" + port + "\"\n");
    Sandbox box =
        box("query_routes.uucp = \"" + uucp + "\"\nquery_routes.tunnel = \"" + tunnel + "\"\n");
    String id = queue(box, "anna@far.example", "temp@far.example");
    box.run("", "masq-deliver", "--route", "uucp").expect(0);
    String piped = Files.readString(out.resolve("anna@far.example"), StandardCharsets.ISO_8859_1);
    assertTrue(piped.contains("\nFrom: Joe Public <jpublic@isp.example>\n"), piped);
    assertTrue(piped.endsWith("\n\nfirst line\n.a dot line\n"), piped);
    assertTrue(
        box.envelope(id).contains("<temp@far.example>\t\texit 75")
            || box.envelope(id).matches("(?s).*rcpt\tP\t1\t\\d+\t<temp@far\\.example>.*"),
        box.envelope(id));
    assertTrue(
        box.log().contains(id + " => anna@far.example route=uucp link=uucp host=pipe '"),
        box.log());

    box.run("", "masq-deliver", "--route", "tunnel").expect(0);
    assertEquals(List.of(), box.queuedIds());
    String got = Peers.waitDumps(dump, 1).get(0);
    assertTrue(got.contains("X-Rcpt-Args: <temp@far.example>"), got);
    assertFalse(
        got.contains("anna@far.example>\r\nX-"), "anna went out over the pipe already: " + got);
    assertTrue(
        box.log().contains(id + " => temp@far.example route=tunnel link=tunnel host=wrapper '"),
        box.log());
  }
}
