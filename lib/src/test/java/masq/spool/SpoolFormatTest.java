package masq.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool format 3 layout (spool-format.md): one file per message, its envelope at its end; the
 * DSN and SMTPUTF8 fields of version 3; version 1 and 2 spools read as they are.
 */
class SpoolFormatTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);
  private static final String TEXT =
      "Subject: x\n\nbody with masq-envelope-at 000000000000000001\n";

  private static String commit(Spool spool, String text) throws Exception {
    try (NewMessage m = spool.create()) {
      m.out().write(text.getBytes(StandardCharsets.UTF_8));
      m.commit(SpoolTest.envelope(m.id(), m.size(), "a@b"));
      return m.id();
    }
  }

  /** An empty spool of format {@code version} (as a masq of that version made it). */
  private static Path olderSpool(FileSystem fs, int version) throws Exception {
    Path root = fs.getPath("/spool");
    for (String d : List.of("queue", "tmp", "corrupt")) {
      Files.createDirectories(root.resolve(d));
    }
    Files.writeString(root.resolve("VERSION"), "masq spool " + version + "\n");
    return root;
  }

  private static String read(InputStream in) throws Exception {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> names(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aMessageIsOneFileEndingWithItsEnvelopeAndWhereItStarts() throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix()) {
      Spool spool = MemorySpoolFs.open(fs.getPath("/spool"), CLOCK, 7);
      String id = commit(spool, TEXT);
      Path queue = fs.getPath("/spool/queue");
      assertEquals(List.of(id + ".msg"), names(queue));
      assertEquals(List.of(), names(fs.getPath("/spool/tmp")));
      byte[] data = TEXT.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream want = new ByteArrayOutputStream();
      want.write(data);
      want.write(spool.read(id).encode());
      want.write(
          String.format("masq-envelope-at %018d\n", data.length)
              .getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals(want.toByteArray(), Files.readAllBytes(queue.resolve(id + ".msg")));
      assertEquals(data.length, spool.read(id).size());
      assertEquals(TEXT, read(spool.openMessage(id)), "the data alone, not the envelope");
      try (MessageLock lock = spool.lock(id)) {
        assertEquals(TEXT.substring(12), read(lock.openMessage(12)));
        assertEquals(id, lock.envelope().id());
      }
      assertEquals("masq spool 3\n", Files.readString(fs.getPath("/spool/VERSION")));
    }
  }

  @Test
  void aChangedEnvelopeIsWrittenBesideTheMessageAndWins() throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix()) {
      Spool spool = MemorySpoolFs.open(fs.getPath("/spool"), CLOCK, 7);
      String id = commit(spool, TEXT);
      byte[] file = Files.readAllBytes(fs.getPath("/spool/queue", id + ".msg"));
      try (MessageLock lock = spool.lock(id)) {
        spool.update(lock, lock.envelope().withHeld(true));
        assertTrue(lock.envelope().held(), "read through the lock: the new state");
      }
      assertEquals(List.of(id + ".env", id + ".msg"), names(fs.getPath("/spool/queue")));
      assertArrayEquals(
          file, Files.readAllBytes(fs.getPath("/spool/queue", id + ".msg")), "never changed");
      assertTrue(spool.read(id).held());
      assertEquals(TEXT, read(spool.openMessage(id)));
      assertTrue(spool.check(false).problems().isEmpty());
      try (MessageLock lock = spool.lock(id)) {
        spool.remove(lock);
      }
      assertEquals(List.of(), names(fs.getPath("/spool/queue")));
    }
  }

  @Test
  void aVersion1SpoolIsReadAsItIsAndMarkedVersion3() throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix()) {
      Path root = olderSpool(fs, 1);
      // version 1: ID.msg is the message alone, ID.env its envelope
      String id = "Vc1Qf2b-00y8-00";
      byte[] data = TEXT.getBytes(StandardCharsets.UTF_8);
      Files.write(root.resolve("queue/" + id + ".msg"), data);
      Files.write(
          root.resolve("queue/" + id + ".env"),
          SpoolTest.envelope(id, data.length, "a@b").encode());
      Spool spool = MemorySpoolFs.open(root, CLOCK, 7);
      assertEquals("masq spool 3\n", Files.readString(root.resolve("VERSION")));
      assertEquals(List.of(id), spool.ids());
      assertEquals(TEXT, read(spool.openMessage(id)));
      SpoolCheck c = spool.check(false);
      assertEquals(List.of(), c.problems());
      assertEquals(1, c.messages());
      try (MessageLock lock = spool.lock(id)) {
        assertEquals(TEXT, read(lock.openMessage()));
        spool.update(lock, lock.envelope().withHeld(true));
      }
      assertTrue(spool.read(id).held());
      // a new message in the same spool is of version 3, and both are whole
      String id2 = commit(spool, TEXT);
      assertEquals(TEXT, read(spool.openMessage(id2)));
      assertEquals(2, spool.check(false).messages());
    }
  }

  @Test
  void aVersion2SpoolIsReadAsItIsAndMarkedVersion3() throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix()) {
      Path root = olderSpool(fs, 2);
      // a version 2 message, byte for byte as masq wrote it before DSN: six-field rcpt lines
      String id = "Vc1Qf2b-00y8-01";
      byte[] data = TEXT.getBytes(StandardCharsets.UTF_8);
      String env =
          "masq-envelope 1\nid\t"
              + id
              + "\nreceived\t1764064800000\nsender\t<joe@pc.lan>\nprotocol\tlocal\n"
              + "ident\tjoe\nuid\t1000\nsize\t"
              + data.length
              + "\nbody\t10\nrcpt\tP\t1\t1764064800001\t<bob@far.example>\t\t451 busy\nend\n";
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      file.write(data);
      file.write(env.getBytes(StandardCharsets.UTF_8));
      file.write(
          String.format("masq-envelope-at %018d\n", data.length)
              .getBytes(StandardCharsets.US_ASCII));
      Files.write(root.resolve("queue/" + id + ".msg"), file.toByteArray());
      Spool spool = MemorySpoolFs.open(root, CLOCK, 7);
      assertEquals("masq spool 3\n", Files.readString(root.resolve("VERSION")));
      Envelope e = spool.read(id);
      Recipient r = e.recipients().get(0);
      assertEquals("451 busy", r.lastError());
      assertEquals("", r.notifyOn(), "no NOTIFY: the defaults");
      assertTrue(r.wants("FAILURE") && r.wants("DELAY") && !r.wants("SUCCESS"));
      assertEquals("", e.ret());
      assertEquals("", e.envid());
      assertFalse(e.utf8());
      assertEquals(List.of(), spool.check(false).problems());
      // written back unchanged: the same lines (no DSN fields appear from nowhere)
      assertEquals(env, new String(e.encode(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void version3KeepsTheDsnParametersAndSmtputf8() throws Exception {
    Envelope e =
        new Envelope(
            "Vc1Qf2b-00y8-02",
            1764064800000L,
            "j\u00f8ran@ex.example",
            "UTF8SMTP",
            "192.0.2.7",
            "pc",
            null,
            8,
            100,
            50,
            0,
            false,
            List.of(
                new Recipient(
                    "\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a",
                    Recipient.State.PENDING,
                    0,
                    0,
                    "",
                    "",
                    "SUCCESS,FAILURE",
                    "rfc822;bob\tx@old.example"),
                new Recipient("c@d", Recipient.State.PENDING, 0, 0, "", "", "NEVER", ""),
                Recipient.pending("e@f")),
            true,
            "HDRS",
            "env+id=1",
            true,
            null,
            Map.of());
    String text = new String(e.encode(), StandardCharsets.UTF_8);
    assertTrue(text.contains("\nret\tHDRS\nenvid\tenv+id=1\nsmtputf8\t1\n"), text);
    assertTrue(
        text.contains(
            "rcpt\tP\t0\t0\t<\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a>\t\t\tSUCCESS,FAILURE"
                + "\trfc822;bob x@old.example\n"),
        text);
    assertTrue(text.contains("rcpt\tP\t0\t0\t<c@d>\t\t\tNEVER\t\n"), text);
    assertTrue(text.contains("rcpt\tP\t0\t0\t<e@f>\t\t\n"), "no DSN, six fields: " + text);
    Envelope back = Envelope.decode(e.encode());
    assertEquals(
        e.withRecipients(
            List.of(
                e.recipients().get(0).withDsn("SUCCESS,FAILURE", "rfc822;bob x@old.example"),
                e.recipients().get(1),
                e.recipients().get(2))),
        back);
    assertFalse(back.recipients().get(1).wants("FAILURE"));
    assertTrue(
        back.recipients().get(0).wants("SUCCESS") && !back.recipients().get(0).wants("DELAY"));
    // an older reader takes the first six fields of a recipient line: they mean what they meant
    String[] f =
        text.lines()
            .filter(l -> l.startsWith("rcpt\t"))
            .findFirst()
            .orElseThrow()
            .substring(5)
            .split("\t", -1);
    assertEquals("", f[5], "the last error is still the sixth field");
  }

  @Test
  void aSpoolOfALaterFormatIsRefused() throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix()) {
      Path root = olderSpool(fs, 4);
      masq.MasqException x =
          org.junit.jupiter.api.Assertions.assertThrows(
              masq.MasqException.class, () -> MemorySpoolFs.open(root, CLOCK, 7));
      assertEquals(masq.Exit.CONFIG, x.exitCode());
      assertTrue(
          x.getMessage().contains("'masq spool 4'; this masq reads 'masq spool 3'"),
          x.getMessage());
    }
  }

  @Test
  void aMessageFileWithoutItsLastLineIsUnreadableAndCheckSaysSo() throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix()) {
      Spool spool = MemorySpoolFs.open(fs.getPath("/spool"), CLOCK, 7);
      String id = commit(spool, TEXT);
      String other = commit(spool, "Subject: y\n\n");
      Path msg = fs.getPath("/spool/queue", id + ".msg");
      byte[] b = Files.readAllBytes(msg);
      Files.write(msg, java.util.Arrays.copyOf(b, b.length - 1)); // torn
      assertEquals(
          masq.Exit.DATAERR,
          org.junit.jupiter.api.Assertions.assertThrows(
                  CorruptEntryException.class, () -> spool.read(id))
              .exitCode());
      SpoolCheck c = spool.check(true);
      assertEquals(1, c.problems().size(), c.problems().toString());
      assertTrue(c.problems().get(0).contains(id), c.problems().toString());
      assertEquals(List.of(other), spool.ids());
      assertEquals(List.of(id + ".msg"), names(fs.getPath("/spool/corrupt")));
    }
  }

  /**
   * A process that holds a message's fcntl lock keeps it while it reads the message through the
   * spool and while it (or another of its threads) asks for the lock again: closing any other
   * descriptor of the file would drop it (POSIX). Checked from another process (python's lockf), on
   * a real file system.
   */
  @Test
  void aLockHeldStaysHeldWhileItsProcessReadsTheMessageOrAsksAgain(@TempDir Path dir)
      throws Exception {
    Spool spool = Spool.open(dir.resolve("spool"), CLOCK, ProcessHandle.current().pid());
    String id = commit(spool, TEXT);
    Path msg = dir.resolve("spool/queue/" + id + ".msg");
    try (MessageLock lock = spool.lock(id)) {
      assertEquals(TEXT, read(spool.openMessage(id)));
      assertEquals(id, spool.read(id).id());
      assertFalse(otherProcessCanLock(msg), "the lock survived reading the message");
      assertEquals(null, spool.lock(id), "busy");
      ExecutorService other = Executors.newSingleThreadExecutor();
      try {
        // from another thread of the process: busy, without opening (and closing) the file
        assertEquals(null, other.submit(() -> spool.lock(id)).get(1, TimeUnit.MINUTES));
      } finally {
        other.shutdownNow();
      }
      assertFalse(otherProcessCanLock(msg), "and asking for it again");
    }
    assertTrue(otherProcessCanLock(msg), "it is gone once released");
    try (MessageLock again = spool.lock(id)) {
      assertEquals(id, again.id(), "and free for this process too");
    }
  }

  /**
   * A writer killed after the commit (the link into queue/) and before it unlinked its tmp/ name
   * leaves a second name of a queued message: check deletes the name, never the message; a tmp/
   * file with one link was never committed and goes too.
   */
  @Test
  void checkTellsASecondNameOfAQueuedMessageFromOneNeverCommitted(@TempDir Path dir)
      throws Exception {
    Spool spool = Spool.open(dir.resolve("spool"), CLOCK, ProcessHandle.current().pid());
    String id = commit(spool, TEXT);
    Files.createLink(
        dir.resolve("spool/tmp/" + id + ".msg"), dir.resolve("spool/queue/" + id + ".msg"));
    Files.writeString(dir.resolve("spool/tmp/Vc1Qf2b-00y8-01.msg"), "never committed");
    SpoolCheck c = spool.check(true);
    assertEquals(2, c.problems().size(), c.problems().toString());
    assertTrue(c.problems().contains("second name of a queued message tmp/" + id + ".msg"));
    assertTrue(c.problems().contains("stale temporary file tmp/Vc1Qf2b-00y8-01.msg"));
    assertEquals(List.of(), names(dir.resolve("spool/tmp")));
    assertEquals(TEXT, read(spool.openMessage(id)));
    assertEquals(List.of(), spool.check(false).problems());
  }

  private static boolean otherProcessCanLock(Path file) throws Exception {
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                "import fcntl,sys\n"
                    + "f=open(sys.argv[1],'r+')\n"
                    + "try:\n fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\nexcept OSError:\n"
                    + " sys.exit(3)\n",
                file.toString())
            .inheritIO()
            .start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertTrue(p.exitValue() == 0 || p.exitValue() == 3, "python3 failed: " + p.exitValue());
    return p.exitValue() == 0;
  }
}
