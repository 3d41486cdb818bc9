package masq.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import masq.Exit;
import masq.MasqException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SpoolTest {
  private FileSystem fs;
  private Spool spool;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws Exception {
    fs = MemorySpoolFs.unix();
    spool = MemorySpoolFs.open(fs.getPath("/var/spool/masq"), clock, 4242);
  }

  @AfterEach
  void tearDown() throws Exception {
    fs.close();
  }

  static Envelope envelope(String id, long size, String... rcpts) {
    return new Envelope(
        id,
        1764064800000L,
        "joe@pc.lan",
        "local",
        null,
        null,
        "joe",
        1000,
        size,
        size - 10,
        0,
        false,
        java.util.Arrays.stream(rcpts).map(Recipient::pending).toList(),
        false,
        "",
        "",
        false,
        null,
        java.util.Map.of());
  }

  private String commit(String text, String... rcpts) throws Exception {
    try (NewMessage m = spool.create()) {
      m.out().write(text.getBytes(StandardCharsets.UTF_8));
      m.out().flush();
      m.commit(envelope(m.id(), m.size(), rcpts));
      return m.id();
    }
  }

  @Test
  void committedMessageIsVisibleWholeAndAbortedOneLeavesNothing() throws Exception {
    String id = commit("Subject: x\n\nbody\n", "a@b");
    assertEquals(List.of(id), spool.ids());
    Envelope e = spool.read(id);
    assertEquals("joe@pc.lan", e.sender());
    assertEquals(17, e.size());
    try (InputStream in = spool.openMessage(id)) {
      assertEquals("Subject: x\n\nbody\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    try (NewMessage m = spool.create()) {
      m.out().write("half a message".getBytes());
      // closed without commit
    }
    assertEquals(List.of(id), spool.ids());
    try (var s = Files.list(fs.getPath("/var/spool/masq/tmp"))) {
      assertEquals(
          List.of(fs.getPath("/var/spool/masq/tmp/VERSION.4242")).size() - 1,
          s.filter(p -> !p.getFileName().toString().startsWith("VERSION")).count());
    }
    assertTrue(spool.check(false).problems().isEmpty());
  }

  @Test
  void theNotifiedTimesRoundTripAndSurviveEveryWith() throws Exception {
    Envelope e =
        envelope("Vc1Qf2b-00y8-00", 100, "a@b", "c@d")
            .withNotified(java.util.Map.of("c@d", 1764109081349L));
    String text = new String(e.encode(), StandardCharsets.UTF_8);
    assertTrue(text.contains("\nnotified\t<c@d>\t1764109081349\n"), text);
    Envelope back = Envelope.decode(e.encode());
    assertEquals(java.util.Map.of("c@d", 1764109081349L), back.notified());
    assertEquals(back.notified(), back.withHeld(true).withLastWarning(5).notified());
    assertEquals(
        back.notified(), back.withRecipients(List.of(Recipient.pending("c@d"))).notified());
    assertEquals(java.util.Map.of(), envelope("Vc1Qf2b-00y8-00", 100, "a@b").notified());
    byte[] bad = text.replace("\t1764109081349", "").getBytes(StandardCharsets.UTF_8);
    assertThrows(CorruptEntryException.class, () -> Envelope.decode(bad));
  }

  @Test
  void envelopeRoundTripsAndTruncatedOnesAreCorrupt() throws Exception {
    Envelope e =
        new Envelope(
            "Vc1Qf2b-00y8-00",
            5,
            "",
            "ESMTP",
            "192.0.2.1",
            "pc\tlan",
            null,
            7,
            100,
            90,
            9,
            true,
            List.of(
                new Recipient("a@b", Recipient.State.FAILED, 3, 8, "x@y", "550 no\tsuch\nuser"),
                Recipient.pending("c@d")),
            true,
            "",
            "",
            false,
            "route=isp1 link=road",
            java.util.Map.of());
    Envelope back = Envelope.decode(e.encode());
    assertEquals("pc lan", back.clientHelo());
    assertEquals("550 no such user", back.recipients().get(0).lastError());
    assertEquals(e.withRecipients(back.recipients()).recipients(), back.recipients());
    assertTrue(back.held());
    assertTrue(back.eightBit(), "bodytype 8BITMIME round-trips");
    assertTrue(
        new String(e.encode(), java.nio.charset.StandardCharsets.UTF_8)
            .contains("\nbodytype\t8BITMIME\n"));
    assertTrue(Envelope.decode(e.withHeld(false).encode()).eightBit(), "kept by with...()");
    assertEquals("route=isp1 link=road", back.tried(), "tried round-trips");
    assertEquals("route=isp1 link=road", Envelope.decode(e.withLastWarning(3).encode()).tried());
    assertEquals("", back.sender());
    byte[] full = e.encode();
    for (int cut : new int[] {0, 10, full.length / 2, full.length - 5}) {
      assertThrows(
          CorruptEntryException.class,
          () -> Envelope.decode(java.util.Arrays.copyOf(full, cut)),
          "cut at " + cut);
    }
  }

  @Test
  void idsAreUniqueValidAndSortByArrival() {
    MessageIds ids = new MessageIds(Clock.systemUTC(), 12345);
    Set<String> seen = new HashSet<>();
    String last = "";
    for (int i = 0; i < 10_000; i++) {
      String id = ids.next();
      assertTrue(MessageIds.isValid(id), id);
      assertTrue(id.compareTo(last) > 0, id + " after " + last);
      assertTrue(seen.add(id));
      last = id;
    }
    assertFalse(MessageIds.isValid("../../etc/passwd"));
    assertFalse(MessageIds.isValid("Vc1Qf2b-00y8-0/"));
  }

  @Test
  void lockIsExclusiveAndUpdatesAndRemovalWork(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    spool = Spool.open(dir.resolve("spool"), clock, 4242); // fcntl locks need a real file system
    String id = commit("S: x\n\nb\n", "a@b", "c@d");
    try (MessageLock lock = spool.lock(id)) {
      assertNotNull(lock);
      assertNull(spool.lock(id), "second lock in the same process must fail");
      Envelope e = spool.read(id);
      spool.update(lock, e.withHeld(true));
    }
    assertTrue(spool.read(id).held());
    try (MessageLock lock = spool.lock(id)) {
      spool.remove(lock);
    }
    assertTrue(spool.ids().isEmpty());
    MasqException e = assertThrows(MasqException.class, () -> spool.lock(id));
    assertEquals(Exit.NOUSER, e.exitCode());
    assertEquals(
        Exit.NOUSER, assertThrows(MasqException.class, () -> spool.read("nonsense")).exitCode());
  }

  @Test
  void checkFindsAndRepairsWhatCrashesLeave() throws Exception {
    String good = commit("S: x\n\nb\n", "a@b");
    Path q = fs.getPath("/var/spool/masq/queue");
    Path tmp = fs.getPath("/var/spool/masq/tmp");
    Files.writeString(tmp.resolve("Vc1Qf2b-00y8-01.msg"), "never committed");
    Files.writeString(tmp.resolve("Vc1Qf2b-00y8-01.env.999999999.tmp"), "half");
    Files.writeString(q.resolve("Vc1Qf2b-00y8-02.msg"), "orphan data");
    Files.writeString(
        q.resolve("Vc1Qf2b-00y8-03.env"),
        new String(envelope("Vc1Qf2b-00y8-03", 5, "x@y").encode()));
    Files.writeString(q.resolve("Vc1Qf2b-00y8-04.msg"), "data");
    Files.writeString(q.resolve("Vc1Qf2b-00y8-04.env"), "masq-envelope 1\nid\tVc1Qf2b-00y8-04\n");
    Files.writeString(q.resolve("README"), "not ours");
    SpoolCheck c = spool.check(false);
    assertEquals(6, c.problems().size(), c.problems().toString());
    assertEquals(1, c.messages());
    SpoolCheck r = spool.check(true);
    assertEquals(7, r.repairs().size(), r.repairs().toString());
    assertTrue(spool.check(false).problems().isEmpty());
    assertEquals(List.of(good), spool.ids());
    try (var s = Files.list(fs.getPath("/var/spool/masq/corrupt"))) {
      assertEquals(5, s.count(), "orphan, lone envelope, unreadable pair, stranger");
    }
  }

  @Test
  void aFullDiskFailsTheCommitAndLeavesNoPartialEntry() throws Exception {
    FileSystem small = MemorySpoolFs.unix(64 * 1024);
    Spool s = MemorySpoolFs.open(small.getPath("/spool"), clock, 1);
    byte[] chunk = new byte[8192];
    assertThrows(
        java.io.IOException.class,
        () -> {
          try (NewMessage m = s.create()) {
            for (int i = 0; i < 100; i++) {
              m.out().write(chunk);
            }
            m.out().flush();
            m.commit(envelope(m.id(), m.size(), "a@b"));
          }
        });
    assertTrue(s.ids().isEmpty());
    try (var t = Files.list(small.getPath("/spool/tmp"))) {
      assertEquals(0, t.count());
    }
    try (var t = Files.list(small.getPath("/spool/queue"))) {
      assertEquals(0, t.count());
    }
    small.close();
  }

  @Test
  void aSpoolOfAnotherFormatIsRefused() throws Exception {
    Files.writeString(fs.getPath("/var/spool/masq/VERSION"), "masq spool 99\n");
    MasqException e =
        assertThrows(
            MasqException.class, () -> MemorySpoolFs.open(fs.getPath("/var/spool/masq"), clock, 1));
    assertEquals(Exit.CONFIG, e.exitCode());
  }

  /** A Jimfs with modes: without being told, it makes every file and directory rw-r--r--. */
  private static FileSystem withModes() {
    return Jimfs.newFileSystem(
        Configuration.unix().toBuilder()
            .setAttributeViews("basic", "owner", "posix", "unix")
            .build());
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  private static void chmod(Path p, String rwx) throws Exception {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(rwx));
  }

  /** Commits a message, changes its envelope (queue/ID.env) and leaves one being written. */
  private static String fill(Spool s, Path root) throws Exception {
    String id;
    try (NewMessage m = s.create()) {
      m.out().write("Subject: x\n\nbody\n".getBytes(StandardCharsets.UTF_8));
      m.out().flush();
      m.commit(envelope(m.id(), m.size(), "a@b"));
      id = m.id();
    }
    s.writeEnvelope(s.read(id).withHeld(true));
    assertTrue(Files.exists(root.resolve("queue/" + id + ".env")));
    return id;
  }

  /**
   * Single-user mode: the spool, its directories and every file in it are the owner's alone from
   * the moment they are made (a file system that would otherwise make them rw-r--r--), and check
   * finds nothing to say about them; the directories masq makes above the spool ({@code
   * ~/.local/state/masq}) are 0700 as the XDG base directory specification asks, while one that was
   * there keeps its mode.
   */
  @Test
  void aSingleUserSpoolIsMadeForItsOwnerAlone() throws Exception {
    try (FileSystem m = withModes()) {
      Path root = m.getPath("/home/joe/.local/state/masq/spool");
      Files.createDirectories(m.getPath("/home/joe"));
      chmod(m.getPath("/home/joe"), "rwxr-xr-x");
      Spool s = MemorySpoolFs.open(root, clock, 4242);
      String id = fill(s, root);
      try (NewMessage open = s.create()) {
        assertEquals("rw-------", mode(root.resolve("tmp/" + open.id() + ".msg")), "being written");
      }
      s.lockPickup().close();
      for (String d : List.of("", "tmp", "queue", "corrupt")) {
        assertEquals("rwx------", mode(root.resolve(d)), "directory " + d);
      }
      for (String f :
          List.of("VERSION", "queue/" + id + ".msg", "queue/" + id + ".env", "tmp/pickup.lock")) {
        assertEquals("rw-------", mode(root.resolve(f)), f);
      }
      for (String d :
          List.of("/home/joe/.local", "/home/joe/.local/state", "/home/joe/.local/state/masq")) {
        assertEquals("rwx------", mode(m.getPath(d)), d);
      }
      assertEquals("rwxr-xr-x", mode(m.getPath("/home/joe")), "there before");
      assertEquals(List.of(), s.check(false).problems());
    }
  }

  /**
   * System mode keeps its own modes: VERSION stays readable by every user (0644 whatever the
   * umask), the spool directory keeps the administrator's 0711, maildrop/ its 1733; check looks
   * only at queue/, tmp/ and corrupt/, which must be mail's alone.
   */
  @Test
  void aSystemModeSpoolKeepsItsModesAndCheckLooksAtTheQueueDirectories() throws Exception {
    try (FileSystem m = withModes()) {
      Path root = Files.createDirectories(m.getPath("/var/spool/masq"));
      chmod(root, "rwx--x--x");
      chmod(Files.createDirectory(root.resolve("maildrop")), "rwx-wx-wx");
      Spool s = MemorySpoolFs.open(root, clock, 4242, true);
      String id = fill(s, root);
      assertEquals("rw-r--r--", mode(root.resolve("VERSION")));
      assertEquals("rwx--x--x", mode(root));
      for (String d : List.of("tmp", "queue", "corrupt")) {
        assertEquals("rwx------", mode(root.resolve(d)), "directory " + d);
      }
      assertEquals("rw-------", mode(root.resolve("queue/" + id + ".msg")));
      assertEquals(List.of(), s.check(false).problems());
      chmod(root.resolve("queue"), "rwxr-xr-x");
      assertEquals(
          List.of("mode 0755 of queue/ lets others in (masq makes it 0700)"),
          s.check(false).problems());
      assertEquals(List.of("mode of queue/ set to 0700"), s.check(true).repairs());
      assertEquals("rwx------", mode(root.resolve("queue")));
    }
  }

  /**
   * check names each path that others may use, once (a leftover already reported for what it is is
   * not reported again for its mode), and --repair takes the group's and the others' rights away,
   * also from what it moves to corrupt/.
   */
  @Test
  void checkReportsLooseModesOncePerPathAndRepairTightensThem() throws Exception {
    try (FileSystem m = withModes()) {
      Path root = m.getPath("/spool");
      Spool s = MemorySpoolFs.open(root, clock, 4242);
      String id = fill(s, root);
      chmod(root, "rwxrwxr-x");
      chmod(root.resolve("queue"), "rwxr-xr-x");
      chmod(root.resolve("queue/" + id + ".msg"), "rw-r--r--");
      chmod(root.resolve("queue/" + id + ".env"), "rw-rw-rw-");
      Files.writeString(root.resolve("queue/README"), "not ours"); // rw-r--r--
      SpoolCheck c = s.check(false);
      assertEquals(
          sorted(
              List.of(
                  "unexpected file queue/README",
                  "mode 0775 of /spool/ lets others in (masq makes it 0700)",
                  "mode 0755 of queue/ lets others in (masq makes it 0700)",
                  "mode 0644 of queue/" + id + ".msg lets others in (masq makes it 0600)",
                  "mode 0666 of queue/" + id + ".env lets others in (masq makes it 0600)")),
          sorted(c.problems()),
          c.problems().toString());
      assertEquals(1, c.messages());
      SpoolCheck r = s.check(true);
      assertTrue(
          r.repairs().contains("mode of queue/" + id + ".msg set to 0600"), r.repairs().toString());
      assertTrue(
          r.repairs().contains("mode of corrupt/README set to 0600"), r.repairs().toString());
      assertEquals(List.of(), s.check(false).problems());
      assertEquals("rwx------", mode(root));
      assertEquals("rw-------", mode(root.resolve("queue/" + id + ".env")));
      assertEquals(List.of(id), s.ids());
    }
  }

  /**
   * A spool directory the user made with mkdir (0755) shows others only the names masq gives its
   * entries, each private on its own: check reports nothing for it.
   */
  @Test
  void aSpoolDirectoryOthersMayOnlyListIsNoProblem() throws Exception {
    try (FileSystem m = withModes()) {
      Path root = m.getPath("/spool");
      Spool s = MemorySpoolFs.open(root, clock, 4242);
      fill(s, root);
      chmod(root, "rwxr-xr-x");
      assertEquals(List.of(), s.check(false).problems());
      chmod(root, "rwxr-xrwx");
      assertEquals(
          List.of("mode 0757 of /spool/ lets others in (masq makes it 0700)"),
          s.check(false).problems());
    }
  }

  /** The same on the real file system, whose umask (the test's) would otherwise apply. */
  @Test
  void onTheRealFileSystemTooTheModesAreSetAtCreation(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path root = dir.resolve("spool");
    Spool s = Spool.open(root, clock, 4242);
    String id = fill(s, root);
    assertEquals("rwx------", mode(root));
    assertEquals("rwx------", mode(root.resolve("queue")));
    assertEquals("rw-------", mode(root.resolve("VERSION")));
    assertEquals("rw-------", mode(root.resolve("queue/" + id + ".msg")));
    assertEquals("rw-------", mode(root.resolve("queue/" + id + ".env")));
    chmod(root.resolve("queue/" + id + ".msg"), "rw-r--r--");
    // links in the spool are never followed: what they point to is not the spool's
    Path outside = Files.createDirectory(dir.resolve("outside"));
    chmod(Files.writeString(outside.resolve("f"), "x"), "rw-r--r--");
    chmod(outside, "rwxr-xr-x");
    Files.createSymbolicLink(root.resolve("corrupt/file-link"), outside.resolve("f"));
    Files.createSymbolicLink(root.resolve("corrupt/dir-link"), outside);
    assertEquals(
        List.of("mode 0644 of queue/" + id + ".msg lets others in (masq makes it 0600)"),
        s.check(false).problems());
    s.check(true);
    assertEquals("rw-------", mode(root.resolve("queue/" + id + ".msg")));
    assertEquals("rw-r--r--", mode(outside.resolve("f")));
    assertEquals("rwxr-xr-x", mode(outside));
    // spool_dir itself may be a link to the spool
    Path link = Files.createSymbolicLink(dir.resolve("spool-link"), root);
    chmod(root.resolve("queue"), "rwxr-xr-x");
    assertEquals(
        List.of("mode 0755 of queue/ lets others in (masq makes it 0700)"),
        Spool.open(link, clock, 4242).check(false).problems());
  }

  private static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }

  @Test
  void twoThreadsOfOneProcessMayCreateTheSameSpoolAtOnce() throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      race(pool);
    } finally {
      pool.shutdownNow();
    }
  }

  private void race(java.util.concurrent.ExecutorService pool) throws Exception {
    for (int i = 0; i < 200; i++) {
      Path root = fs.getPath("/var/spool/race" + i);
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.Callable<Spool> open =
          () -> {
            start.await(1, java.util.concurrent.TimeUnit.MINUTES);
            return MemorySpoolFs.open(root, Clock.systemUTC(), 4242);
          };
      var a = pool.submit(open);
      var b = pool.submit(open);
      assertNotNull(a.get(), "round " + i); // what either thread threw fails the test here
      assertNotNull(b.get(), "round " + i);
      assertEquals(Spool.VERSION_LINE + "\n", Files.readString(root.resolve("VERSION")));
    }
  }

  @Test
  void heldRoutesAreMarkersThatHoldAndReleaseMakeAndDelete() throws Exception {
    assertEquals(Set.of(), spool.heldRoutes(), "none before the first hold");
    assertTrue(spool.holdRoute("link=isp1"));
    assertFalse(spool.holdRoute("link=isp1"), "held already");
    assertTrue(spool.holdRoute("route=lan"));
    Path dir = fs.getPath("/var/spool/masq/held-routes");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    Files.writeString(dir.resolve("junk"), "not a marker");
    Files.writeString(dir.resolve("link=.hidden"), "not a marker either");
    assertEquals(Set.of("link=isp1", "route=lan"), spool.heldRoutes());
    assertTrue(spool.releaseRoute("link=isp1"));
    assertFalse(spool.releaseRoute("link=isp1"), "not held");
    assertEquals(Set.of("route=lan"), spool.heldRoutes());
    for (String bad : List.of("link=../queue", "isp1", "link=", "route=a/b", "host=x")) {
      MasqException e = assertThrows(MasqException.class, () -> spool.holdRoute(bad), bad);
      assertEquals(Exit.USAGE, e.exitCode());
    }
  }
}
