package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The per-user status area end to end, as root with two throw-away users (removed afterwards;
 * skipped when not root): an ordinary user, who cannot read the queue, lists its own drops and
 * queued messages through {@code users/UID} and asks for changes that the next masq-deliver run (as
 * mail) carries out; never anything of the other user, and nothing a user plants there makes mail
 * act for it.
 */
class StatusAreaIsolationTest extends WithThrowawayUsers {

  static final String MSG = "Subject: hello\n\nhi\n";

  private static String idOf(Sys s, String user) throws Exception {
    for (String id : s.ids()) {
      if (s.envelope(id).contains("ident\t" + user + "\n")) {
        return id;
      }
    }
    throw new AssertionError("no message of " + user + " in " + s.ids());
  }

  @Test
  void eachUserSeesAndChangesOnlyItsOwnThroughTheNextRun(TestInfo info) throws Exception {
    Sys s = setUp(info, "");
    assertEquals("mail:mail:3733", stat(s.spool().resolve("users")));
    s.run(A, MSG, "masq-inject", "far@remote.example").expect(0);
    s.run(B, MSG, "masq-inject", "b-far@remote.example").expect(0);
    Path usersA = s.spool().resolve("users/" + uidOf(A));
    Path usersB = s.spool().resolve("users/" + uidOf(B));
    assertEquals(A + ":mail:770", stat(usersA), "made by A's inject, group mail");

    // before the pickup: A sees its drop waiting, nothing of B's
    String before = s.run(A, null, "masq-queue", "list").expect(0).out();
    assertTrue(
        before.startsWith("no delivery run has published your queued messages yet\n"), before);
    assertEquals(
        1,
        before
            .lines()
            .filter(l ->
                l.endsWith("*waiting for pickup*")
                    && l.contains(" <= " + A + "@test.example size="))
            .count(),
        before);
    assertTrue(before.contains("== far@remote.example") && !before.contains("b-far"), before);
    String json = s.run(A, null, "masq-queue", "list", "--json").expect(0).out();
    assertTrue(json.contains("\"waiting_for_pickup\": true") && !json.contains("b-far"), json);

    s.run("mail", null, "masq-deliver").expect(0);
    String idA = idOf(s, A);
    String idB = idOf(s, B);
    String after = s.run(A, null, "masq-queue", "list").expect(0).out();
    assertTrue(after.startsWith("as of the last delivery run at "), after);
    assertTrue(after.contains(idA + " <= " + A + "@test.example") && !after.contains(idB), after);
    assertFalse(after.contains("waiting for pickup"), "the pickup took the note away: " + after);
    json = s.run(A, null, "masq-queue", "list", "--json").expect(0).out();
    assertTrue(
        json.contains("\"id\": \"" + idA + "\"")
            && json.contains("\"as_of\": \"")
            && !json.contains(idB),
        json);
    assertTrue(
        s.run(A, null, "masq-queue", "show", idA).expect(0).out().contains("id:        " + idA));

    // never another's: not shown, not changed, and users/ not even listable
    for (String cmd : List.of("show", "cat", "remove", "hold")) {
      Sandbox.Run r = s.run(A, null, "masq-queue", cmd, idB).expect(67);
      assertEquals("masq-queue: no such message among yours: " + idB + "\n", r.stderr());
    }
    Sandbox.Run cat = s.run(A, null, "masq-queue", "cat", idA).expect(73);
    assertEquals(
        "masq-queue: cat: queued messages are readable only by mail and root (system mode)\n",
        cat.stderr());
    for (Path p : List.of(s.spool().resolve("users"), usersB)) {
      Sandbox.Run ls = as(A, List.of("ls", p.toString()), null);
      assertNotEquals(0, ls.exit());
      assertTrue(ls.stderr().contains("Permission denied"), ls.stderr());
    }
    assertNotEquals(0, as(A, List.of("cat", usersB.resolve(idB + ".env").toString()), null).exit());

    // a request B plants for A's message, and one that is a symbolic link: refused, logged
    as(B, List.of("touch", usersB.resolve(idA + ".hold").toString()), null).expect(0);
    as(B, List.of("ln", "-s", "/etc/passwd", usersB.resolve(idB + ".remove").toString()), null)
        .expect(0);
    s.run("mail", null, "masq-deliver").expect(0);
    String log = s.log();
    assertTrue(
        log.contains(
            "request users/"
                + uidOf(B)
                + "/"
                + idA
                + ".hold of "
                + B
                + " refused: "
                + idA
                + " is not "
                + B
                + "'s"),
        log);
    assertTrue(
        log.contains(
            "request users/"
                + uidOf(B)
                + "/"
                + idB
                + ".remove of "
                + B
                + " refused: a symbolic link"),
        log);
    assertEquals(List.of(idA, idB).stream().sorted().toList(), s.ids());
    assertFalse(s.envelope(idA).contains("held\t1"), s.envelope(idA));
    assertFalse(
        Files.exists(usersB.resolve(idB + ".remove"), LinkOption.NOFOLLOW_LINKS), "deleted");

    // a word that names no operation is a usage error, as it is for mail, and asks for nothing
    Sandbox.Run bogus = s.run(A, null, "masq-queue", "frobnicate", idA).expect(64);
    assertTrue(bogus.stderr().contains("unknown command 'frobnicate'"), bogus.stderr());
    assertFalse(Files.exists(usersA.resolve(idA + ".frobnicate"), LinkOption.NOFOLLOW_LINKS));

    // A's own removal is a request, carried out by the next run
    Sandbox.Run rm = s.run(A, null, "masq-queue", "remove", idA).expect(0);
    assertTrue(
        rm.out().contains(idA + ": remove requested; the next masq-deliver run carries it out"),
        rm.out());
    assertEquals(2, s.ids().size(), "not before the next run");
    assertTrue(s.run(A, null, "masq-queue", "list").out().contains("*remove requested*"));
    s.run("mail", null, "masq-deliver").expect(0);
    assertEquals(List.of(idB), s.ids(), s.log());
    assertTrue(s.log().contains(idA + " removed at the request of " + A), s.log());
    String empty = s.run(A, null, "masq-queue", "list").expect(0).out();
    assertTrue(empty.endsWith("\nmail queue is empty.\n"), empty);
    assertTrue(
        s.run("mail", null, "masq-queue", "list").expect(0).out().contains(idB), "B's untouched");
  }

  @Test
  void aDirectorySquattedForAnotherUserIsIgnoredWithALogLine(TestInfo info) throws Exception {
    Sys s = setUp(info, "");
    Path squat = s.spool().resolve("users/" + uidOf(A));
    as(B, List.of("mkdir", "-m", "777", squat.toString()), null).expect(0);
    s.run(A, MSG, "masq-inject", "far@remote.example").expect(0);
    Sandbox.Run r = s.run(A, null, "masq-queue", "list").expect(73);
    assertEquals(
        "masq-queue: "
            + squat
            + " is owned by uid "
            + uidOf(B)
            + ", not by you: your status area is unusable; ask the administrator to remove it\n",
        r.stderr());
    s.run("mail", null, "masq-deliver").expect(0);
    assertEquals(1, s.ids().size(), "the mail itself is queued all the same: " + s.log());
    assertTrue(
        s.log()
            .contains(
                "users/" + uidOf(A) + " ignored: owned by uid " + uidOf(B) + ", not " + uidOf(A)),
        s.log());
    try (var in = Files.list(squat)) {
      assertEquals(List.of(), in.toList(), "mail published nothing into B's directory");
    }
  }
}
