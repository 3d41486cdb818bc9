package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.tests.Await;
import masq.tests.Sandbox;
import masq.tests.Sandbox.Run;
import org.junit.jupiter.api.Test;

/**
 * README's laptop recipe, {@code examples/laptop/}, run as it is written: only the servers'
 * addresses, john's home directory and the test CA are put in. The home smart host is Postfix's
 * smtp-sink, the provider an aiosmtpd server that requires STARTTLS and AUTH. Mail from mutt, from
 * cron (through {@code sendmail}) and to the LAN is queued while offline, then leaves over the
 * provider ({@code masq-deliver --route road}) and, at home, over the home route (a plain queue run
 * asking {@code masq-which-link}). What the servers receive is read back by Python's email parser:
 * no address without a domain, and no LAN address in a sender header over the provider.
 */
class LaptopRecipeTest extends WithPeers {

  /** {@code text} with {@code from} replaced by {@code to}; fails if the example lost the line. */
  static String put(String text, String from, String to) {
    assertTrue(text.contains(from), () -> "the example no longer has '" + from + "'");
    return text.replace(from, to);
  }

  @Test
  void theRecipeSendsOverBothRoutesWithQualifiedAndRewrittenAddresses() throws Exception {
    Peers.Pki pki = peers.pki("isp", "IP:127.0.0.1,DNS:localhost");
    int homePort = Peers.freePort();
    Path homeSink = peers.smtpSink("127.0.0.1", homePort);
    int ispPort = Peers.freePort();
    Path ispRecord =
        peers.aiosmtpd(
            ispPort,
            "--starttls",
            pki.serverCert().toString(),
            pki.serverKey().toString(),
            "--auth",
            "john.smith:app-password-from-the-provider");

    Path examples = Sandbox.HOME.resolve("examples/laptop");
    Path home = Files.createDirectories(tmp.resolve("home/john"));
    Path etc = Files.createDirectories(tmp.resolve("etc"));
    Files.writeString(
        etc.resolve("masq.conf"),
        put(Files.readString(examples.resolve("masq.conf")), "/home/john", home.toString()));
    Files.writeString(
        etc.resolve("home.route"),
        put(
            Files.readString(examples.resolve("home.route")),
            "mail_host = \"mail.home.lan\"",
            "mail_host = \"127.0.0.1:" + homePort + "\""));
    Files.writeString(
        etc.resolve("isp.route"),
        put(
                Files.readString(examples.resolve("isp.route")),
                "\"smtp.isp.example:587\"",
                "\"127.0.0.1:" + ispPort + "\"")
            + "tls_trust_file = \""
            + pki.caCert()
            + "\"\n");
    Files.setPosixFilePermissions(
        etc.resolve("isp.route"), PosixFilePermissions.fromString("rw-------"));
    // the online_query stand-in: prints what the file link says ("" while offline)
    Path link = Files.writeString(home.resolve("link"), "");
    Path which = Files.createDirectories(home.resolve("bin")).resolve("masq-which-link");
    Files.writeString(which, "#!/bin/sh\nread l < '" + link + "' && [ -n \"$l\" ] && echo $l\n");
    Files.setPosixFilePermissions(which, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path conf = etc.resolve("masq.conf");

    // offline: mutt, cron and a message for the LAN are queued
    inject(
        conf,
        "masq-inject",
        "From: John Smith <john@laptop.home.lan>\nTo: carol@example.org\nCc: dave\n"
            + "Reply-To: john\nSubject: from mutt\n\nhello\n",
        "-oi",
        "carol@example.org");
    inject(
        conf,
        "sendmail",
        "From: root (Cron Daemon)\nTo: admin@example.org\nSubject: Cron <root@laptop> backup\n\n"
            + "done\n",
        "-FCronDaemon",
        "-i",
        "-B8BITMIME",
        "-oem",
        "admin@example.org");
    inject(
        conf,
        "masq-inject",
        "From: john\nTo: friend@nas.home.lan\nSubject: for the LAN\n\nhi\n",
        "-oi",
        "friend@nas.home.lan");
    assertEquals(3, queue(conf).size(), "all three wait while offline");
    // each injection started a detached masq-deliver --id, which found no link up: let them end,
    // so that the run below does not skip a message one of them holds
    awaitDetachedRuns(conf);

    // on the road: the ip-up script (or the user) sends over the provider
    exec(conf, "masq-deliver", "--route", "road").expect(0);
    List<String> isp = messagesOf(ispRecord);
    assertEquals(2, isp.size(), isp.toString());
    for (String m : isp) {
      assertTrue(m.contains("\"mail_from\": \"john.smith@isp.example\""), m);
      assertTrue(m.contains("\"tls\": 1"), m);
    }
    List<String> ispHeaders = addressHeaders(ispRecord, ".json");
    assertFalse(ispHeaders.isEmpty());
    for (String h : ispHeaders) {
      assertTrue(h.contains("@"), "an address without a domain left: " + h);
      if (h.startsWith("From ") || h.startsWith("Reply-To ") || h.startsWith("Sender ")) {
        assertEquals("john.smith@isp.example", h.substring(h.indexOf(' ') + 1), h);
      }
    }
    assertTrue(ispHeaders.contains("Cc dave@laptop.home.lan"), ispHeaders.toString());
    System.out.println("laptop recipe: the provider received " + ispHeaders);
    assertEquals(1, queue(conf).size(), "the LAN's message waits for the home route");
    String log = Files.readString(home.resolve(".local/state/masq/log/masq.log"));
    assertTrue(log.contains("route=isp link=road"), log);

    // at home: cron's plain queue run asks masq-which-link, which now says "home"
    Files.writeString(link, "home\n");
    exec(conf, "masq-deliver").expect(0);
    List<String> lan = addressHeaders(homeSink, "");
    assertTrue(lan.contains("From john@laptop.home.lan"), lan.toString());
    assertTrue(lan.contains("To friend@nas.home.lan"), lan.toString());
    System.out.println("laptop recipe: the home smart host received " + lan);
    assertEquals(List.of(), queue(conf));
    assertEquals(2, messagesOf(ispRecord).size(), "nothing twice over the provider");
  }

  static void inject(Path conf, String tool, String message, String... args) throws Exception {
    Run r = feed(conf, tool, message, args);
    assertEquals(0, r.exit(), r.stderr());
  }

  /** Waits until no masq-deliver --id of this configuration is running. */
  static void awaitDetachedRuns(Path conf) throws Exception {
    Await.until(
        "the end of the detached runs",
        () ->
            Sandbox.exec(List.of("pgrep", "-f", "--", conf + " --id"), new byte[0], Map.of()).exit()
                != 0);
  }

  static Run exec(Path conf, String tool, String... args) throws Exception {
    return feed(conf, tool, "", args);
  }

  static Run feed(Path conf, String tool, String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Sandbox.bin(tool).toString()));
    cmd.addAll(List.of(args));
    // as the recipe says: the configuration comes from $MASQ_CONF (or /etc/masq/masq.conf)
    return Sandbox.exec(
        cmd, stdin.getBytes(StandardCharsets.UTF_8), Map.of("MASQ_CONF", conf.toString()));
  }

  /** The IDs masq-queue lists (one "ID ..." line per message). */
  static List<String> queue(Path conf) throws Exception {
    Run r = exec(conf, "masq-queue", "list", "--json").expect(0);
    List<String> ids = new ArrayList<>();
    String s = r.out();
    int i = 0;
    while ((i = s.indexOf("\"id\":", i)) >= 0) {
      int q1 = s.indexOf('"', i + 5);
      ids.add(s.substring(q1 + 1, s.indexOf('"', q1 + 1)));
      i = q1;
    }
    return ids;
  }

  static List<String> messagesOf(Path record) throws Exception {
    List<String> out = new ArrayList<>();
    try (var s = Files.list(record)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        out.add(Files.readString(p));
      }
    }
    return out;
  }

  /**
   * "HEADER address" for every address in the From, Sender, Reply-To, To, Cc and Mail-Followup-To
   * headers of each received message (aiosmtpd's .json records, or smtp-sink's dumps), as Python's
   * email package reads them.
   */
  static List<String> addressHeaders(Path dir, String suffix) throws Exception {
    String py =
        """
        import email, email.policy, json, os, sys
        d, suffix = sys.argv[1], sys.argv[2]
        for n in sorted(os.listdir(d)):
            p = os.path.join(d, n)
            if not n.endswith(suffix) or not os.path.isfile(p) or n == "events":
                continue
            raw = open(p, "rb").read()
            if suffix == ".json":
                raw = json.loads(raw)["data"].encode("latin-1")
            m = email.message_from_bytes(raw, policy=email.policy.default)
            for h in ("From", "Sender", "Reply-To", "To", "Cc", "Mail-Followup-To"):
                for v in m.get_all(h) or []:
                    for a in v.addresses:
                        print(h, a.addr_spec)
        """;
    Run r =
        Sandbox.exec(
            List.of("/usr/bin/python3", "-c", py, dir.toString(), suffix), new byte[0], Map.of());
    assertEquals(0, r.exit(), r.stderr());
    List<String> out = r.out().lines().toList();
    assertNotEquals(0, out.size(), "no message in " + dir);
    return out;
  }
}
