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
 * is deferred. The server is a small python3 script on loopback (oddauth.py).
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

  void unexpected(String mode, List<String> mechanisms) throws Exception {
    Process p = server(mode);
    try {
      int port = port(p);
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
                + "\nauth_login = joe\nauth_secret = secret\n");
        conf.append("query_routes.").append(mech).append(" = \"").append(r).append("\"\n");
      }
      Sandbox box = new Sandbox(tmp.resolve("box-" + mode), conf.toString());
      box.run("Subject: a\n\nb\n", "masq-inject", "-odq", "-f", "joe", "anna@far.example")
          .expect(0);
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
}
