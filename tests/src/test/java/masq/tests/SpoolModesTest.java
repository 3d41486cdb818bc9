package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Single-user mode's spool and log belong to the user alone, whatever the umask the commands run
 * with: the real launchers run under {@code umask 022} and {@code umask 000} (what a careless
 * crontab or service gives), and every directory they make is 0700, every file 0600; masq-queue
 * check names a file made readable by others and --repair mends it.
 */
class SpoolModesTest {
  @TempDir Path tmp;

  /** {@code bin/TOOL -C masq.conf ARGS} run by {@code sh} under {@code umask}. */
  private static Sandbox.Run underUmask(Sandbox box, String umask, String stdin, String... cmd)
      throws Exception {
    List<String> full =
        new ArrayList<>(
            List.of(
                "sh",
                "-c",
                "umask " + umask + "; exec \"$@\"",
                "sh",
                Sandbox.bin(cmd[0]).toString(),
                "-C",
                box.conf.toString()));
    full.addAll(List.of(cmd).subList(1, cmd.length));
    return Sandbox.exec(full, stdin == null ? null : stdin.getBytes(), Map.of());
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"022", "000"})
  void theSpoolItsMessagesAndTheLogAreTheUsersAlone(String umask) throws Exception {
    Sandbox box = new Sandbox(tmp, "do_queue = true\n");
    underUmask(box, umask, "Subject: a\n\nhi\n", "masq-inject", "-i", "bob@far.example").expect(0);
    // masq-smtpd (inetd mode, on stdin) writes the same files
    Sandbox.Run smtp =
        underUmask(
                box,
                umask,
                "EHLO pc.lan\r\nMAIL FROM:<a@test.example>\r\nRCPT TO:<c@far.example>\r\n"
                    + "DATA\r\nSubject: b\r\n\r\nhi\r\n.\r\nQUIT\r\n",
                "masq-smtpd")
            .expect(0);
    assertTrue(smtp.out().contains("\r\n250 "), smtp.out());
    List<String> ids = box.queuedIds();
    assertEquals(2, ids.size(), ids.toString());
    // a changed state is written as queue/ID.env
    underUmask(box, umask, null, "masq-queue", "hold", ids.get(0)).expect(0);

    assertEquals("rwx------", mode(box.spool), "the spool");
    for (String d : List.of("queue", "tmp", "corrupt")) {
      assertEquals("rwx------", mode(box.spool.resolve(d)), d + "/");
    }
    assertEquals("rw-------", mode(box.spool.resolve("VERSION")));
    for (String id : ids) {
      assertEquals("rw-------", mode(box.spool.resolve("queue/" + id + ".msg")), id);
    }
    assertEquals("rw-------", mode(box.spool.resolve("queue/" + ids.get(0) + ".env")));
    assertEquals("rwx------", mode(box.logDir), "the log directory");
    assertEquals("rw-------", mode(box.logDir.resolve("masq.log")), "the log");
    assertTrue(
        box.run("", "masq-queue", "check")
            .expect(0)
            .out()
            .endsWith("2 message(s), 0 problem(s)\n"));
  }

  @Test
  void checkNamesALooseModeAndRepairMendsIt() throws Exception {
    Sandbox box = new Sandbox(tmp, "do_queue = true\n");
    box.run("Subject: a\n\nhi\n", "masq-inject", "-i", "bob@far.example").expect(0);
    String id = box.queuedIds().get(0);
    Path msg = box.spool.resolve("queue/" + id + ".msg");
    Files.setPosixFilePermissions(msg, PosixFilePermissions.fromString("rw-r--r--"));
    Sandbox.Run c = box.run("", "masq-queue", "check");
    assertEquals(
        "problem: mode 0644 of queue/"
            + id
            + ".msg lets others in (masq makes it 0600)\n1 message(s), 1 problem(s)\n",
        c.out());
    assertEquals(65, c.exit());
    Sandbox.Run r = box.run("", "masq-queue", "check", "--repair").expect(0);
    assertTrue(r.out().contains("repaired: mode of queue/" + id + ".msg set to 0600\n"), r.out());
    assertEquals("rw-------", mode(msg));
    assertEquals(
        "1 message(s), 0 problem(s)\n", box.run("", "masq-queue", "check").expect(0).out());
  }

  /**
   * Without a configuration, masq makes the XDG directories that lead to its state ({@code
   * ~/.local}, {@code ~/.local/state}, {@code ~/.local/state/masq}) 0700 even under umask 000, as
   * the XDG base directory specification asks.
   */
  @Test
  void theXdgParentsMasqMakesArePrivateUnderUmask000() throws Exception {
    Path home = tmp.resolve("home");
    Files.createDirectories(home);
    Path state = home.resolve(".local/state");
    Sandbox.exec(
            List.of(
                "sh",
                "-c",
                "umask 000; exec \"$0\" -odq bob@far.example",
                Sandbox.bin("masq-inject").toString()),
            "Subject: a\n\nhi\n".getBytes(),
            Map.of("HOME", home.toString(), "XDG_STATE_HOME", state.toString()))
        .expect(0);
    for (Path p : List.of(home.resolve(".local"), state, state.resolve("masq"))) {
      assertEquals("rwx------", mode(p), p.toString());
    }
    assertEquals("rwxr-xr-x", mode(home), "an existing directory keeps its mode");
  }

  /**
   * A spool directory the user made with mkdir (0755) lets others see only the names of masq's
   * private entries: check finds no problem in it, but does in one others may write to.
   */
  @Test
  void aSpoolDirectoryMadeWithMkdirIsNoProblem() throws Exception {
    Sandbox box = new Sandbox(tmp, "do_queue = true\n");
    Files.createDirectory(box.spool);
    Files.setPosixFilePermissions(box.spool, PosixFilePermissions.fromString("rwxr-xr-x"));
    box.run("Subject: a\n\nhi\n", "masq-inject", "-i", "bob@far.example").expect(0);
    assertEquals(
        "1 message(s), 0 problem(s)\n", box.run("", "masq-queue", "check").expect(0).out());
    Files.setPosixFilePermissions(box.spool, PosixFilePermissions.fromString("rwxrwxrwx"));
    Sandbox.Run c = box.run("", "masq-queue", "check");
    assertEquals(65, c.exit(), c.out());
    assertTrue(c.out().contains("mode 0777 of " + box.spool + "/ lets others in"), c.out());
  }
}
