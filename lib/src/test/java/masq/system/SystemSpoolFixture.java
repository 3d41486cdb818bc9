package masq.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;
import masq.config.Config;
import masq.log.MailLog;
import masq.spool.Spool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the system-mode unit tests share: a system-mode spool with its maildrop in a temporary
 * directory on the real file system (every file the test user's own), its configuration and log.
 */
abstract class SystemSpoolFixture {
  @TempDir Path dir;
  Spool spool;
  Config cfg;
  MailLog log;

  /** The test user's uid and login. */
  final long myUid = uid();

  final String myLogin = System.getProperty("user.name");

  private static long uid() {
    try {
      return Spool.processUid();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The configuration the test runs with. */
  String config() {
    return "host_name = gw.lan\n";
  }

  @BeforeEach
  void openSystemSpool() throws Exception {
    cfg = Config.parse(config(), dir.resolve("masq.conf"), Map.of(), false);
    spool = Spool.open(dir.resolve("spool"), Clock.systemUTC(), 99, true); // system mode
    log = new MailLog(dir.resolve("log"), Clock.systemUTC(), ZoneId.of("UTC"), 99);
    Files.createDirectories(Maildrop.dir(spool.root()));
  }

  /** The mail log so far ("" before its first line). */
  String log() throws Exception {
    return Files.exists(dir.resolve("log/masq.log"))
        ? Files.readString(dir.resolve("log/masq.log"))
        : "";
  }
}
