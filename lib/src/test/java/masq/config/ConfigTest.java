package masq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
import masq.route.RouteOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  private static final Map<String, String> ENV = Map.of("HOME", "/home/u");
  private static final Path FILE = Path.of("/etc/masq/masq.conf");

  private static Config parse(String text) throws MasqException {
    return Config.parse(text, FILE, ENV, false);
  }

  @Test
  void masqmailSyntaxQuotesCommentsAndLists() throws Exception {
    Config c =
        parse(
            """
            # a comment
            host_name = pc.home.lan   # trailing comment
            local_hosts = "localhost;pc;pc.home.lan"
              caseless_matching=true
            mda = "/usr/bin/procmail -f \\"$return_path\\" -d ${rcpt_local}"
            max_msg_size = 10M
            warn_intervals = "30m;2h"
            max_defer_time = 1w
            query_routes.isp1 = "isp1.route;/abs/isp1b.route"
            permanent_routes = lan.route
            """);
    assertEquals("pc.home.lan", c.names().hostName());
    assertEquals(List.of("localhost", "pc", "pc.home.lan"), c.names().localHosts());
    assertTrue(c.mailboxes().caselessMatching());
    assertEquals("/usr/bin/procmail -f \"$return_path\" -d ${rcpt_local}", c.mailboxes().mda());
    assertEquals(10L << 20, c.accept().maxMsgSize());
    assertEquals(List.of(Duration.ofMinutes(30), Duration.ofHours(2)), c.notices().warnIntervals());
    assertEquals(Duration.ofDays(7), c.notices().maxDeferTime());
    assertEquals(
        List.of(Path.of("/etc/masq/isp1.route"), Path.of("/abs/isp1b.route")),
        c.online().queryRoutes().get("isp1"));
    assertEquals(List.of(Path.of("/etc/masq/lan.route")), c.online().permanentRoutes());
    assertTrue(c.warnings().isEmpty(), c.warnings().toString());
  }

  @Test
  void quotedValueMaySpanLines() throws Exception {
    Config c = parse("local_hosts = \"localhost;\n  pc\"\nhost_name = x\n");
    assertEquals(List.of("localhost", "pc"), c.names().localHosts());
    assertEquals("x", c.names().hostName());
  }

  @Test
  void defaultsWithAFileAndWithout() throws Exception {
    Config c = parse("host_name = mail.example.org\n");
    assertEquals(Path.of("/var/spool/masq"), c.dirs().spoolDir());
    assertEquals(List.of("localhost", "mail", "mail.example.org"), c.names().localHosts());
    assertFalse(c.runAsUser());
    assertEquals("mbox", c.mailboxes().mboxDefault());
    assertEquals(0, c.accept().maxMsgSize());
    assertEquals(6, c.notices().warnIntervals().size());
    assertEquals(List.of("127.0.0.0/8", "::1/128"), c.smtpd().relayNets());
    assertFalse(c.smtpd().doRelay());

    Config d = Config.defaults(Map.of("HOME", "/home/u"));
    assertEquals(Path.of("/home/u/.local/state/masq/spool"), d.dirs().spoolDir());
    assertEquals(Path.of("/home/u/.local/state/masq/log"), d.log().logDir());
    assertTrue(d.runAsUser());
    assertEquals("maildir", d.mailboxes().mboxDefault());
    assertEquals("/home/u/Maildir/", d.mailboxes().maildirPath());
    Config x = Config.defaults(Map.of("HOME", "/home/u", "XDG_STATE_HOME", "/st"));
    assertEquals(Path.of("/st/masq/spool"), x.dirs().spoolDir());
  }

  @Test
  void syntaxErrorsNameFileAndLineAndExit78() {
    for (String[] t :
        new String[][] {
          {"host_name = x\nthis line has no equals\n", ":2:"},
          {"host_name = x\n\nlocal_hosts = \"unterminated\n", ":3:"},
          {"do_queue = maybe\n", ":1:"},
          {"max_msg_size = lots\n", ":1:"},
          {"warn_intervals = \"1h;soon\"\n", ":1:"},
          {"mbox_default = carrier-pigeon\n", ":1:"},
          {"host_name = \"a\" junk\n", ":1:"},
          {"= value\n", ":1:"},
        }) {
      MasqException e = assertThrows(MasqException.class, () -> parse(t[0]), t[0]);
      assertEquals(Exit.CONFIG, e.exitCode());
      assertTrue(e.getMessage().contains(FILE + t[1]), e.getMessage());
    }
  }

  @Test
  void unknownOptionsWarnNotApplicableOnesAreIgnoredAndStrictRefusesBoth() throws Exception {
    Config c = parse("host_name = x\nfrobnicate = 1\nremote_port = 25\nonline_routes.isp = a\n");
    assertEquals(1, c.warnings().size(), c.warnings().toString());
    assertTrue(c.warnings().get(0).contains(FILE + ":2: unknown option 'frobnicate'"));
    assertEquals(2, c.ignored().size(), c.ignored().toString());
    assertTrue(c.ignored().get(0).contains(":3: masqmail option 'remote_port' is not applicable"));
    assertTrue(c.ignored().get(1).contains(":4: masqmail option 'online_routes.isp'"));
    for (String text : List.of("frobnicate = 1\n", "remote_port = 25\n")) {
      MasqException e =
          assertThrows(MasqException.class, () -> Config.parse(text, FILE, ENV, true), text);
      assertEquals(Exit.CONFIG, e.exitCode());
    }
  }

  @Test
  void listItemsMayNameAFile(@TempDir Path dir) throws Exception {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "# local names\nalpha\n\nbeta\n");
    Config c = parse("local_hosts = \"localhost;" + hosts + "\"\n");
    assertEquals(List.of("localhost", "alpha", "beta"), c.names().localHosts());
    MasqException e =
        assertThrows(
            MasqException.class, () -> parse("local_hosts = \"" + dir.resolve("missing") + "\"\n"));
    assertEquals(Exit.CONFIG, e.exitCode());
  }

  @Test
  void missingExplicitFileIsAConfigError(@TempDir Path dir) {
    MasqException e =
        assertThrows(MasqException.class, () -> Config.load(dir.resolve("nope.conf"), ENV, false));
    assertEquals(Exit.CONFIG, e.exitCode());
    assertTrue(e.getMessage().contains("nope.conf"));
  }

  @Test
  void routeFilesRecogniseEveryOptionAndWarnOtherwise() throws Exception {
    RouteConfig r =
        RouteConfig.parse(
            """
            mail_host = "smtp.isp.example:587"
            tls = starttls
            auth_name = plain
            map_h_from_addresses = "john: John Doe <jd@isp.example>"
            protocol = smtp
            colour = blue
            """,
            Path.of("/etc/masq/isp1.route"),
            false,
            RouteOption.FILE_NAMES);
    assertEquals("isp1", r.name());
    assertEquals("smtp.isp.example:587", r.setting("mail_host").value());
    assertEquals(1, r.warnings().size(), r.warnings().toString());
    assertTrue(r.warnings().get(0).contains("isp1.route:6: unknown route option 'colour'"));
    assertEquals(1, r.ignored().size(), r.ignored().toString());
    assertTrue(r.ignored().get(0).contains("isp1.route:5: masqmail route option 'protocol'"));
  }

  @Test
  void hostNameStartingWithASlashIsReadFromThatFileAsMasqmailDoes(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("mailname"), "pc.home.lan\n");
    assertEquals(
        "pc.home.lan", parse("host_name = " + dir.resolve("mailname") + "\n").names().hostName());
    MasqException e =
        assertThrows(MasqException.class, () -> parse("host_name = " + dir.resolve("none") + "\n"));
    assertEquals(Exit.CONFIG, e.exitCode());
    assertTrue(
        e.getMessage().contains("host_name")
            && e.getMessage().contains("cannot read the host name"),
        e.getMessage());
  }

  @Test
  void lockDirAndANonZeroDebugLevelAreIgnoredAsWithoutEffect() throws Exception {
    Config c = parse("debug_level = 0\nlock_dir = /var/lock/masqmail\n");
    assertEquals(
        List.of(
            FILE
                + ":2: masqmail option 'lock_dir' has no effect in masq: messages are locked in the spool"),
        c.ignored());
    assertEquals(List.of(), c.warnings());
    assertEquals(
        List.of(FILE + ":1: masqmail option 'debug_level' has no effect in masq: use -v"),
        parse("debug_level = 3\n").ignored());
  }

  @Test
  void anUnknownOptionSuggestsTheNearestKnownNameOnlyWhenClose() throws Exception {
    Config c =
        parse(
            "maildir_pth = x\nquery_route.isp = a.route\nfrobnicate = 1\nmda_timout = 1s\nsppol = x\n");
    assertEquals(
        List.of(
            FILE + ":1: unknown option 'maildir_pth' (did you mean maildir_path?)",
            FILE + ":2: unknown option 'query_route.isp' (did you mean query_routes.isp?)",
            FILE + ":3: unknown option 'frobnicate'",
            FILE + ":4: unknown option 'mda_timout' (did you mean mda_timeout?)",
            FILE + ":5: unknown option 'sppol'"),
        c.warnings());
    RouteConfig r =
        RouteConfig.parse(
            "mail_hots = x\nwraper = y\n", Path.of("/r/isp.route"), false, RouteOption.FILE_NAMES);
    assertEquals(
        List.of(
            "/r/isp.route:1: unknown route option 'mail_hots' (did you mean mail_host?)",
            "/r/isp.route:2: unknown route option 'wraper' (did you mean wrapper?)"),
        r.warnings());
  }

  @Test
  void warningsFoundBeforeAnErrorInTheSameFileComeWithIt() {
    ConfigError e =
        assertThrows(ConfigError.class, () -> parse("maildir_pth = x\ndo_queue = maybe\n"));
    assertEquals(FILE + ":2: do_queue = \"maybe\": expected true or false", e.getMessage());
    assertEquals(
        List.of(FILE + ":1: unknown option 'maildir_pth' (did you mean maildir_path?)"),
        e.warnings());
    e =
        assertThrows(
            ConfigError.class, () -> parse("frobnicate = 1\nhost_name = x\nno equals here\n"));
    assertEquals(FILE + ":3: syntax error: expected '=' after 'no'", e.getMessage());
    assertEquals(List.of(FILE + ":1: unknown option 'frobnicate'"), e.warnings());
    e =
        assertThrows(
            ConfigError.class,
            () ->
                RouteConfig.parse(
                    "colour = red\nmail_host = \"x\" y\n",
                    Path.of("/r/a.route"),
                    false,
                    RouteOption.FILE_NAMES));
    assertEquals(List.of("/r/a.route:1: unknown route option 'colour'"), e.warnings());
  }

  @Test
  void aQuoteLeftOpenIsReportedWhereItOpens() {
    MasqException e =
        assertThrows(
            MasqException.class,
            () -> parse("host_name = x\nlocal_hosts = \"localhost\n\nmda = \"/bin/x\"\n"));
    assertEquals(
        FILE
            + ":2: syntax error: unterminated quote in the value of 'local_hosts'"
            + " (it runs on to line 4)",
        e.getMessage());
  }

  @Test
  void aHugeLineIsQuotedToEightyCharacters() throws Exception {
    String big = "x".repeat(10 << 20);
    MasqException e = assertThrows(MasqException.class, () -> parse("do_relay = " + big + "\n"));
    assertEquals(
        FILE + ":1: do_relay = \"" + "x".repeat(80) + "...\": expected true or false",
        e.getMessage());
    e = assertThrows(MasqException.class, () -> parse(big + "\n"));
    assertEquals(
        FILE + ":1: syntax error: expected '=' after '" + "x".repeat(80) + "...'", e.getMessage());
    Config c = parse(big + "_x = 1\n");
    assertTrue(c.warnings().get(0).length() < 200, c.warnings().get(0));
  }

  @Test
  void anEmptyLogDirMeansStandardError() throws Exception {
    Config c = parse("log_dir = \"\"\n");
    assertTrue(c.log().logToStderr());
    assertEquals(null, c.log().logDir());
    assertFalse(parse("log_dir = /var/log/m\n").log().logToStderr());
    MasqException e = assertThrows(MasqException.class, () -> parse("spool_dir = \"\"\n"));
    assertEquals(Exit.CONFIG, e.exitCode());
  }

  @Test
  void aFifoOrDirectoryIsRefusedWithoutWaitingAndAMissingRouteFileWarned(@TempDir Path dir)
      throws Exception {
    Path fifo = dir.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    MasqException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () -> assertThrows(MasqException.class, () -> Config.load(fifo, ENV, false)));
    assertEquals("configuration file " + fifo + ": not a regular file (a FIFO)", e.getMessage());
    e = assertThrows(MasqException.class, () -> Config.load(dir, ENV, false));
    assertEquals("configuration file " + dir + ": a directory, not a file", e.getMessage());
    e =
        assertThrows(
            MasqException.class, () -> RouteConfig.load(fifo, false, RouteOption.FILE_NAMES));
    assertEquals("route file " + fifo + ": not a regular file (a FIFO)", e.getMessage());
    e =
        assertThrows(
            MasqException.class,
            () -> parse("local_hosts = \"" + fifo + "\"\n").names().localHosts());
    assertEquals(
        FILE + ":1: local_hosts: list file " + fifo + ": not a regular file (a FIFO)",
        e.getMessage());

    Path conf = dir.resolve("masq.conf");
    Files.writeString(conf, "host_name = x\npermanent_routes = \"lan.route;" + fifo + "\"\n");
    Config c = Config.load(conf, ENV, false);
    assertEquals(
        List.of(
            conf
                + ":2: permanent_routes: route file "
                + dir.resolve("lan.route")
                + ": no such file",
            conf + ":2: permanent_routes: route file " + fifo + ": not a regular file (a FIFO)"),
        c.warnings());
  }

  /**
   * Found by fuzzing masq.conf: a file name the file system cannot hold (here, in the tests' POSIX
   * locale, a byte beyond ASCII; anywhere a NUL) threw InvalidPathException out of the reader.
   */
  @Test
  void aFileNameTheSystemCannotHoldIsTheSettingsError() {
    for (String name : new String[] {"masq/isp.rou\u0080te", "masq/isp\u0000.route"}) {
      try {
        Config.parse(
            "query_routes.isp = \"" + name + "\"\nspool_dir = \"/var/" + name + "\"\n",
            Path.of("/etc/masq/masq.conf"),
            Map.of("HOME", "/home/u"),
            false);
      } catch (MasqException e) {
        assertEquals(Exit.CONFIG, e.exitCode(), e.getMessage());
      }
    }
  }
}
