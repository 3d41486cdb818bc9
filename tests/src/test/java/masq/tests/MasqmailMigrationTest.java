package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A masqmail user's configuration (tests/src/test/resources/masqmail: masqmail.conf with every
 * option masqmail.conf(5) documents, two dial-up provider routes and a LAN route with every route
 * option, aliases) used by masq unchanged: mail is accepted, routes rewrite as masqmail would,
 * local mail is delivered, and exactly the options masq accepts but ignores are said, by file, line
 * and name, where a user asks (masq-queue check, -v) and nowhere else: a masqmail user's cron job
 * and every mailq stay quiet.
 */
class MasqmailMigrationTest {
  @TempDir Path tmp;
  Path conf;

  private static final String MSG =
      "From: john\nTo: someone@far.example\nCc: root\nBcc: webmaster\n"
          + "Reply-To: john\nSubject: from masqmail days\n\nhello\n";

  @BeforeEach
  void copyTheConfiguration() throws Exception {
    Path src = Sandbox.HOME.resolve("tests/src/test/resources/masqmail");
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.toList()) {
        Path to = tmp.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
          if (to.toString().endsWith(".route")) { // they hold auth_secret: the owner's alone
            Files.setPosixFilePermissions(
                to, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
          }
        }
      }
    }
    conf = tmp.resolve("masqmail.conf");
  }

  /** "PREFIXFILE:LINE: ..." for the line of {@code file} that sets {@code option}. */
  private String note(String prefix, String file, String option, String text) throws Exception {
    List<String> lines = Files.readAllLines(tmp.resolve(file));
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(option + " =")) {
        return prefix + tmp.resolve(file) + ":" + (i + 1) + ": " + text;
      }
    }
    throw new AssertionError(option + " is not in " + file);
  }

  /**
   * What masq says of the options it ignores in masqmail.conf, each line starting {@code prefix}.
   */
  private List<String> mainNotes(String prefix) throws Exception {
    List<String> w = new ArrayList<>();
    for (String o :
        List.of("online_detect", "online_pipe", "remote_port", "alias_local_caseless")) {
      w.add(
          note(
              prefix,
              "masqmail.conf",
              o,
              "masqmail option '" + o + "' is not applicable to masq and is ignored"));
    }
    w.add(
        note(
            prefix,
            "masqmail.conf",
            "lock_dir",
            "masqmail option 'lock_dir' has no effect in masq: messages are locked in the spool"));
    w.add(
        note(
            prefix,
            "masqmail.conf",
            "debug_level",
            "masqmail option 'debug_level' has no effect in masq: use -v"));
    return w;
  }

  /** The same for isp2.route, the route file with masqmail options masq ignores. */
  private List<String> routeNotes(String prefix) throws Exception {
    List<String> w = new ArrayList<>();
    for (String o : List.of("protocol", "expand_h_sender_domain", "pop3_login")) {
      w.add(
          note(
              prefix,
              "isp2.route",
              o,
              "masqmail route option '" + o + "' is not applicable to masq and is ignored"));
    }
    return w;
  }

  private static List<String> warnings(Sandbox.Run r) {
    return r.stderr().lines().filter(l -> l.contains(": warning: ")).toList();
  }

  private Sandbox.Run run(String stdin, String tool, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(Sandbox.bin(tool).toString(), "-C", conf.toString()));
    cmd.addAll(List.of(args));
    return Sandbox.exec(
        cmd, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  @Test
  void mailIsAcceptedQuietlyAndTheIgnoredOptionsAreSaidByCheckAndVerboseRunsOnce()
      throws Exception {
    for (String tool : List.of("sendmail", "masq-inject")) {
      Sandbox.Run r = run(MSG, tool, "-t", "-i").expect(0);
      assertEquals("", r.stderr(), tool + ": nothing for cron to mail");
    }
    Sandbox.Run mailq = run(null, "sendmail", "-bp").expect(0);
    assertEquals("", mailq.stderr());
    List<String> all = new ArrayList<>(mainNotes("note: "));
    all.addAll(routeNotes("note: "));
    Sandbox.Run check = run(null, "masq-queue", "check");
    assertEquals(
        all.stream().sorted().toList(),
        check.out().lines().filter(l -> l.startsWith("note: ")).sorted().toList(),
        check.out());
    assertEquals("", check.stderr(), "said once, on stdout");
    Sandbox.Run verbose = run(null, "masq-queue", "-v", "check");
    assertEquals(
        all.size(), verbose.stderr().lines().filter(l -> l.contains(": note: ")).count(), "once");
    assertEquals(0, verbose.out().lines().filter(l -> l.startsWith("note: ")).count(), "once");
    Path queue = tmp.resolve("spool/queue");
    List<String> ids = SpoolFiles.ids(queue);
    assertEquals(2, ids.size(), "do_queue = true: both stay queued");
    for (String id : ids) {
      String env = SpoolFiles.envelope(queue, id);
      for (String rcpt :
          List.of("<someone@far.example>", "<root@pc.home.lan>", "<webmaster@pc.home.lan>")) {
        assertTrue(env.contains(rcpt), rcpt + " in " + env);
      }
      String msg = new String(SpoolFiles.data(queue, id), StandardCharsets.ISO_8859_1);
      assertTrue(!msg.contains("Bcc:") && msg.contains("Subject: from masqmail days"), msg);
    }
    // with --strict, the first option masq does not know is an error naming it
    Sandbox.Run strict = run(MSG, "masq-inject", "--strict", "-t", "-i").expect(78);
    assertTrue(strict.stderr().contains("'online_detect'"), strict.stderr());
    Sandbox.Run v = run(MSG, "masq-inject", "-v", "-t", "-i").expect(0);
    for (String n : mainNotes("masq-inject: note: ")) {
      assertTrue(v.stderr().contains(n + "\n"), n + " in\n" + v.stderr());
    }
  }

  @Test
  void routesRewriteAsMasqmailsAndShowEveryOptionTheySet() throws Exception {
    Sandbox.Run isp1 =
        run(MSG, "masq-rewrite", "--route", "isp1", "--envelope", "-f", "john").expect(0);
    assertEquals(List.of(), warnings(isp1), "nothing masq ignores is a warning");
    assertTrue(isp1.stderr().contains("note: <root@pc.home.lan> is local"), isp1.stderr());
    String out = isp1.out();
    assertTrue(
        out.startsWith("MAIL FROM:<jsmith@isp1.example>\r\n")
            || out.startsWith("MAIL FROM:<jsmith@isp1.example>\n"),
        out);
    assertTrue(out.contains("From: John Smith <jsmith@isp1.example>\n"), out);
    assertTrue(out.contains("Reply-To: John Smith <jsmith@isp1.example>\n"), out);
    assertTrue(out.contains("To: someone@far.example\n"), "To: is never rewritten: " + out);

    Sandbox.Run isp2 =
        run(MSG, "masq-rewrite", "--route", "isp2", "--envelope", "-f", "mary").expect(0);
    assertEquals(List.of(), warnings(isp2));
    assertTrue(isp2.out().contains("MAIL FROM:<mary@isp2.example>"), isp2.out());
    assertTrue(isp2.out().contains("From: john@isp2.example\n"), isp2.out());

    for (String route : List.of("isp1", "isp2", "lan")) {
      String v =
          run(null, "masq-rewrite", "--route", route, "-v")
              .expect(0)
              .stderr(); // -v: detail on stderr
      for (String line : Files.readAllLines(tmp.resolve(route + ".route"))) {
        int eq = line.indexOf(" = ");
        if (line.startsWith("#") || eq < 0) {
          continue;
        }
        String option = line.substring(0, eq);
        String value = line.substring(eq + 3).replace("\"", "");
        switch (option) {
          case "protocol", "expand_h_sender_domain", "pop3_login" -> {} // warned about above
          case "set_h_from_domain" ->
              assertTrue(v.contains("map_h_from_addresses = *: *@" + value), v);
          case "set_h_reply_to_domain" ->
              assertTrue(v.contains("map_h_reply_to_addresses = *: *@" + value), v);
          case "set_return_path_domain" ->
              assertTrue(v.contains("map_return_path_addresses = *: *@" + value), v);
          case "smtp_port" -> assertTrue(v.contains("  port = " + value + "\n"), v);
          case "auth_secret" ->
              assertTrue(v.contains("  auth_secret = (set, not shown)\n") && !v.contains(value), v);
          default ->
              assertTrue(
                  v.contains("  " + option + " = " + value.replace(";", "; ").replace(";  ", "; "))
                      || v.contains("  " + option + " = " + value),
                  route + ": " + option + " = " + value + " in\n" + v);
        }
      }
    }
  }

  @Test
  void aQueueRunDeliversLocalMailThroughTheAliasesAndLeavesRemoteMailQueued() throws Exception {
    run(MSG, "sendmail", "-t", "-i").expect(0);
    run(null, "sendmail", "-q").expect(0);
    // root and webmaster are aliases of john (and mary); log_user gets a copy
    String john = Files.readString(tmp.resolve("mail/john"));
    assertEquals(
        2,
        john.split("\nSubject: from masqmail days\n", -1).length - 1,
        "root and webmaster: " + john);
    assertTrue(Files.readString(tmp.resolve("mail/mary")).contains("Subject: from masqmail days"));
    assertTrue(
        Files.readString(tmp.resolve("mail/archive")).contains("Subject: from masqmail days"));
    String q = run(null, "sendmail", "-bp").expect(0).out();
    assertTrue(q.contains("== someone@far.example"), q);
    assertTrue(
        !q.contains("== root@") && !q.contains("== webmaster@"), "local recipients are done: " + q);
  }
}
