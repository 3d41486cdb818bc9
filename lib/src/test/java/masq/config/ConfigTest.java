package masq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
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
    assertEquals("pc.home.lan", c.hostName());
    assertEquals(List.of("localhost", "pc", "pc.home.lan"), c.localHosts());
    assertTrue(c.caselessMatching());
    assertEquals("/usr/bin/procmail -f \"$return_path\" -d ${rcpt_local}", c.mda());
    assertEquals(10L << 20, c.maxMsgSize());
    assertEquals(List.of(Duration.ofMinutes(30), Duration.ofHours(2)), c.warnIntervals());
    assertEquals(Duration.ofDays(7), c.maxDeferTime());
    assertEquals(
        List.of(Path.of("/etc/masq/isp1.route"), Path.of("/abs/isp1b.route")),
        c.queryRoutes().get("isp1"));
    assertEquals(List.of(Path.of("/etc/masq/lan.route")), c.permanentRoutes());
    assertTrue(c.warnings().isEmpty(), c.warnings().toString());
  }

  @Test
  void quotedValueMaySpanLines() throws Exception {
    Config c = parse("local_hosts = \"localhost;\n  pc\"\nhost_name = x\n");
    assertEquals(List.of("localhost", "pc"), c.localHosts());
    assertEquals("x", c.hostName());
  }

  @Test
  void defaultsWithAFileAndWithout() throws Exception {
    Config c = parse("host_name = mail.example.org\n");
    assertEquals(Path.of("/var/spool/masq"), c.spoolDir());
    assertEquals(List.of("localhost", "mail", "mail.example.org"), c.localHosts());
    assertFalse(c.runAsUser());
    assertEquals("mbox", c.mboxDefault());
    assertEquals(0, c.maxMsgSize());
    assertEquals(6, c.warnIntervals().size());
    assertEquals(List.of("127.0.0.0/8", "::1/128"), c.relayNets());
    assertFalse(c.doRelay());

    Config d = Config.defaults(Map.of("HOME", "/home/u"));
    assertEquals(Path.of("/home/u/.local/state/masq/spool"), d.spoolDir());
    assertEquals(Path.of("/home/u/.local/state/masq/log"), d.logDir());
    assertTrue(d.runAsUser());
    assertEquals("maildir", d.mboxDefault());
    assertEquals("/home/u/Maildir/", d.maildirPath());
    Config x = Config.defaults(Map.of("HOME", "/home/u", "XDG_STATE_HOME", "/st"));
    assertEquals(Path.of("/st/masq/spool"), x.spoolDir());
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
  void unknownAndNotApplicableOptionsWarnAndStrictRefuses() throws Exception {
    Config c = parse("host_name = x\nfrobnicate = 1\nremote_port = 25\nonline_routes.isp = a\n");
    assertEquals(3, c.warnings().size());
    assertTrue(c.warnings().get(0).contains(FILE + ":2: unknown option 'frobnicate'"));
    assertTrue(c.warnings().get(1).contains(":3: masqmail option 'remote_port' is not applicable"));
    assertTrue(c.warnings().get(2).contains(":4: masqmail option 'online_routes.isp'"));
    MasqException e =
        assertThrows(MasqException.class, () -> Config.parse("frobnicate = 1\n", FILE, ENV, true));
    assertEquals(Exit.CONFIG, e.exitCode());
  }

  @Test
  void listItemsMayNameAFile(@TempDir Path dir) throws Exception {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "# local names\nalpha\n\nbeta\n");
    Config c = parse("local_hosts = \"localhost;" + hosts + "\"\n");
    assertEquals(List.of("localhost", "alpha", "beta"), c.localHosts());
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
            false);
    assertEquals("isp1", r.name());
    assertEquals("smtp.isp.example:587", r.setting("mail_host").value());
    assertEquals(2, r.warnings().size());
    assertTrue(r.warnings().get(0).contains("'protocol' is not applicable"));
    assertTrue(r.warnings().get(1).contains("isp1.route:6: unknown route option 'colour'"));
  }

  @Test
  void hostNameStartingWithASlashIsReadFromThatFileAsMasqmailDoes(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("mailname"), "pc.home.lan\n");
    assertEquals("pc.home.lan", parse("host_name = " + dir.resolve("mailname") + "\n").hostName());
    MasqException e =
        assertThrows(MasqException.class, () -> parse("host_name = " + dir.resolve("none") + "\n"));
    assertEquals(Exit.CONFIG, e.exitCode());
    assertTrue(
        e.getMessage().contains("host_name")
            && e.getMessage().contains("cannot read the host name"),
        e.getMessage());
  }

  @Test
  void lockDirAndANonZeroDebugLevelAreWarnedAboutAsWithoutEffect() throws Exception {
    Config c = parse("debug_level = 0\nlock_dir = /var/lock/masqmail\n");
    assertEquals(
        List.of(
            FILE
                + ":2: masqmail option 'lock_dir' has no effect in masq: messages are locked in the spool"),
        c.warnings());
    assertEquals(
        List.of(FILE + ":1: masqmail option 'debug_level' has no effect in masq: use -v"),
        parse("debug_level = 3\n").warnings());
  }
}
