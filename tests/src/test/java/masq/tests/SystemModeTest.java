package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * System mode end to end, as root (as CI runs): two throw-away users made with useradd (removed
 * afterwards, also when a test fails), a spool set up by examples/install-system.sh and owned by
 * mail, and the real launchers run as those users and as mail through setpriv. Shows who may do
 * what: users inject through the maildrop only, a pickup gives each message its owner's identity,
 * -f counts only for trusted_users, nobody reads another's mail, hostile drops end in corrupt/ with
 * a log line, and local delivery makes Debian /var/mail-style mailboxes.
 */
class SystemModeTest extends WithThrowawayUsers {

  static final String MSG = "Subject: hello\n\nhi\n";

  /** Each user injects through the maildrop; mail's pickup queues both with their identities. */
  private List<String> injectAndPickUp(Sys s) throws Exception {
    s.run(A, MSG, "masq-inject", "-f", "boss@corp.example", "far@remote.example").expect(0);
    s.run(B, MSG, "masq-inject", "-f", "list@corp.example", "far@remote.example").expect(0);
    assertEquals(List.of(), s.ids(), "nothing in the queue before the pickup");
    s.run("mail", null, "masq-deliver").expect(0);
    List<String> ids = s.ids();
    assertEquals(2, ids.size(), s.log());
    return ids;
  }

  @Test
  void usersInjectThroughTheMaildropAndThePickupGivesEachItsOwnersIdentity(TestInfo info)
      throws Exception {
    Sys s = setUp(info, "");
    assertEquals("mail:mail:711", stat(s.spool()));
    assertEquals("mail:mail:1733", stat(s.maildrop()));
    for (String d : List.of("queue", "tmp", "corrupt")) {
      assertEquals("mail:mail:700", stat(s.spool().resolve(d)), d);
    }
    s.run(A, MSG, "masq-inject", "-f", "boss@corp.example", "far@remote.example").expect(0);
    s.run(B, MSG, "masq-inject", "-f", "list@corp.example", "far@remote.example").expect(0);
    List<String> owners = new ArrayList<>();
    try (var drops = Files.list(s.maildrop())) {
      for (Path p : drops.toList()) {
        assertTrue(p.getFileName().toString().endsWith(".drop"), p.toString());
        owners.add(stat(p).split(":")[0]);
      }
    }
    assertEquals(
        List.of(A, B), owners.stream().sorted().toList(), "one durable drop per user, owned by it");
    assertEquals(List.of(), s.ids(), "an ordinary user never writes the queue");
    s.run("mail", null, "masq-deliver").expect(0);
    List<String> ids = s.ids();
    assertEquals(2, ids.size(), s.log());
    String envA = s.envelope(ids.get(0));
    String envB = s.envelope(ids.get(1));
    if (!envA.contains("ident\t" + A)) {
      String t = envA;
      envA = envB;
      envB = t;
    }
    assertTrue(
        envA.contains("sender\t<" + A + "@test.example>\n"),
        "-f ignored, A is not trusted:\n" + envA);
    assertTrue(
        envA.contains("ident\t" + A + "\n") && envA.contains("uid\t" + uidOf(A) + "\n"), envA);
    assertTrue(
        envB.contains("sender\t<list@corp.example>\n"), "-f honoured for trusted_users:\n" + envB);
    assertTrue(
        envB.contains("ident\t" + B + "\n") && envB.contains("uid\t" + uidOf(B) + "\n"), envB);
    String msgA =
        Files.readString(
            s.queue()
                .resolve(
                    envA.lines()
                            .filter(l -> l.startsWith("id\t"))
                            .findFirst()
                            .orElseThrow()
                            .substring(3)
                        + ".msg"));
    assertTrue(
        msgA.contains("from userid " + uidOf(A) + ")"),
        "Received: names the owner's uid:\n" + msgA);
    assertTrue(
        msgA.lines().anyMatch(l -> l.startsWith("From: ") && l.contains(A + "@test.example")),
        msgA);
    for (String id : ids) {
      assertEquals("mail:mail", stat(s.queue().resolve(id + ".msg")).replaceAll(":[0-7]+$", ""));
    }
    String log = s.log();
    assertTrue(
        log.contains("picked up from maildrop")
            && log.contains(" of " + A)
            && log.contains(" of " + B),
        log);
    try (var drops = Files.list(s.maildrop())) {
      assertEquals(0, drops.count(), "the maildrop is empty again");
    }
  }

