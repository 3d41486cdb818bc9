package masq.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The modes of a log masq creates: system mode's log names every sender and recipient, so it is
 * 0640 in a 0750 directory (as Debian's mail.log), never 0644; single-user mode's is 0600 in a 0700
 * directory whose missing parents are 0700 too.
 */
class MailLogModesTest {
  @TempDir Path tmp;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void systemModesLogIsNotReadableByEveryone() throws Exception {
    Path dir = tmp.resolve("var/log/masq");
    MailLog log = new MailLog(dir, Clock.systemUTC(), ZoneOffset.UTC, 1);
    log.write("a line");
    log.close();
    assertEquals("rw-r-----", mode(dir.resolve("masq.log")));
    assertEquals("rwxr-x---", mode(dir));
  }

  @Test
  void singleUserLogAndItsMissingParentsAreTheOwnersAlone() throws Exception {
    Path dir = tmp.resolve("home/.local/state/masq/log");
    MailLog log = new MailLog(dir, Clock.systemUTC(), ZoneOffset.UTC, 1).ownerOnly();
    log.write("a line");
    log.close();
    assertEquals("rw-------", mode(dir.resolve("masq.log")));
    for (Path p = dir; !p.equals(tmp); p = p.getParent()) {
      assertEquals("rwx------", mode(p), p.toString());
    }
  }

  /**
   * Root's cron mail into a user's spool: the log root creates in that user's log directory is the
   * user's, so the user's own runs can go on writing it.
   */
  @Test
  void aLogRootCreatesInAUsersDirectoryIsTheUsers() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0,
        "needs root");
    Path dir = tmp.resolve("log");
    Files.createDirectories(dir);
    var nobody =
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(dir, nobody);
    MailLog log = new MailLog(dir, Clock.systemUTC(), ZoneOffset.UTC, 1).ownerOnly();
    log.write("a line");
    log.close();
    assertEquals(nobody, Files.getOwner(dir.resolve("masq.log")));
  }
}
