package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An AUTH exchange that gets a reply AUTH never gives (250 where 334 or 235 belongs) says so in the
 * log and the spool, for PLAIN, LOGIN and CRAM-MD5, instead of calling it a refusal; the recipient
 * is deferred. A SCRAM-SHA-256 server whose signature is wrong, and a server that would get a
 * password in clear, get nothing. The server is a small python3 script on loopback (oddauth.py).
 */
class AuthReplyTest {
  @TempDir Path tmp;

  /** Runs oddauth.py in {@code mode}; returns the process, its port on the first stdout line. */
  Process server(String mode) throws Exception {
    Path script = tmp.resolve("oddauth.py");
    if (!Files.exists(script)) {
      try (var in = AuthReplyTest.class.getResourceAsStream("oddauth.py")) {
        Files.copy(in, script);
      }
    }
    return new ProcessBuilder("/usr/bin/python3", script.toString(), mode)
        .redirectError(tmp.resolve("oddauth-" + mode + ".err").toFile())
        .start();
  }

  static int port(Process p) throws Exception {
    String line =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    return Integer.parseInt(line.strip());
  }

  /**
   * A sandbox with one route per mechanism (named after it) to oddauth.py on {@code port}, each
   * with {@code extra} lines, and one message for anna@far.example queued.
   */
  Sandbox box(String mode, int port, List<String> mechanisms, String extra) throws Exception {
    Path routes = Files.createDirectories(tmp.resolve("routes-" + mode));
    StringBuilder conf = new StringBuilder();
    for (String mech : mechanisms) {
      Path r = routes.resolve(mech + ".route");
      Files.writeString(
          r,
          "mail_host = 127.0.0.1:"
              + port
              + "\nauth_name = "
              + mech
              + "\nauth_login = joe\nauth_secret = secret\n"
              + extra);
      conf.append("query_routes.").append(mech).append(" = \"").append(r).append("\"\n");
    }
    Sandbox box = new Sandbox(tmp.resolve("box-" + mode), conf.toString());
    box.run("Subject: a\n\nb\n", "masq-inject", "-odq", "-f", "joe", "anna@far.example").expect(0);
    return box;
  }

  void unexpected(String mode, List<String> mechanisms) throws Exception {
    Process p = server(mode);
    try {
      int port = port(p);
      Sandbox box = box(mode, port, mechanisms, "auth_allow_plaintext = true\n");
      String id = box.queuedIds().get(0);
      for (String mech : mechanisms) {
        String name = mech.toUpperCase(java.util.Locale.ROOT);
        Sandbox.Run run = box.run("", "masq-deliver", "-v", "--route", mech).expect(0);
        String why =
            "AUTH "
                + name
                + ": unexpected reply 250 from [127.0.0.1]:"
                + port
                + " (wanted 334 or 235)";
        String line =
            id
                + " == anna@far.example route="
                + mech
                + " link="
                + mech
                + " host=[127.0.0.1]:"
                + port
                + " "
                + why
                + "\n";
        assertTrue(box.log().contains(line), box.log());
        assertTrue(
            run.stderr().contains("route=" + mech + " link=" + mech + ": 0 sent, 1 deferred"),
            run.stderr());
        assertEquals(List.of(id), box.queuedIds(), "deferred");
        assertTrue(
            box.envelope(id).contains("<anna@far.example>\t\t" + why + "\n"), box.envelope(id));
      }
      assertFalse(box.log().contains("refused"), box.log());
      assertFalse(Files.exists(box.mailDir.resolve("joe")), "a deferral bounces nothing");
    } finally {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void a250ToTheAuthCommandIsAnUnexpectedReply() throws Exception {
    unexpected("first", List.of("plain", "login", "cram-md5"));
  }

  @Test
  void a250ToTheAnswerOfAChallengeIsAnUnexpectedReply() throws Exception {
    unexpected("second", List.of("login", "cram-md5"));
  }

  /** The commands (first words) oddauth.py in {@code mode} was sent, outside the AUTH exchange. */
  List<String> commands(String mode) throws Exception {
    return Files.readAllLines(tmp.resolve("oddauth-" + mode + ".err"));
  }

  @Test
  void aScramServerWhoseSignatureIsWrongGetsNoMail() throws Exception {
    Process p = server("scram");
    try {
      int port = port(p);
      Path r = tmp.resolve("scram.route");
      // no auth_name: SCRAM-SHA-256, the only mechanism offered, is chosen, without TLS too
      Files.writeString(
          r, "mail_host = 127.0.0.1:" + port + "\nauth_login = joe\nauth_secret = secret\n");
      Sandbox box = new Sandbox(tmp.resolve("box-scram"), "query_routes.s = \"" + r + "\"\n");
      box.run("Subject: a\n\nb\n", "masq-inject", "-odq", "-f", "joe", "anna@far.example")
          .expect(0);
      String id = box.queuedIds().get(0);
      box.run("", "masq-deliver", "--route", "s").expect(0);
      String why =
          "AUTH SCRAM-SHA-256 with [127.0.0.1]:"
              + port
              + " failed: the server's signature is wrong: it does not know the password"
              + " (nothing sent)";
      assertTrue(box.log().contains(id + " == anna@far.example route=scram link=s"), box.log());
      assertTrue(box.log().contains(why), box.log());
      assertEquals(List.of(id), box.queuedIds(), "deferred");
      assertEquals(List.of("EHLO", "AUTH", "QUIT"), commands("scram"), "no MAIL after the proof");
    } finally {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void plainAndLoginAreNotSentWithoutTlsUnlessTheRouteAllowsIt() throws Exception {
    Process p = server("first");
    try {
      int port = port(p);
      Sandbox box = box("clear", port, List.of("plain", "login"), "");
      for (String mech : List.of("plain", "login")) {
        box.run("", "masq-deliver", "--route", mech).expect(0);
        assertTrue(
            box.log()
                .contains(
                    "AUTH "
                        + mech.toUpperCase(java.util.Locale.ROOT)
                        + " not used with [127.0.0.1]:"
                        + port
                        + ": it would send the secret without TLS (tls = starttls or smtps, or"
                        + " auth_allow_plaintext = true)"),
            box.log());
      }
      assertEquals(1, box.queuedIds().size(), "deferred");
      assertEquals(List.of("EHLO", "QUIT", "EHLO", "QUIT"), commands("first"), "no AUTH at all");
    } finally {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
