package masq.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import masq.spool.Envelope;
import masq.spool.MessageIds;
import masq.spool.Spool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The maildrop on a real file system, files owned by the test's own user. (Identities of other
 * users, and a maildrop they cannot list, are shown end to end with throw-away users.)
 */
class MaildropTest extends SystemSpoolFixture {
  Path drop;

  @Override
  String config() {
    return "host_name = gw.lan\nmax_msg_size = 1M\n";
  }

  @BeforeEach
  void setUp() {
    drop = Maildrop.dir(spool.root());
  }

  private String write(String sender, String msg, String... rcpts) throws Exception {
    return Maildrop.write(
        drop,
        new MessageIds(Clock.systemUTC(), 1),
        myUid,
        new DropRequest(sender, "Full Name", false, List.of(rcpts)),
        new ByteArrayInputStream(msg.getBytes(StandardCharsets.UTF_8)),
        true,
        0);
  }

  @Test
  void aDropIsQueuedWithTheOwnersIdentityAndTrustDecidesDashF() throws Exception {
    write("boss@corp", "Subject: one\n\nbody\n..x\n.\n", "a@b");
    write("boss@corp", "Subject: two\n\nbody\n", "c@d");
    List<String> ids = Maildrop.pickup(spool, cfg, log, login -> false);
    assertEquals(2, ids.size());
    Envelope e = spool.read(ids.get(0));
    assertEquals(myLogin + "@gw.lan", e.sender(), "-f ignored for an untrusted owner");
    assertEquals(myLogin, e.ident());
    assertEquals(myUid, e.uid());
    try (var in = spool.openMessage(ids.get(0))) {
      String m = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(m.contains("from userid " + myUid + ")"), m);
      assertTrue(m.contains("\nFrom: \"Full Name\" <" + myLogin + "@gw.lan>\n"), m);
      assertTrue(m.endsWith("\n\nbody\n.x\n"), m);
    }
    try (var s = Files.list(drop)) {
      assertEquals(0, s.count(), "the maildrop is empty again");
    }
    write("boss@corp", "Subject: three\n\nbody\n", "c@d");
    String id = Maildrop.pickup(spool, cfg, log, login -> true).get(0);
    assertEquals("boss@corp", spool.read(id).sender(), "-f honoured for a trusted owner");
    assertTrue(log().contains(id + " picked up from maildrop "));
  }

  @Test
  void theDsnOptionsTravelInTheDropAndAreCheckedAgain() throws Exception {
    Maildrop.write(
        drop,
        new MessageIds(Clock.systemUTC(), 1),
        myUid,
        new DropRequest(null, null, false, List.of("a@b"), "SUCCESS,DELAY", "HDRS", "env-1"),
        new ByteArrayInputStream("Subject: dsn\n\nbody\n".getBytes(StandardCharsets.UTF_8)),
        true,
        0);
    String id = Maildrop.pickup(spool, cfg, log, login -> false).get(0);
    Envelope e = spool.read(id);
    assertEquals("HDRS", e.ret());
    assertEquals("env-1", e.envid());
    assertEquals("SUCCESS,DELAY", e.recipients().get(0).notifyOn());
    // a forged value is refused like any bad field
    Maildrop.write(
        drop,
        new MessageIds(Clock.systemUTC(), 1),
        myUid,
        new DropRequest(null, null, false, List.of("a@b"), "NEVER,SUCCESS", null, null),
        new ByteArrayInputStream("Subject: bad\n\nbody\n".getBytes(StandardCharsets.UTF_8)),
        true,
        0);
    assertEquals(List.of(), Maildrop.pickup(spool, cfg, log, login -> false));
    assertTrue(log().contains("refused: bad drop envelope field 'notify'"), log());
  }

