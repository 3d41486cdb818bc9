package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration errors that say what to fix (masq.conf(5)) and hostile files where a file is
 * expected, run with the real commands: the exact first line each prints. A FIFO must never be
 * waited on, so every run here is bounded well below a hang.
 */
class ConfigErrorsTest {
  @TempDir Path dir;

  private static final String MSG = "Subject: x\n\nbody\n";

  /** The five commands that load the configuration, each with arguments that make it do so. */
  private static final String[][] COMMANDS = {
    {"masq-inject", "-odq", "carol"},
    {"masq-queue"},
    {"masq-deliver"},
    {"masq-rewrite", "--route", "lan"},
    {"masq-smtpd"},
  };

  /** The warning about the misspelt option maildir_pth at {@code conf:line}. */
  private static String typo(String tool, Path conf, int line) {
    return tool
        + ": warning: "
        + conf
        + ":"
        + line
        + ": unknown option 'maildir_pth' (did you mean maildir_path?)";
  }

  private static String first(Sandbox.Run r) {
    return r.stderr().lines().findFirst().orElse("");
  }

  private static Sandbox.Run run(String stdin, String tool, Path conf, String... args)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(Sandbox.bin(tool).toString(), "-C", conf.toString()));
    cmd.addAll(List.of(args));
    return assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> Sandbox.exec(cmd, stdin.getBytes(StandardCharsets.UTF_8), Map.of()),
        tool + " hangs");
  }

  private Path fifo(String name) throws Exception {
    Path f = dir.resolve(name);
    assertEquals(0, new ProcessBuilder("mkfifo", f.toString()).start().waitFor());
    return f;
  }

  /** A sandbox with a permanent route lan.route (to a closed port) plus {@code extra}. */
  private Sandbox withRoute(String extra) throws Exception {
    Files.writeString(dir.resolve("lan.route"), "mail_host = 127.0.0.1:9\n");
    return new Sandbox(dir, "permanent_routes = \"" + dir.resolve("lan.route") + "\"\n" + extra);
  }

  @Test
  void aFifoAsTheConfigurationIsRefusedByEveryCommandAndSmtpdSays421() throws Exception {
    Path fifo = fifo("masq.conf.fifo");
    for (String[] c : COMMANDS) {
      String[] args = List.of(c).subList(1, c.length).toArray(new String[0]);
      Sandbox.Run r = run(MSG, c[0], fifo, args).expect(78);
      assertEquals(
          c[0] + ": configuration file " + fifo + ": not a regular file (a FIFO)",
          first(r),
          r.stderr());
      assertEquals(1, r.stderr().lines().count(), r.stderr());
      if (c[0].equals("masq-smtpd")) {
        assertEquals("421 4.3.0 masq-smtpd: service not available\r\n", r.out());
      }
    }
  }

  @Test
  void aDirectoryAsTheConfigurationIsSaidInMasqsWords() throws Exception {
    Path d = Files.createDirectory(dir.resolve("conf.d"));
    Sandbox.Run r = run("", "masq-queue", d).expect(78);
    assertEquals(
        "masq-queue: configuration file " + d + ": a directory, not a file", r.stderr().strip());
  }

  @Test
  void aFifoWhereAnAliasOrTemplateFileIsExpectedNamesTheOption() throws Exception {
    Path fifo = fifo("aliases");
    Sandbox s = new Sandbox(dir.resolve("a"), "alias_file = \"" + fifo + "\"\n");
    s.run(MSG, "masq-inject", "-odq", "carol").expect(0);
    Sandbox.Run r = run("", "masq-deliver", s.conf).expect(78);
    assertEquals("masq-deliver: alias_file " + fifo + ": not a regular file (a FIFO)", first(r));
    assertEquals(1, s.queuedIds().size(), "the message stays queued");

    Sandbox t = new Sandbox(dir.resolve("t"), "errmsg_file = \"" + fifo + "\"\n");
    t.run(MSG, "masq-inject", "-odq", "carol").expect(0);
    r = run("", "masq-deliver", t.conf).expect(78);
    assertEquals("masq-deliver: errmsg_file " + fifo + ": not a regular file (a FIFO)", first(r));
  }

  @Test
  void aMissingOrBadRouteFileIsWarnedAboutWithItsLineByEveryCommand() throws Exception {
    Path missing = dir.resolve("isp.route");
    Path directory = Files.createDirectory(dir.resolve("dir.route"));
    Sandbox s =
        withRoute(
            "query_routes.isp = \"" + missing + "\"\nquery_routes.odd = \"" + directory + "\"\n");
    String line7 = s.conf + ":7: query_routes.isp: route file " + missing + ": no such file";
    String line8 =
        s.conf + ":8: query_routes.odd: route file " + directory + ": a directory, not a file";
    for (String[] c : COMMANDS) {
      String[] args = List.of(c).subList(1, c.length).toArray(new String[0]);
      Sandbox.Run r = s.run(c[0].equals("masq-smtpd") ? "QUIT\r\n" : MSG, c[0], args);
      List<String> lines = r.stderr().lines().toList();
      assertEquals(c[0] + ": warning: " + line7, lines.get(0), r.stderr());
      assertEquals(c[0] + ": warning: " + line8, lines.get(1), r.stderr());
      assertEquals(0, r.exit(), c[0] + ": " + r.stderr());
    }
    assertTrue(s.log().contains(" <= "), "masq-inject queued the mail all the same: " + s.log());
    // the command that uses the route fails on it with the same line: one line for one fault
    Sandbox.Run r = s.run("", "masq-deliver", "--route", "isp").expect(78);
    assertEquals(
        List.of("masq-deliver: warning: " + line8, "masq-deliver: " + line7),
        r.stderr().lines().toList());
    r = s.run("", "masq-deliver", "--route", "odd").expect(78);
    assertEquals(
        List.of("masq-deliver: warning: " + line7, "masq-deliver: " + line8),
        r.stderr().lines().toList());
    r = s.run(MSG, "masq-rewrite", "--route", "odd").expect(78);
    assertEquals(
        List.of("masq-rewrite: warning: " + line7, "masq-rewrite: " + line8),
        r.stderr().lines().toList());
  }

  @Test
  void aPermanentRouteFileThatIsAFifoOrADirectoryIsOneLineNamingOptionLineAndFile()
      throws Exception {
    for (Path bad : List.of(fifo("lan.route"), Files.createDirectory(dir.resolve("d.route")))) {
      Sandbox s =
          new Sandbox(
              dir.resolve("box-" + bad.getFileName()), "permanent_routes = \"" + bad + "\"\n");
      s.run(MSG, "masq-inject", "-odq", "bob@far.example").expect(0);
      Sandbox.Run r = run("", "masq-deliver", s.conf).expect(78);
      String kind =
          Files.isDirectory(bad) ? "a directory, not a file" : "not a regular file (a FIFO)";
      assertEquals(
          "masq-deliver: "
              + s.conf
              + ":6: permanent_routes: route file "
              + bad
              + ": "
              + kind
              + "\n",
          r.stderr());
      assertEquals(1, s.queuedIds().size(), "the message stays queued");
      // delivery at once says it in the warning that the mail is not sent now, alone
      r = run(MSG, "masq-inject", s.conf, "-odi", "bob@far.example").expect(0);
      assertEquals(1, r.stderr().lines().count(), r.stderr());
      assertTrue(
          r.stderr()
              .endsWith(
                  " is queued but was not delivered now: "
                      + s.conf
                      + ":6: permanent_routes: route file "
                      + bad
                      + ": "
                      + kind
                      + "\n"),
          r.stderr());
    }
  }

  @Test
  void anUnknownOptionSuggestsTheNearestNameAndIsKeptWhenAnErrorFollows() throws Exception {
    Sandbox s = new Sandbox(dir, "maildir_pth = /x\n");
    Sandbox.Run r = s.run("", "masq-queue").expect(0);
    assertEquals(typo("masq-queue", s.conf, 6), first(r));

    Sandbox t = new Sandbox(dir.resolve("t"), "maildir_pth = /x\ndo_queue = maybe\n");
    r = t.run(MSG, "masq-inject", "carol").expect(78);
    assertEquals(
        List.of(
            typo("masq-inject", t.conf, 6),
            "masq-inject: " + t.conf + ":7: do_queue = \"maybe\": expected true or false"),
        r.stderr().lines().toList());

    Sandbox u = new Sandbox(dir.resolve("u"), "maildir_pth = /x\nhost_name = \"a\" b\n");
    r = u.run("", "masq-queue").expect(78);
    assertEquals(
        List.of(
            typo("masq-queue", u.conf, 6),
            "masq-queue: "
                + u.conf
                + ":7: syntax error: unexpected text after quoted value of 'host_name'"),
        r.stderr().lines().toList());
  }

  @Test
  void anUnknownRouteOptionSuggestsTheNearestName() throws Exception {
    Sandbox s = withRoute("");
    Files.writeString(dir.resolve("lan.route"), "mail_hots = 127.0.0.1:9\n");
    Sandbox.Run r = s.run(MSG, "masq-rewrite", "--route", "lan").expect(0);
    assertEquals(
        "masq-rewrite: warning: "
            + dir.resolve("lan.route")
            + ":1: unknown route option 'mail_hots' (did you mean mail_host?)",
        first(r));
  }

  @Test
  void aQuoteLeftOpenIsReportedWhereItOpens() throws Exception {
    Sandbox s = new Sandbox(dir, "local_hosts = \"localhost\nmaildir_path = \"/x\"\n");
    Sandbox.Run r = s.run("", "masq-queue").expect(78);
    assertEquals(
        "masq-queue: "
            + s.conf
            + ":6: syntax error: unterminated quote in the value of 'local_hosts'"
            + " (it runs on to line 7)",
        r.stderr().strip());
  }

  @Test
  void aTenMegabyteLineIsQuotedToEightyCharacters() throws Exception {
    String big = "a".repeat(10 << 20);
    Sandbox s = new Sandbox(dir, "do_queue = " + big + "\n");
    Sandbox.Run r = s.run("", "masq-queue").expect(78);
    assertEquals(
        "masq-queue: "
            + s.conf
            + ":6: do_queue = \""
            + "a".repeat(80)
            + "...\": expected true or false\n",
        r.stderr());
    Sandbox t = new Sandbox(dir.resolve("t"), big + " junk\n");
    r = t.run("", "masq-queue").expect(78);
    assertEquals(
        "masq-queue: "
            + t.conf
            + ":6: syntax error: expected '=' after '"
            + "a".repeat(80)
            + "...'\n",
        r.stderr());
  }

  @Test
  void anEmptyLogDirLogsToStderr() throws Exception {
    Sandbox s = new Sandbox(dir, "log_dir = \"\"\n");
    s.run(MSG, "masq-inject", "-odq", "carol").expect(0);
    Sandbox.Run r = s.run("", "masq-deliver").expect(0);
    assertTrue(
        Pattern.compile(
                "^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\[\\d+\\] \\S+ => carol@test\\.example ",
                Pattern.MULTILINE)
            .matcher(r.stderr())
            .find(),
        r.stderr());
    assertFalse(Files.exists(s.logDir), "no log directory is made");
  }

  @Test
  void anEmptyLogDirNeverReachesAnInetdClientWhoseSocketIsStderr() throws Exception {
    Sandbox sb = new Sandbox(dir, "log_dir = \"\"\nrelay_nets = 127.0.0.1/32\n");
    int port = SmtpPeer.freePort();
    Process socat =
        SmtpPeer.socat(
            sb,
            port,
            "EXEC:" + Sandbox.bin("masq-smtpd") + " -C " + sb.conf + " -odq,nofork,stderr");
    try {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(30_000);
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        var out = s.getOutputStream();
        assertTrue(in.readLine().startsWith("220 "));
        for (String[] step :
            new String[][] {
              {"HELO pc.lan", "250"},
              {"MAIL FROM:<a@pc.lan>", "250"},
              {"RCPT TO:<carol@test.example>", "250"},
              {"DATA", "354"},
              {"Subject: x\r\n\r\nbody\r\n.", "250"},
              {"QUIT", "221"},
            }) {
          out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          String reply = in.readLine();
          assertTrue(reply.startsWith(step[1]), step[0] + " got: " + reply);
        }
        assertEquals(null, in.readLine(), "nothing after 221: the log line was not sent");
      }
    } finally {
      SmtpPeer.stop(socat);
    }
    assertEquals(1, sb.queuedIds().size());
  }

  @Test
  void anEmptyLogDirGivesAStandaloneServersDeliveriesItsStderr() throws Exception {
    Sandbox sb = new Sandbox(dir, "log_dir = \"\"\n");
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of());
        SmtpPeer.Client c = new SmtpPeer.Client(srv.port)) {
      assertEquals(220, c.reply().code());
      c.cmd("HELO pc.lan");
      c.cmd("MAIL FROM:<a@pc.lan>");
      assertEquals(250, c.cmd("RCPT TO:<carol@test.example>").code());
      assertEquals(354, c.cmd("DATA").code());
      c.send("Subject: x\r\n\r\nbody\r\n.\r\n");
      assertEquals(250, c.reply().code());
      c.cmd("QUIT");
      Await.until("the delivery's line", () -> srv.output().contains(" => carol@test.example"));
      String out = srv.output();
      assertTrue(out.contains(" <= a@pc.lan "), out);
      assertTrue(out.contains(" => carol@test.example"), "the delivery's line: " + out);
    }
    assertFalse(Files.exists(sb.logDir), "no log directory is made");
  }
}
