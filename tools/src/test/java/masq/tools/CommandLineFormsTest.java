package masq.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
import masq.Printable;
import org.apache.commons.cli.CommandLine;
import org.junit.jupiter.api.Test;

/**
 * The option forms every command accepts: Commons CLI's rules in masq-deliver, masq-queue,
 * masq-rewrite and masq-smtpd (CliParser), sendmail's grammar in masq-inject. The end-to-end tests
 * run the documented forms through the launchers; this checks each form, and each mistake's one
 * usage line, in-process.
 */
class CommandLineFormsTest {
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);

  private Deliver deliver() {
    return new Deliver(out, out, Map.of(), Clock.systemUTC());
  }

  private static String usage(MasqException e) {
    assertEquals(Exit.USAGE, e.exitCode());
    return e.getMessage();
  }

  @Test
  void valuesSeparateJoinedOrAfterEquals() throws Exception {
    for (List<String> args :
        List.of(
            List.of("--route", "isp", "-C", "/c"),
            List.of("--route=isp", "-C/c"),
            List.of("-C", "/x", "--route", "lan", "--route=isp", "-C", "/c"))) {
      Deliver d = deliver();
      Deliver.DeliverOptions o = new Deliver.DeliverOptions();
      assertTrue(d.parse(args.toArray(String[]::new), o), args.toString());
      assertEquals("isp", o.route, args.toString());
      assertEquals(Path.of("/c"), d.configFile, args.toString());
    }
  }

  @Test
  void idsRepeatAndVerboseCounts() throws Exception {
    Deliver d = deliver();
    Deliver.DeliverOptions o = new Deliver.DeliverOptions();
    d.parse(new String[] {"-vv", "--id", "A", "B", "-v", "--id=C", "--dry-run"}, o);
    assertEquals(List.of("A", "B", "C"), o.ids);
    assertEquals(3, d.verbose);
    assertTrue(o.dryRun);
  }

  /**
   * A name no file can have (NUL; or a byte the locale cannot encode): one usage line, not a crash.
   */
  @Test
  void aConfigurationFileNoFileCanBeIsOneUsageLine() {
    MasqException e =
        assertThrows(
            MasqException.class,
            () -> deliver().parse(new String[] {"-C", "a\0b"}, new Deliver.DeliverOptions()));
    assertTrue(usage(e).contains("-C a\\x00b: not a file name ("), e.getMessage());
    Inject inject = new Inject(out, out, Map.of(), Clock.systemUTC());
    e = assertThrows(MasqException.class, () -> inject.run(new String[] {"-Ca\0b", "x@y"}));
    assertTrue(usage(e).contains("-C a\\x00b: not a file name ("), e.getMessage());
  }

  @Test
  void mistakesAreOneUsageLine() {
    String[][] cases = {
      {"--frob"},
      {"--rout", "isp"},
      {"--route"},
      {"stray"},
      {"--daemon"},
      {"--id", "A", "-x"},
      {"--domain", "x\ty.example"},
      {"--domain", "a b.example"},
      {"--max-size", "0"},
    };
    String[] said = {
      "unknown option --frob",
      "unknown option --rout",
      "--route needs a value",
      "unknown option or argument stray",
      "--daemon and --interval go together",
      "unknown option -x",
      "--domain takes a domain such as example.org, not 'x\ty.example'",
      "--domain takes a domain such as example.org, not 'a b.example'",
      "--max-size takes a size such as 500k or 2M, not '0'",
    };
    for (int i = 0; i < cases.length; i++) {
      String[] args = cases[i];
      MasqException e =
          assertThrows(
              MasqException.class, () -> deliver().parse(args, new Deliver.DeliverOptions()));
      assertTrue(usage(e).contains(said[i]), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void operandsAmongOptionsAndAfterDoubleDash() throws Exception {
    QueueTool q = new QueueTool(out, out, Map.of(), Clock.systemUTC());
    CommandLine cl = CliParser.parse(q, new String[] {"remove", "--json", "A", "--", "-B"});
    assertEquals(List.of("remove", "A", "-B"), cl.getArgList());
    assertTrue(cl.hasOption("json"));
  }

  @Test
  void helpPrintsTheUsage() throws Exception {
    QueueTool q = new QueueTool(out, out, Map.of(), Clock.systemUTC());
    assertNull(CliParser.parse(q, new String[] {"list", "--help"}));
    assertTrue(stdout.toString(StandardCharsets.UTF_8).startsWith("usage: masq-queue"));
  }

  @Test
  void smtpdListenTakesAnOptionalAddress() throws Exception {
    Smtpd s = new Smtpd(out, out, Map.of(), Clock.systemUTC());
    Smtpd.SmtpdOptions o = new Smtpd.SmtpdOptions();
    s.parse(new String[] {"--listen", "--listen", "[::1]:25", "--listen=:2525", "-odq", "-bs"}, o);
    assertTrue(o.listen && o.queueOnly);
    assertEquals(List.of("[::1]:25", ":2525"), o.addresses);
    Smtpd.SmtpdOptions p = new Smtpd.SmtpdOptions();
    s.parse(new String[] {"-bd", "--pidfile=/run/x.pid"}, p);
    assertTrue(p.listen && p.addresses.isEmpty());
    assertEquals(Path.of("/run/x.pid"), p.pidFile);
  }

  @Test
  void injectKeepsSendmailsGrammar() throws Exception {
    Inject inj = new Inject(out, out, Map.of(), Clock.systemUTC());
    Inject.InjectOptions o = new Inject.InjectOptions();
    inj.parse(
        new String[] {"-Cconf", "-oem", "-oi", "-odq", "-fjohn", "-F", "J S", "-bm", "a", "-t"}, o);
    assertEquals("john", o.sender);
    assertEquals("J S", o.fullName);
    assertTrue(o.dotIgnore);
    assertEquals('q', o.deliveryMode);
    assertFalse(o.fromHeaders, "-t after the first recipient is a recipient");
    assertEquals(List.of("a", "-t"), o.recipients);
    MasqException e =
        assertThrows(
            MasqException.class,
            () -> inj.parse(new String[] {"-Z", "a"}, new Inject.InjectOptions()));
    assertTrue(usage(e).contains("unknown option -Z"), e.getMessage());
  }

  @Test
  void aControlCharacterInAnyArgumentStaysOnOneEscapedLine() {
    // through execute, where every command prints its error: a newline cannot add a line, an
    // escape sequence cannot reach the terminal
    for (String[] args :
        List.of(
            new String[] {"--bogus\nX-Injected: yes"},
            new String[] {"--route=\u001b[31mred", "-C", "/nonexistent/\r\u009b.conf"},
            new String[] {"\u0001"})) {
      stdout.reset();
      int code = deliver().execute(args);
      String printed = stdout.toString(StandardCharsets.UTF_8);
      assertTrue(code == Exit.USAGE || code == Exit.CONFIG || code == Exit.UNAVAILABLE, printed);
      assertEquals(1, printed.split("\n", -1).length - 1, "one line: " + printed);
      assertTrue(
          printed.chars().noneMatch(c -> c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f), printed);
    }
    assertEquals("a\\nb\\x1b[\\x9b\\x09", Printable.of("a\nb\u001b[\u009b\t"));
    assertEquals("plain text, Grüße", Printable.of("plain text, Grüße"));
  }
}