  @Test
  void aUserCannotReadTheQueueNorListReadOrRemoveAnothersMessages(TestInfo info) throws Exception {
    Sys s = setUp(info, "");
    List<String> ids = injectAndPickUp(s);
    String idB =
        ids.stream()
            .filter(i -> {
              try {
                return s.envelope(i).contains("ident\t" + B);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            })
            .findFirst()
            .orElseThrow();
    assertNotEquals(
        0, as(A, List.of("ls", s.queue().toString()), null).exit(), "A lists the queue");
    assertNotEquals(
        0, as(A, List.of("ls", s.maildrop().toString()), null).exit(), "A lists the maildrop");
    assertNotEquals(
        0, as(A, List.of("cat", s.queue().resolve(idB + ".msg").toString()), null).exit());
    // a spool set up before the per-user status area existed (StatusAreaIsolationTest shows the
    // area)
    Sandbox.exec(List.of("rm", "-rf", s.spool().resolve("users").toString()), null, Map.of())
        .expect(0);
    for (String[] cmd :
        List.of(
            new String[] {"list"},
            new String[] {"cat", idB},
            new String[] {"show", idB},
            new String[] {"remove", idB},
            new String[] {"hold", idB})) {
      Sandbox.Run r = s.run(A, null, "masq-queue", cmd).expect(73);
      assertTrue(
          r.stderr().startsWith("masq-queue: the queue in ")
              && r.stderr().contains("readable only by mail and root")
              && r.stderr().strip().lines().count() == 1,
          r.stderr());
      assertEquals("", r.out());
    }
    assertEquals(ids, s.ids(), "nothing removed");
    Sandbox.Run run = s.run(A, null, "masq-deliver").expect(73);
    assertEquals(
        "masq-deliver: cannot read the spool "
            + s.spool()
            + ": permission denied"
            + " (system mode: run masq-deliver as mail or root)\n",
        run.stderr());
    String all = s.run("mail", null, "masq-queue", "list").expect(0).out();
    assertTrue(all.contains(ids.get(0)) && all.contains(ids.get(1)), all);

    // defence in depth: even with a queue an admin made readable, A sees and touches only A's own
    Sandbox.exec(List.of("chmod", "-R", "go+rX", s.queue().toString()), null, Map.of()).expect(0);
    String listA = s.run(A, null, "masq-queue", "list").expect(0).out();
    assertEquals(1, listA.lines().filter(l -> l.contains(" <= ")).count(), listA);
    assertTrue(listA.contains("ident=" + A) && !listA.contains(idB), listA);
    assertTrue(
        s.run(A, null, "masq-queue", "cat", idB)
            .expect(67)
            .stderr()
            .contains("no such message among yours"));
    s.run(A, null, "masq-queue", "show", idB).expect(67);
    assertNotEquals(0, s.run(A, null, "masq-queue", "remove", idB).exit());
    assertEquals(ids, s.ids(), "nothing removed");
    s.run("mail", null, "masq-queue", "remove", idB).expect(0);
    assertFalse(s.ids().contains(idB));
  }

  @Test
  void hostileDropsEndInCorruptWithALogLineAndNothingOutsideIsTouched(TestInfo info)
      throws Exception {
    Sys s = setUp(info, "max_msg_size = 10M\n");
    String shadowBefore = digest(Path.of("/etc/shadow"));
    long shadowModified = Files.getLastModifiedTime(Path.of("/etc/shadow")).toMillis();
    Path bFile = Files.writeString(s.dir().resolve("b-private"), "B's secret\n");
    Sandbox.exec(List.of("chown", B + ":" + B, bFile.toString()), null, Map.of()).expect(0);
    Files.setPosixFilePermissions(bFile, PosixFilePermissions.fromString("rw-------"));
    Path drop = s.maildrop();
    String uidB = uidOf(B);
    String script =
        "set -e; cd "
            + drop
            + "\n"
            + "ln -s /etc/shadow link.drop\n"
            + "mkfifo fifo.drop\n"
            + "truncate -s 2G sparse.drop\n"
            + "printf 'masq-drop 1\\nuid\\t"
            + uidB
            + "\\nrcpt\\t<far@remote.example>\\nend\\nSubject: x\\n\\nforged\\n' > forged.drop\n"
            + "printf '\\001\\002\\377\\000garbage\\r\\n' > garbage.drop\n"
            + "printf 'masq-drop 1\\nend\\nSubject: x\\n\\nmine\\n' > own.txt; ln own.txt hard.drop\n"
            + "printf 'masq-drop 1\\nuid\\t"
            + uidOf(A)
            + "\\nrcpt\\t<far@remote.example>\\nend\\n\\nx\\n' > closed.drop; chmod 0 closed.drop\n"
            + "mkdir dir.drop; : > dir.drop/inside\n"
            + "printf 'garbage' > "
            + "L".repeat(250)
            + "\n"
            + "if ln "
            + bFile
            + " foreign.drop 2>/dev/null; then echo linked; else echo refused; fi\n";
    Sandbox.Run made = as(A, List.of("sh", "-c", script), null).expect(0);
    boolean foreignLinked = made.out().contains("linked");
    assertTrue(made.out().contains("refused") || foreignLinked, made.out());

    s.run(B, MSG, "masq-inject", "far@remote.example").expect(0);
    Sandbox.Run run = s.run("mail", null, "masq-deliver").expect(0);
    List<String> queued = s.ids();
    assertEquals(
        1, queued.size(), "only B's good drop is queued, hostile ones do not stop it: " + s.log());
    assertTrue(s.envelope(queued.get(0)).contains("ident\t" + B + "\n"));
    String log = s.log();
    for (String why :
        List.of(
            "link.drop.pickup refused: a symbolic link",
            "fifo.drop.pickup refused: not a regular file",
            "sparse.drop.pickup refused: too large",
            "forged.drop.pickup refused: forged identity",
            "garbage.drop.pickup refused: not a masq drop file",
            "hard.drop.pickup refused: has 2 hard links",
            "own.txt.pickup refused: has 2 hard links",
            "closed.drop.pickup refused: not readable (mode 0)",
            "maildrop dir.drop not picked up: ",
            ".pickup refused: not a masq drop file")) {
      assertTrue(log.contains(why), why + " in\n" + log + run.stderr());
    }
    if (foreignLinked) {
      assertTrue(log.contains("foreign.drop.pickup refused: has 2 hard links"), log);
    }
    List<String> corrupt = s.corrupt();
    assertEquals(foreignLinked ? 10 : 9, corrupt.size(), corrupt.toString());
    assertTrue(
        Files.isSymbolicLink(s.spool().resolve("corrupt/link.drop.pickup")),
        "the link was moved, not followed");
    assertEquals(shadowBefore, digest(Path.of("/etc/shadow")), "/etc/shadow untouched");
    assertEquals(shadowModified, Files.getLastModifiedTime(Path.of("/etc/shadow")).toMillis());
    assertEquals("B's secret\n", Files.readString(bFile));
    assertEquals(B + ":" + B + ":600", stat(bFile));
    assertTrue(
        corrupt.stream().anyMatch(n -> n.startsWith("odd-name-")),
        "a name too long to extend: " + corrupt);
    try (var drops = Files.list(drop)) {
      assertEquals(
          List.of("dir.drop"),
          drops.map(p -> p.getFileName().toString()).toList(),
          "a directory mail may not move stays, logged; everything else is gone");
    }
  }

  @Test
  void rootMailAndSmtpdWriteTheQueueDirectlyAndMailManagesWhatRootQueued(TestInfo info)
      throws Exception {
    Sys s = setUp(info, "");
    s.run(null, MSG, "masq-inject", "-odq", "-f", "ops@corp.example", "far@remote.example")
        .expect(0);
    s.run("mail", MSG, "masq-inject", "-odq", "far@remote.example").expect(0);
    String smtp =
        "HELO lan\r\nMAIL FROM:<x@lan.example>\r\nRCPT TO:<"
            + B
            + "@test.example>\r\nDATA\r\n"
            + "Subject: over smtp\r\n\r\nhi\r\n.\r\nQUIT\r\n";
    Sandbox.Run r = s.run("mail", smtp, "masq-smtpd", "-odq").expect(0);
    assertTrue(r.out().contains("250 2.0.0"), r.out());
    List<String> ids = s.ids();
    assertEquals(3, ids.size(), s.log());
    try (var m = Files.list(s.maildrop())) {
      assertEquals(0, m.count(), "root, mail and masq-smtpd never use the maildrop");
    }
    for (String id : ids) { // root's files too belong to mail, so that mail's runs can lock them
      assertEquals("mail", stat(s.queue().resolve(id + ".msg")).split(":")[0], id);
    }
    String rootId =
        ids.stream()
            .filter(i -> {
              try {
                return s.envelope(i).contains("sender\t<ops@corp.example>");
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            })
            .findFirst()
            .orElseThrow(() -> new AssertionError("root's -f is honoured"));
    s.run("mail", null, "masq-queue", "hold", rootId).expect(0);
    s.run("mail", null, "masq-queue", "remove", rootId).expect(0);
    assertEquals(2, s.ids().size());
    s.run("mail", null, "masq-queue", "check").expect(0);
  }

  @Test
  void theMaildropMissingOrNotWritableIsAClearError(TestInfo info) throws Exception {
    Sys s = setUp(info, "");
    Sandbox.exec(List.of("chmod", "1730", s.maildrop().toString()), null, Map.of()).expect(0);
    Sandbox.Run r = s.run(A, MSG, "masq-inject", "far@remote.example").expect(73);
    assertTrue(
        r.stderr().startsWith("masq-inject: cannot write to maildrop ")
            && r.stderr().contains("permission denied"),
        r.stderr());
    Sandbox.exec(List.of("rmdir", s.maildrop().toString()), null, Map.of()).expect(0);
    r = s.run(A, MSG, "masq-inject", "far@remote.example").expect(73);
    assertTrue(
        r.stderr().startsWith("masq-inject: no maildrop ")
            && r.stderr().strip().lines().count() == 1,
        r.stderr());
  }

  @Test
  void localDeliveryMakesDebianMailboxesAndRunsMdaAndFilesAsTheRecipient(TestInfo info)
      throws Exception {
    Path out =
        Files.createDirectory(base.resolve("out-" + info.getTestMethod().orElseThrow().getName()));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
    Sys s =
        setUp(
            info,
            "mda_users = "
                + A
                + "\n"
                + "mda = \"/usr/bin/tee "
                + out
                + "/mda-${rcpt_local}\"\n"
                + "alias_file = \""
                + base.resolve(info.getTestMethod().orElseThrow().getName())
                + "/aliases\"\n");
    Files.writeString(s.dir().resolve("aliases"), "tofile: " + out + "/file-out\n");
    s.run(A, MSG, "masq-inject", B, A, "tofile").expect(0);

    // as mail: the mailbox B has not got yet, the MDA and the file are refused, and say why
    s.run("mail", null, "masq-deliver").expect(0);
    String log = s.log();
    assertTrue(log.contains("does not exist and only root can create it for " + B), log);
    assertTrue(
        log.contains("MDA /usr/bin/tee")
            && log.contains("refused: in system mode it runs as the recipient"),
        log);
    assertTrue(log.contains("file " + out + "/file-out refused"), log);
    assertFalse(Files.exists(s.mail().resolve(B)));

    // as root: B's mbox is B's (group mail, 660); the MDA ran as A; the file as mail (no user
    // "tofile")
    s.run(null, null, "masq-deliver").expect(0);
    assertEquals(List.of(), s.ids(), s.log());
    assertEquals(B + ":mail:660", stat(s.mail().resolve(B)));
    assertTrue(Files.readString(s.mail().resolve(B)).contains("\n\nhi\n"));
    assertEquals(A + ":" + A, stat(out.resolve("mda-" + A)).replaceAll(":[0-7]+$", ""));
    assertEquals("mail:mail", stat(out.resolve("file-out")).replaceAll(":[0-7]+$", ""));
    assertTrue(
        Files.readString(out.resolve("file-out")).startsWith("From " + A + "@test.example "));
    assertTrue(
        s.log().contains("(/usr/bin/tee as " + A + ")")
            && s.log().contains("(file " + out + "/file-out as mail)"),
        s.log());

    // as mail again: an existing Debian mailbox is written through group mail, and stays B's
    s.run(A, "Subject: second\n\nagain\n", "masq-inject", B).expect(0);
    s.run("mail", null, "masq-deliver").expect(0);
    assertEquals(List.of(), s.ids(), s.log());
    assertEquals(B + ":mail:660", stat(s.mail().resolve(B)));
    assertTrue(Files.readString(s.mail().resolve(B)).contains("\n\nagain\n"));
    assertFalse(Files.exists(s.mail().resolve(B + ".lock"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aMaildirRootCreatesBelongsToItsUser(TestInfo info) throws Exception {
    Sys s = setUp(info, "maildir_users = " + A + "\n");
    s.run(B, MSG, "masq-inject", A).expect(0);
    s.run("mail", null, "masq-deliver").expect(0);
    assertTrue(s.log().contains("does not exist and only root can create it for " + A), s.log());
    assertFalse(Files.exists(s.mail().resolve(A)));
    s.run(null, null, "masq-deliver").expect(0);
    assertEquals(List.of(), s.ids(), s.log());
    Path folder = s.mail().resolve(A);
    for (Path p :
        List.of(folder, folder.resolve("new"), folder.resolve("cur"), folder.resolve("tmp"))) {
      // (the setgid bit of a /var/mail-style directory is inherited; the group gets nothing)
      assertEquals(A + ":700", stat(p).replaceAll(":[^:]+:2?", ":"), p.toString());
    }
    try (var files = Files.list(folder.resolve("new"))) {
      Path m = files.findFirst().orElseThrow();
      assertEquals(A + ":600", stat(m).replaceAll(":[^:]+:", ":"));
      assertTrue(Files.readString(m).contains("\n\nhi\n"));
    }
  }

  static String digest(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