  @Test
  void aDropIsReadableUnderAnUnguessableNameWhateverTheUmask() throws Exception {
    String name = write(null, "Subject: x\n\nb\n", "a@b");
    assertTrue(
        name.matches("[0-9A-Za-z]{7}-[0-9A-Za-z]{4}-[0-9A-Za-z]{2}\\.[0-9a-f]{32}\\.drop"), name);
    assertEquals(
        "rw-r--r--",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(drop.resolve(name))));
    // (an unreadable drop is shown end to end, with a throw-away user: root reads anything)
  }

  @Test
  void anUnfinishedDropIsLeftToItsWriterForADayThenDeleted() throws Exception {
    Path unfinished =
        Files.writeString(drop.resolve("Vc1f3FW-07ZY-00.0123.tmp"), "masq-drop 1\nuid\t");
    assertEquals(List.of(), Maildrop.pickup(spool, cfg, log, l -> false));
    assertTrue(Files.exists(unfinished), "a writer may still be at it");
    Spool later =
        Spool.open(
            dir.resolve("spool"),
            Clock.offset(Clock.systemUTC(), Maildrop.UNFINISHED.plusMinutes(1)),
            98,
            true);
    assertEquals(List.of(), Maildrop.pickup(later, cfg, log, l -> false));
    assertFalse(Files.exists(unfinished));
    assertTrue(
        log().contains("maildrop Vc1f3FW-07ZY-00.0123.tmp deleted: unfinished for 24 hours"),
        log());
  }

  @Test
  void hostileDropsEndInCorruptWithALogLineAndNothingOutsideIsRead() throws Exception {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "masq-drop 1\nend\nSubject: stolen\n\nsecret\n");
    Files.createSymbolicLink(drop.resolve("link.drop"), secret);
    Path fifo = drop.resolve("fifo.drop");
    new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
    Files.createLink(drop.resolve("hard.drop"), secret);
    try (RandomAccessFile f = new RandomAccessFile(drop.resolve("sparse.drop").toFile(), "rw")) {
      f.setLength(2L << 30); // 2 GB, sparse
    }
    Files.writeString(
        drop.resolve("forged.drop"),
        "masq-drop 1\nuid\t" + (myUid + 1) + "\nrcpt\t<a@b>\nend\nSubject: x\n\nb\n");
    Files.write(drop.resolve("garbage.drop"), new byte[] {1, 2, 3, (byte) 0xff, 0, 10, 13});
    Files.writeString(drop.resolve("norcpt.drop"), "masq-drop 1\nend\nSubject: x\n\nb\n");
    List<String> ids = Maildrop.pickup(spool, cfg, log, login -> true);
    assertEquals(List.of(), ids);
    assertEquals(List.of(), spool.ids());
    try (var s = Files.list(dir.resolve("spool/corrupt"))) {
      assertEquals(7, s.count());
    }
    String log = log();
    for (String why :
        List.of(
            "link.drop.pickup refused: a symbolic link",
            "fifo.drop.pickup refused: not a regular file",
            "hard.drop.pickup refused: has 2 hard links",
            "sparse.drop.pickup refused: too large",
            "forged.drop.pickup refused: forged identity",
            "garbage.drop.pickup refused: not a masq drop file",
            "norcpt.drop.pickup refused: no recipients")) {
      assertTrue(log.contains(why), why + " in\n" + log);
    }
    assertEquals(
        "masq-drop 1\nend\nSubject: stolen\n\nsecret\n", Files.readString(secret), "untouched");
    assertFalse(Files.exists(drop.resolve("link.drop")));
  }

  @Test
  void aDropLeftByADeadPickupIsTakenByTheNextRun() throws Exception {
    String name = write(null, "Subject: x\n\nb\n", "a@b");
    Path work = spool.pickupFile(name);
    Files.move(drop.resolve(name), work);
    assertTrue(spool.check(false).problems().get(0).contains("awaiting pickup"));
    // while another run holds the pickup lock, the leftover may be that run's: left alone
    try (var busy = spool.lockPickup()) {
      assertTrue(busy != null);
      assertEquals(List.of(), Maildrop.pickup(spool, cfg, log, l -> false));
      assertTrue(Files.exists(work));
      assertEquals(List.of(), spool.check(false).problems(), "a pickup in progress is no problem");
    }
    assertEquals(1, Maildrop.pickup(spool, cfg, log, l -> false).size());
    assertFalse(Files.exists(work));
    assertEquals(List.of(), spool.check(false).problems(), "pickup.lock is not a stray file");
  }
}
