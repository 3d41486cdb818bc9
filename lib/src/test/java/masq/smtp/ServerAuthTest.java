package masq.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import masq.log.MailLog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AUTH exchange's edge cases that swaks and smtplib do not reach (the end-to-end test is
 * SmtpdAuthTest): the client is a script of answer lines, the user file a real one.
 */
class ServerAuthTest {
  @TempDir Path tmp;
  AuthUsers users;
  final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  MailLog log;
  final Deque<String> answers = new ArrayDeque<>();
  final List<String> challenges = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    Path f = tmp.resolve("users");
    users = new AuthUsers(f);
    users.put("alice", "pässword".toCharArray(), 1000);
    log =
        MailLog.toStream(
            new PrintStream(logged, true, StandardCharsets.UTF_8),
            Clock.systemUTC(),
            ZoneOffset.UTC,
            1,
            false);
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  Reply auth(ServerAuth a, String argument, String... lines) throws Exception {
    answers.clear();
    answers.addAll(List.of(lines));
    return a.command(
        argument,
        true,
        true,
        false,
        c -> {
          challenges.add(c);
          String l = answers.poll();
          return l == null ? null : new SmtpInput.Line(l, false);
        });
  }

  ServerAuth fresh() {
    return new ServerAuth(users, log, "192.0.2.7", 0);
  }

  @Test
  void plainWithAndWithoutInitialResponseAndUtf8Password() throws Exception {
    ServerAuth a = fresh();
    assertEquals(235, auth(a, "PLAIN", b64("\0alice\0pässword")).code());
    assertEquals(List.of(""), challenges, "an empty 334 asks for the response");
    assertEquals("alice", a.user());
    ServerAuth b = fresh();
    assertEquals(235, auth(b, "plain " + b64("alice\0alice\0pässword")).code());
  }

  @Test
  void loginWithTheNameAsInitialResponse() throws Exception {
    ServerAuth a = fresh();
    assertEquals(235, auth(a, "LOGIN " + b64("alice"), b64("pässword")).code());
    assertEquals(List.of(b64("Password:")), challenges);
    ServerAuth b = fresh();
    challenges.clear();
    assertEquals(235, auth(b, "LOGIN", b64("alice"), b64("pässword")).code());
    assertEquals(List.of(b64("Username:"), b64("Password:")), challenges);
  }

  @Test
  void refusalsThatAreNotWrongPasswords() throws Exception {
    ServerAuth a = fresh();
    assertEquals(501, auth(a, "LOGIN", "*").code(), "cancelled");
    assertEquals(501, auth(a, "PLAIN !!notbase64").code());
    assertEquals(501, auth(a, "PLAIN " + b64("no nul at all")).code());
    assertEquals(535, auth(a, "PLAIN " + b64("bob\0alice\0pässword")).code(), "other authzid");
    assertEquals(504, auth(a, "SCRAM-SHA-256").code());
    assertEquals(501, auth(a, "").code());
    assertNull(auth(a, "LOGIN"), "the client went away");
    assertEquals(
        503, a.command("PLAIN", true, true, true, c -> null).code(), "inside a transaction");
    assertEquals(503, a.command("PLAIN", false, true, false, c -> null).code(), "after HELO");
    assertEquals(538, a.command("PLAIN", true, false, false, c -> null).code(), "without TLS");
    assertEquals(
        502, new ServerAuth(null, log, "x", 0).command("PLAIN", true, true, false, null).code());
    assertNull(a.user());
    assertFalse(a.offered(false));
    assertTrue(a.offered(true));
  }

  @Test
  void wrongPasswordsAndUnknownUsersFailAndAreLoggedWithoutThePassword() throws Exception {
    ServerAuth a = fresh();
    Reply r = auth(a, "PLAIN " + b64("\0alice\0letmein-123"));
    assertEquals(535, r.code());
    assertTrue(r.text().startsWith("5.7.8"), r.toString());
    assertEquals(535, auth(a, "PLAIN " + b64("\0zed\0x")).code());
    assertEquals(535, auth(a, "PLAIN " + b64("\0alice\0")).code(), "empty password");
    assertEquals(535, auth(a, "PLAIN " + b64("\0ali:ce\0x")).code(), "a name the file can't hold");
    String l = logged.toString(StandardCharsets.UTF_8);
    assertTrue(l.contains("PLAIN authentication failed for 192.0.2.7: user alice"), l);
    assertTrue(l.contains("user zed"), l);
    assertFalse(l.contains("letmein"), l);
    assertNull(a.user());
    // a correct one still works afterwards on the same connection
    assertEquals(235, auth(a, "PLAIN " + b64("\0alice\0pässword")).code());
    assertEquals(503, auth(a, "PLAIN " + b64("\0alice\0pässword")).code(), "a second AUTH");
  }

  @Test
  void anUnreadableFileIsATemporaryFailure() throws Exception {
    Files.delete(tmp.resolve("users"));
    assertEquals(454, auth(fresh(), "PLAIN " + b64("\0alice\0pässword")).code());
    assertTrue(logged.toString(StandardCharsets.UTF_8).contains("cannot read smtp_auth_file"));
  }

  @Test
  void putReplacesOnlyThatUsersLineAndKeepsComments() throws Exception {
    Path f = tmp.resolve("users");
    Files.writeString(f, "# users\n" + Files.readString(f) + "bob:pbkdf2-sha256:1:AA==:AA==\n");
    assertFalse(users.put("alice", "new".toCharArray(), 1000));
    assertTrue(users.put("carol", "c".toCharArray(), 1000));
    List<String> lines = Files.readAllLines(f);
    assertEquals(4, lines.size(), lines.toString());
    assertEquals("# users", lines.get(0));
    assertTrue(lines.get(1).startsWith("alice:pbkdf2-sha256:1000:"), lines.toString());
    assertEquals("bob:pbkdf2-sha256:1:AA==:AA==", lines.get(2));
    assertTrue(users.verify("alice", "new".toCharArray()));
    assertFalse(users.verify("alice", "pässword".toCharArray()));
    assertTrue(users.verify("carol", "c".toCharArray()));
    assertFalse(users.verify("bob", "x".toCharArray()));
  }
}
