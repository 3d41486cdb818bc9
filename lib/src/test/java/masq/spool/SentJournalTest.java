package masq.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sent journal a remote run leaves when it is killed, and its replay by the next run. */
class SentJournalTest {
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

  private String commit(String... rcpts) throws Exception {
    try (NewMessage m = spool.create()) {
      m.out().write("Subject: x\n\nbody\n".getBytes(StandardCharsets.UTF_8));
      m.out().flush();
      m.commit(SpoolTest.envelope(m.id(), m.size(), rcpts));
      return m.id();
    }
  }

  private Path journalOf(long pid) {
    return spool.root().resolve("tmp/sent." + pid);
  }

  @Test
  void aDeadRunsJournalMarksWhatTheServerTookAndNothingElse() throws Exception {
    String id = commit("a@far.example", "b@far.example");
    String gone = commit("c@far.example");
    // what a run that was killed wrote: a, then the removed message, then a line the kill cut
    Spool dead = MemorySpoolFs.open(spool.root(), clock, 777);
    SentJournal j = dead.sentJournal();
    j.sent(id, "a@far.example");
    j.sent(gone, "c@far.example");
    Files.writeString(journalOf(777), id + "\tb@far", java.nio.file.StandardOpenOption.APPEND);
    try (MessageLock l = spool.lock(gone)) {
      spool.remove(l);
    }

    List<String> said = spool.replaySentJournals();

    assertEquals(List.of(id + " 1 recipient(s) recorded as delivered from sent.777"), said);
    List<Recipient> rs = spool.read(id).recipients();
    assertEquals(Recipient.State.DELIVERED, rs.get(0).state());
    assertEquals(Recipient.State.PENDING, rs.get(1).state(), "the cut line names no one");
    assertFalse(Files.exists(journalOf(777)), "an applied journal is deleted");
    assertEquals(List.of(), spool.replaySentJournals(), "and applied once");
  }

  @Test
  void aRunsOwnJournalIsNotReplayedAndGoesWhenItsResultsAreRecorded() throws Exception {
    String id = commit("a@far.example");
    SentJournal mine = spool.sentJournal();
    mine.sent(id, "a@far.example");
    assertEquals(List.of(), spool.replaySentJournals(), "a run never replays its own journal");
    assertEquals(Recipient.State.PENDING, spool.read(id).recipients().get(0).state());
    mine.recorded();
    assertFalse(Files.exists(journalOf(4242)));
  }

  @Test
  void aJournalWhoseMessageIsHeldWaitsForTheNextRun() throws Exception {
    String id = commit("a@far.example");
    Spool dead = MemorySpoolFs.open(spool.root(), clock, 778);
    dead.sentJournal().sent(id, "a@far.example");
    try (MessageLock held = spool.lock(id)) {
      assertTrue(held != null);
      assertEquals(List.of(), spool.replaySentJournals());
      assertTrue(Files.exists(journalOf(778)), "kept for the run after the one holding it");
    }
    assertEquals(1, spool.replaySentJournals().size());
    assertEquals(Recipient.State.DELIVERED, spool.read(id).recipients().get(0).state());
  }

  @Test
  void aDirectoryWhereAJournalBelongsIsNoJournalAndCheckSaysSo() throws Exception {
    Files.createDirectory(journalOf(555));
    assertEquals(List.of(), spool.replaySentJournals());
    assertTrue(
        spool.check(false).problems().stream().anyMatch(p -> p.contains("tmp/sent.555")),
        spool.check(false).problems().toString());
  }

  @Test
  void aFifoWhereAJournalBelongsIsPassedOverNotWaitedOn(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Spool disk = Spool.open(dir.resolve("spool"), clock, 4243);
    Path fifo = dir.resolve("spool/tmp/sent.556");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    List<String> said =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(10), disk::replaySentJournals);
    assertEquals(List.of(), said);
    assertTrue(Files.exists(fifo), "left for masq-queue check to report");
  }
}
