package masq.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
import masq.spool.Envelope;
import masq.spool.MessageIds;
import masq.spool.MessageLock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-user status area on a real file system, every file the test user's own: the user's side
 * (pending notes, requests) and mail's (pickup, requests carried out, the view published), and the
 * checks on what a user may plant there. (Other users, and a users/ nobody may list, are shown end
 * to end in tests' StatusAreaIsolationTest with throw-away users.)
 */
class StatusAreaTest extends SystemSpoolFixture {
  Path users;

  @BeforeEach
  void setUp() throws Exception {
    users = Files.createDirectories(spool.root().resolve(UserStatusArea.DIR));
  }

  /** masq-inject's maildrop path: the drop, then its pending note. */
  private String inject(String rcpt) throws Exception {
    String drop =
        Maildrop.write(
            Maildrop.dir(spool.root()),
            new MessageIds(Clock.systemUTC(), 1),
            myUid,
            new DropRequest(null, null, false, List.of(rcpt)),
            new ByteArrayInputStream("Subject: x\n\nbody\n".getBytes(StandardCharsets.UTF_8)),
            true,
            0);
    assertNull(
        UserStatusArea.notePending(
            spool.root(), myUid, drop, null, List.of(rcpt), Clock.systemUTC()));
    return drop;
  }

  private List<String> pickup() throws Exception {
    return Maildrop.pickup(spool, cfg, log, l -> false);
  }

  private UserStatus view() throws Exception {
    return UserStatusArea.read(UserStatusArea.own(spool.root(), myUid, false));
  }

  @Test
  void aDropIsPendingUntilPickedUpThenTheViewShowsTheQueuedMessage() throws Exception {
    String drop = inject("a@b");
    Path own = users.resolve(Long.toString(myUid));
    assertTrue(Files.isDirectory(own), "made by the user's inject");
    UserStatus v = view();
    assertEquals(1, v.pending().size());
    assertEquals(drop.substring(0, 15), v.pending().get(0).id());
    assertEquals(List.of("a@b"), v.pending().get(0).recipients());
    assertEquals(-1, v.published());
    assertEquals(List.of(), v.queued());

    String id = pickup().get(0);
    v = view();
    assertEquals(List.of(), v.pending(), "the pickup takes the note away");
    assertEquals(
        List.of(id),
        v.queued().stream().map(Envelope::id).toList(),
        "published right after the pickup");
    assertTrue(v.published() > 0);
    assertEquals(
        "rw-r--r--",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(own.resolve(id + ".env"))));
    assertEquals(spool.read(id), v.envelope(id));
  }

  @Test
  void theViewFollowsTheQueueAndKeepsCopiesThatAreStillCurrent() throws Exception {
    inject("a@b");
    inject("c@d");
    List<String> ids = pickup();
    Path own = users.resolve(Long.toString(myUid));
    Object inode = Files.getAttribute(own.resolve(ids.get(0) + ".env"), "unix:ino");
    try (MessageLock l = spool.lock(ids.get(1))) {
      spool.remove(l);
    }
    Files.writeString(own.resolve(".junk.env.1.tmp"), "a dead run's");
    // a note the user's masq-inject was writing: kept a day (it may still run), then deleted
    Path fresh = Files.writeString(own.resolve(".Vc1Qf2b-00y8-01.ab.pending.tmp"), "half");
    Path old = Files.writeString(own.resolve(".Vc1Qf2b-00y8-02.cd.pending.tmp"), "half");
    Files.setLastModifiedTime(
        old, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(90_000)));
    StatusPublisher.publish(spool, log);
    assertTrue(Files.exists(fresh));
    assertFalse(Files.exists(old), "an inject that died more than a day ago");
    assertEquals(List.of(ids.get(0)), view().queued().stream().map(Envelope::id).toList());
    assertEquals(
        inode, Files.getAttribute(own.resolve(ids.get(0) + ".env"), "unix:ino"), "not rewritten");
    assertFalse(Files.exists(own.resolve(".junk.env.1.tmp")));
    QueueOperation.HOLD.apply(spool, ids.get(0), -1);
    StatusPublisher.publish(spool, log);
    assertTrue(view().envelope(ids.get(0)).held(), "a changed envelope is copied again");
  }

  @Test
  void requestsAreCarriedOutByTheNextRunAndLogged() throws Exception {
    inject("a@b");
    inject("c@d");
    List<String> ids = pickup();
    Path own = UserStatusArea.own(spool.root(), myUid, false);
    UserStatus v = view();
    assertTrue(
        UserStatusArea.request(spool.root(), own, v, ids.get(0), QueueOperation.REMOVE)
            .contains("remove requested"));
    assertTrue(Files.exists(own.resolve(ids.get(0) + ".remove")));
    assertEquals(
        List.of(ids.get(0), ids.get(1)), spool.ids(), "nothing changes before the next run");
    UserStatusArea.request(spool.root(), own, v, ids.get(1), QueueOperation.RELEASE);
    UserStatusArea.request(spool.root(), own, v, ids.get(1), QueueOperation.HOLD);
    assertFalse(Files.exists(own.resolve(ids.get(1) + ".release")), "the last request counts");
    // a message being delivered keeps its request for the run after
    try (MessageLock busy = spool.lock(ids.get(1))) {
      assertNotNull(busy);
      pickup();
    }
    assertEquals(List.of(ids.get(1)), spool.ids());
    assertTrue(Files.exists(own.resolve(ids.get(1) + ".hold")));
    assertTrue(log().contains(ids.get(0) + " removed at the request of " + myLogin), log());
    pickup();
    assertTrue(spool.read(ids.get(1)).held());
    assertTrue(log().contains(ids.get(1) + " held at the request of " + myLogin), log());
    assertEquals(Map.of(), view().requests());
  }

  @Test
  void aUserSeesAndAsksOnlyForItsOwnAndRemovesAWaitingDropAtOnce() throws Exception {
    String drop = inject("a@b");
    Path own = UserStatusArea.own(spool.root(), myUid, false);
    String waiting = drop.substring(0, 15);
    MasqException e =
        assertThrows(
            MasqException.class,
            () ->
                UserStatusArea.request(
                    spool.root(), own, view(), "Vc1zP2a-01E3-00", QueueOperation.REMOVE));
    assertEquals(Exit.NOUSER, e.exitCode());
    assertEquals(
        Exit.NOUSER,
        assertThrows(
                MasqException.class,
                () ->
                    UserStatusArea.request(
                        spool.root(), own, view(), "../../x", QueueOperation.REMOVE))
            .exitCode());
    assertEquals(
        Exit.TEMPFAIL,
        assertThrows(
                MasqException.class,
                () ->
                    UserStatusArea.request(spool.root(), own, view(), waiting, QueueOperation.HOLD))
            .exitCode());
    UserStatusArea.request(spool.root(), own, view(), waiting, QueueOperation.REMOVE);
    assertFalse(Files.exists(Maildrop.dir(spool.root()).resolve(drop)));
    assertEquals(List.of(), view().pending());
    assertEquals(List.of(), pickup(), "nothing left to queue");
  }

  @Test
  void aRefusedDropIsNotedForItsUser() throws Exception {
    String drop = inject("a@b");
    Path file = Maildrop.dir(spool.root()).resolve(drop);
    Files.writeString(file, Files.readString(file).replace("uid\t" + myUid, "uid\t" + (myUid + 1)));
    assertEquals(List.of(), pickup());
    UserStatus v = view();
    assertEquals(List.of(), v.pending());
    assertEquals(1, v.refused().size());
    assertTrue(v.refused().get(0).why().startsWith("forged identity"), v.refused().toString());
    assertEquals(drop.substring(0, 15), v.refused().get(0).id());
  }

  @Test
  void plantedRequestsAndForeignOrLinkedDirectoriesAreRefusedWithALogLine() throws Exception {
    inject("a@b");
    String id = pickup().get(0);
    Path own = users.resolve(Long.toString(myUid));
    // a request that is a symbolic link: refused, deleted, its target untouched
    Path target = Files.writeString(dir.resolve("target"), "keep");
    Files.createSymbolicLink(own.resolve(id + ".remove"), target);
    Files.createDirectory(own.resolve(id + ".hold"));
    pickup();
    assertTrue(spool.exists(id));
    assertTrue(
        log()
            .contains(
                "request users/"
                    + myUid
                    + "/"
                    + id
                    + ".remove of "
                    + myLogin
                    + " refused: a symbolic link"),
        log());
    assertTrue(log().contains(id + ".hold of " + myLogin + " refused: not a regular file"));
    assertFalse(Files.exists(own.resolve(id + ".remove"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("keep", Files.readString(target));

    // a directory for another uid (squatted), one that is a link, one not named by a uid
    long other = myUid + 1000;
    Path squat = Files.createDirectory(users.resolve(Long.toString(other)));
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Files.createSymbolicLink(users.resolve(Long.toString(myUid + 2000)), elsewhere);
    Files.createDirectory(users.resolve("x"));
    pickup();
    StatusPublisher.publish(spool, log);
    String log = log();
    assertTrue(
        log.contains("users/" + other + " ignored: owned by uid " + myUid + ", not " + other), log);
    assertTrue(log.contains("users/" + (myUid + 2000) + " ignored: a symbolic link"), log);
    assertTrue(log.contains("users/x ignored: not a uid"), log);
    try (var s = Files.list(elsewhere)) {
      assertEquals(0, s.count(), "nothing written through the link");
    }
    try (var s = Files.list(squat)) {
      assertEquals(0, s.count(), "nothing published into a squatted directory");
    }
    // masq-queue check reports the three, and --repair moves them out of the way
    assertEquals(
        List.of(
            "unusable status area users/"
                + other
                + ": owned by uid "
                + myUid
                + ", not "
                + other
                + " (squatted? remove it)",
            "unusable status area users/"
                + (myUid + 2000)
                + ": a symbolic link (squatted? remove it)",
            "unusable status area users/x: not a uid (remove it)"),
        spool.check(false, StatusPublisher.unusable(spool)).problems().stream()
            .filter(p -> p.startsWith("unusable"))
            .toList());
    assertEquals(3, spool.check(true, StatusPublisher.unusable(spool)).repairs().size());
    assertEquals(List.of(), spool.check(false, StatusPublisher.unusable(spool)).problems());
    assertTrue(Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS), "the user's own area stays");
    assertTrue(Files.isDirectory(elsewhere), "the link was moved, not followed");
    try (var s = Files.list(spool.root().resolve("corrupt"))) {
      assertEquals(3, s.count());
    }
    // and the user's own commands refuse a directory not theirs
    Files.delete(own.resolve(id + ".env"));
    Files.delete(own.resolve(id + ".hold"));
    Files.delete(own.resolve(UserStatusArea.STAMP));
    Files.delete(own);
    Files.createSymbolicLink(own, elsewhere);
    MasqException e =
        assertThrows(MasqException.class, () -> UserStatusArea.own(spool.root(), myUid, true));
    assertEquals(Exit.CANTCREAT, e.exitCode());
    assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
    assertTrue(
        UserStatusArea.notePending(
                spool.root(), myUid, inject2(), null, List.of("a@b"), Clock.systemUTC())
            .contains("symbolic link"));
  }

  private String inject2() throws Exception {
    return Maildrop.write(
        Maildrop.dir(spool.root()),
        new MessageIds(Clock.systemUTC(), 2),
        myUid,
        new DropRequest(null, null, false, List.of("a@b")),
        new ByteArrayInputStream("Subject: y\n\nbody\n".getBytes(StandardCharsets.UTF_8)),
        true,
        0);
  }

  @Test
  void aSpoolWithoutUsersHasNoViewAndPaysNothing() throws Exception {
    Files.delete(users);
    assertNull(UserStatusArea.own(spool.root(), myUid, true));
    String drop = inject("a@b");
    assertFalse(Files.exists(users), "not made by the user");
    assertNotNull(drop);
    pickup();
    StatusPublisher.publish(spool, log);
    assertFalse(Files.exists(users));
    assertEquals("", log().replaceAll("(?m)^.*(<=|picked up).*\n", ""), "no complaint");
  }
}
