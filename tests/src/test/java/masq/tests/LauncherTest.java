package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bin/ launchers: JDK choice, installed tree, man pages that render. */
class LauncherTest {
  @TempDir Path dir;

  @Test
  void anOldOrMissingJavaHomeIsPassedOverForAJdkOf21OrNewer() throws Exception {
    for (String jh :
        List.of("/usr/lib/jvm/java-17-openjdk-amd64", dir.resolve("nojdk").toString())) {
      Sandbox.Run r =
          Sandbox.exec(
                  List.of(Sandbox.bin("masq-queue").toString(), "--version"),
                  null,
                  Map.of("JAVA_HOME", jh))
              .expect(0);
      assertTrue(r.out().startsWith("masq-queue (masq) "), r.out());
      assertEquals("", r.stderr(), "nothing from the JVM on stderr");
    }
  }

  /**
   * Runs {@code script} in sh (the directory {@code gone} made and entered first, as $D), then the
   * launcher {@code tool} with {@code args} from there, the message on stdin; the shell's own
   * complaint about the lost directory is left out of stderr.
   */
  private static Sandbox.Run fromLostDirectory(
      Path gone, String script, String tool, String... args) throws Exception {
    StringBuilder cmd = new StringBuilder("mkdir -p \"$D\" && cd \"$D\" && " + script + " && exec");
    cmd.append(" '").append(Sandbox.bin(tool)).append("'");
    for (String a : args) {
      cmd.append(" '").append(a).append("'");
    }
    Sandbox.Run r =
        Sandbox.exec(
            List.of("sh", "-c", cmd.toString()),
            "Subject: from a lost directory\n\nbody\n".getBytes(),
            Map.of("D", gone.toString(), "PWD", gone.toString()));
    String stderr =
        String.join(
            "\n",
            r.stderr().lines().filter(l -> !l.matches("sh: \\d+: getcwd\\(\\) failed.*")).toList());
    return new Sandbox.Run(r.exit(), r.stdout(), stderr);
  }

  @Test
  void aWorkingDirectoryRemovedByAnotherShellStillAcceptsMail() throws Exception {
    Sandbox box = new Sandbox(dir.resolve("box"), "do_queue = true\n");
    Path gone = dir.resolve("gone");
    for (String tool : List.of("sendmail", "masq-inject")) {
      Sandbox.Run r =
          fromLostDirectory(gone, "rmdir \"$D\"", tool, "-C", box.conf.toString(), "carol")
              .expect(0);
      assertEquals("", r.stderr(), tool + " says nothing of its own");
    }
    assertEquals(2, box.queuedIds().size(), "both accepted");
    assertFalse(Files.exists(gone));

    // a relative -C: the file of that name in the directory the user was in, when the path
    // exists again (another shell made it anew), else refused in one line
    Sandbox.Run r =
        fromLostDirectory(
            gone,
            "cp '" + box.conf + "' rel.conf && rm -r \"$D\"",
            "sendmail",
            "-C",
            "rel.conf",
            "carol");
    assertEquals(64, r.exit(), r.stderr());
    assertEquals(
        "sendmail: -C rel.conf: a relative name, but the working directory is gone:"
            + " give the file as an absolute path",
        r.stderr());
    assertEquals(2, box.queuedIds().size(), "nothing queued");
    r =
        fromLostDirectory(
            gone,
            "rm -r \"$D\" && mkdir \"$D\" && cp '" + box.conf + "' \"$D/rel.conf\"",
            "masq-inject",
            "-Crel.conf",
            "carol");
    assertEquals(0, r.exit(), r.stderr());
    assertEquals("", r.stderr());
    assertEquals(3, box.queuedIds().size(), "queued with the configuration the user meant");
  }

  @Test
  void launchersWorkThroughASymlinkFromAnotherDirectory() throws Exception {
    Path link = dir.resolve("sendmail-ish");
    Files.createSymbolicLink(link, Sandbox.bin("masq-inject"));
    Sandbox.Run r = Sandbox.exec(List.of(link.toString(), "--version"), null, Map.of()).expect(0);
    assertTrue(r.out().startsWith("masq-inject (masq) "));
  }

  @Test
  void anInstalledTreeWorks() throws Exception {
    Path prefix = dir.resolve("prefix");
    Sandbox.Run inst =
        Sandbox.exec(
            List.of("make", "-s", "-C", Sandbox.HOME.toString(), "install", "PREFIX=" + prefix),
            null,
            Map.of());
    assertEquals(0, inst.exit(), inst.stderr());
    assertTrue(Files.isRegularFile(prefix.resolve("lib/masq/masq.aot")));
    assertTrue(Files.isRegularFile(prefix.resolve("lib/masq/masq-inject.aot")));
    assertTrue(Files.isRegularFile(prefix.resolve("share/man/man1/masq-inject.1")));
    Sandbox box = new Sandbox(dir.resolve("box"), "do_queue = true\n");
    Sandbox.exec(
            List.of(prefix.resolve("bin/masq-inject").toString(), "-C", box.conf.toString(), "a@b"),
            "Subject: installed\n\nhi\n".getBytes(),
            Map.of())
        .expect(0);
    Sandbox.Run list =
        Sandbox.exec(
                List.of(prefix.resolve("bin/masq-queue").toString(), "-C", box.conf.toString()),
                null,
                Map.of())
            .expect(0);
    assertTrue(list.out().contains("== a@b"), list.out());
    Sandbox.exec(
            List.of("make", "-s", "-C", Sandbox.HOME.toString(), "uninstall", "PREFIX=" + prefix),
            null,
            Map.of())
        .expect(0);
    assertTrue(!Files.exists(prefix.resolve("bin/masq-inject")));
  }

  @Test
  void everyManPageRendersWithoutWarnings() throws Exception {
    try (var s = Files.list(Sandbox.HOME.resolve("man"))) {
      // the pages make installs (man/*.[1-8]); plain-text fragments beside them are not pages
      for (Path page :
          s.filter(p -> p.getFileName().toString().matches(".*\\.[1-8]")).sorted().toList()) {
        Sandbox.Run r =
            Sandbox.exec(
                    List.of("man", "--warnings", "-l", page.toString()),
                    null,
                    Map.of("MANWIDTH", "80", "MAN_KEEP_FORMATTING", "0"))
                .expect(0);
        assertTrue(r.out().replaceAll(".\b", "").contains("NAME"), page.toString());
        assertEquals("", r.stderr(), page + " has roff warnings");
      }
    }
  }
}
