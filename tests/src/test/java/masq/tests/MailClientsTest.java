package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real mail clients (Debian's mutt, bsd-mailx, git send-email, and a cron-style pipe) set up to use
 * bin/sendmail: each message reaches the spool with the envelope the client meant and no Bcc:
 * header. do_queue keeps them queued so the spool can be read.
 */
class MailClientsTest {
  @TempDir Path tmp;
  Sandbox sb;
  Path home;
  Map<String, String> env;
  static final String SENDMAIL = Sandbox.bin("sendmail").toString();

  @BeforeEach
  void sandbox() throws Exception {
    sb = new Sandbox(tmp.resolve("sb"), "do_queue = true\n");
    home = Files.createDirectories(tmp.resolve("home"));
    // the clients find the configuration the way a user's would: through $MASQ_CONF
    env = Map.of("HOME", home.toString(), "MASQ_CONF", sb.conf.toString(), "LC_ALL", "C.UTF-8");
  }

  /** The one queued message: its envelope and its stored text. */
  private String[] theMessage() throws Exception {
    List<String> ids = sb.queuedIds();
    assertEquals(1, ids.size(), "one message queued; log: " + sb.log());
    return new String[] {sb.envelope(ids.get(0)), sb.message(ids.get(0))};
  }

  private static List<String> recipients(String envelope) {
    List<String> r = new ArrayList<>();
    for (String line : envelope.split("\n")) {
      if (line.startsWith("rcpt\t")) {
        String[] f = line.split("\t");
        r.add(f[4]);
      }
    }
    return r;
  }

  private static String sender(String envelope) {
    for (String line : envelope.split("\n")) {
      if (line.startsWith("sender\t")) {
        return line.substring("sender\t".length());
      }
    }
    throw new AssertionError("no sender in " + envelope);
  }

  private static void noBcc(String message) {
    String headers = message.substring(0, message.indexOf("\n\n"));
    assertFalse(headers.toLowerCase(java.util.Locale.ROOT).contains("\nbcc:"), headers);
  }

  @Test
  void muttSendsNonInteractively() throws Exception {
    Path muttrc = tmp.resolve("muttrc");
    Files.writeString(
        muttrc,
        "set sendmail=\""
            + SENDMAIL
            + " -oi -oem\"\n"
            + "set from=\"John Smith <john@test.example>\"\nset use_from=yes\nset envelope_from=yes\n"
            + "set record=\"\"\nset folder=\""
            + home
            + "\"\nset spoolfile=\""
            + home.resolve("inbox")
            + "\"\n"
            + "set charset=\"utf-8\"\n");
    Sandbox.exec(
            List.of(
                "mutt",
                "-n",
                "-F",
                muttrc.toString(),
                "-s",
                "via mutt",
                "-c",
                "cc@far.example",
                "-b",
                "bcc@far.example",
                "to@far.example"),
            "Hello from mutt.\n.\nnot the end\n".getBytes(StandardCharsets.UTF_8),
            env)
        .expect(0);
    String[] m = theMessage();
    assertEquals("<john@test.example>", sender(m[0]));
    assertEquals(
        List.of("<to@far.example>", "<cc@far.example>", "<bcc@far.example>"), recipients(m[0]));
    noBcc(m[1]);
    assertTrue(
        m[1].contains("Subject: via mutt\n")
            && m[1].contains("From: John Smith <john@test.example>\n"),
        m[1]);
    assertTrue(m[1].contains("\n.\nnot the end\n"), "-oi: a lone dot is text: " + m[1]);
  }

  @Test
  void bsdMailxSendsThroughItsSendmailVariable() throws Exception {
    Path mailrc = tmp.resolve("mailrc");
    Files.writeString(mailrc, "set sendmail=" + SENDMAIL + "\n");
    Map<String, String> e = new java.util.HashMap<>(env);
    e.put("MAILRC", mailrc.toString());
    Sandbox.exec(
            List.of(
                "bsd-mailx",
                "-s",
                "via mailx",
                "-c",
                "cc@far.example",
                "-b",
                "bcc@far.example",
                "to@far.example"),
            "Hello from mailx.\n".getBytes(StandardCharsets.UTF_8),
            e)
        .expect(0);
    String[] m = theMessage();
    assertEquals("<" + System.getProperty("user.name") + "@test.example>", sender(m[0]));
    assertEquals(
        List.of("<to@far.example>", "<cc@far.example>", "<bcc@far.example>"), recipients(m[0]));
    noBcc(m[1]);
    assertTrue(m[1].contains("Subject: via mailx\n") && m[1].contains("Hello from mailx."), m[1]);
  }

  @Test
  void gitSendEmailSendsAPatch() throws Exception {
    Path repo = tmp.resolve("repo");
    Sandbox.exec(List.of("git", "init", "-q", repo.toString()), null, env).expect(0);
    for (List<String> c :
        List.of(
            List.of("config", "user.name", "John Smith"),
            List.of("config", "user.email", "john@test.example"),
            List.of("commit", "-q", "--allow-empty", "-m", "base"))) {
      List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString()));
      cmd.addAll(c);
      Sandbox.exec(cmd, null, env).expect(0);
    }
    Files.writeString(repo.resolve("hello.c"), "int main(void) { return 0; }\n");
    Sandbox.exec(List.of("git", "-C", repo.toString(), "add", "hello.c"), null, env).expect(0);
    Sandbox.exec(
            List.of("git", "-C", repo.toString(), "commit", "-q", "-m", "add hello.c"), null, env)
        .expect(0);
    Path patches = tmp.resolve("patches");
    Sandbox.exec(
            List.of(
                "git", "-C", repo.toString(), "format-patch", "-q", "-1", "-o", patches.toString()),
            null,
            env)
        .expect(0);
    Path patch;
    try (var s = Files.list(patches)) {
      patch = s.findFirst().orElseThrow();
    }
    Sandbox.Run r =
        Sandbox.exec(
            List.of(
                "git",
                "-C",
                repo.toString(),
                "send-email",
                "--sendmail-cmd=" + SENDMAIL,
                "--from=John Smith <john@test.example>",
                "--envelope-sender=john@test.example",
                "--to=list@far.example",
                "--cc=reviewer@far.example",
                "--bcc=boss@far.example",
                "--confirm=never",
                "--suppress-cc=all",
                "--no-annotate",
                "--quiet",
                patch.toString()),
            null,
            env);
    r.expect(0);
    String[] m = theMessage();
    assertEquals("<john@test.example>", sender(m[0]));
    assertEquals(
        List.of("<list@far.example>", "<reviewer@far.example>", "<boss@far.example>"),
        recipients(m[0]));
    noBcc(m[1]);
    assertTrue(
        m[1].contains("Subject: [PATCH] add hello.c\n") && m[1].contains("+int main(void)"), m[1]);
  }

  @Test
  void aCronStylePipeWithMailtoAndHeaderRecipients() throws Exception {
    // cron pipes the job's output, headers first, into sendmail -t -i
    String script =
        "{ printf 'From: root (Cron Daemon)\\nTo: ops@far.example\\nCc: admin\\n"
            + "Bcc: audit@far.example\\nSubject: Cron <root@pc> run-parts /etc/cron.daily\\n\\n'; "
            + "echo 'job output'; echo '.'; echo 'after a lone dot'; } | "
            + "\"$0\" -FCronDaemon -i -B8BITMIME -oem -t";
    Sandbox.exec(List.of("sh", "-c", script, SENDMAIL), null, env).expect(0);
    String[] m = theMessage();
    assertEquals(
        List.of("<ops@far.example>", "<admin@test.example>", "<audit@far.example>"),
        recipients(m[0]));
    noBcc(m[1]);
    assertTrue(m[1].contains("job output\n.\nafter a lone dot\n"), m[1]);
    assertTrue(
        m[1].contains("From: root (Cron Daemon)\n"), "a From: written by cron is kept: " + m[1]);
  }

  @Test
  void debianCronsMailtoCommandLine() throws Exception {
    // Debian's cron runs: sendmail -FCronDaemon -i -B8BITMIME -oem MAILTO
    Sandbox.exec(
            List.of(
                "sh",
                "-c",
                "printf 'Subject: nightly\\n\\nall fine\\n' | \"$0\" -FCronDaemon -i -B8BITMIME "
                    + "-oem ops@far.example",
                SENDMAIL),
            null,
            env)
        .expect(0);
    String[] m = theMessage();
    assertEquals(List.of("<ops@far.example>"), recipients(m[0]));
    assertTrue(
        m[1].contains("From: \"CronDaemon\" <") || m[1].contains("From: CronDaemon <"), m[1]);
  }
}
