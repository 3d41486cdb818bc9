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
    fs = Jimfs.newFileSystem(Configuration.unix());
    spool = Spool.open(fs.getPath("/var/spool/masq"), clock, 4242);
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
        false);
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
            true);
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
    FileSystem small =
        Jimfs.newFileSystem(
            Configuration.unix().toBuilder().setMaxSize(64 * 1024).setBlockSize(4096).build());
    Spool s = Spool.open(small.getPath("/spool"), clock, 1);
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
            MasqException.class, () -> Spool.open(fs.getPath("/var/spool/masq"), clock, 1));
    assertEquals(Exit.CONFIG, e.exitCode());
  }

  @Test
  void twoThreadsOfOneProcessMayCreateTheSameSpoolAtOnce() throws Exception {
    for (int i = 0; i < 200; i++) {
      Path root = fs.getPath("/var/spool/race" + i);
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.atomic.AtomicReference<Throwable> failed =
          new java.util.concurrent.atomic.AtomicReference<>();
      Runnable open =
          () -> {
            try {
              start.await();
              Spool.open(root, Clock.systemUTC(), 4242);
            } catch (Exception | AssertionError e) {
              failed.compareAndSet(null, e);
            }
          };
      Thread a = Thread.ofPlatform().start(open);
      Thread b = Thread.ofPlatform().start(open);
      a.join();
      b.join();
      assertNull(failed.get(), "round " + i + ": " + failed.get());
      assertEquals(Spool.VERSION_LINE + "\n", Files.readString(root.resolve("VERSION")));
    }
  }
}
