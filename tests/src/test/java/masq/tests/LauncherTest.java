package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
