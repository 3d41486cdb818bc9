package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the system-mode test classes: two throw-away login users {@link #A} and {@link #B}, made
 * with useradd before the class's tests and removed after them (also when a test fails), and a base
 * directory under /tmp that every user may pass through, so that the users reach a spool made below
 * it. Needs root, as CI runs the tests: without it the class fails rather than passing untested.
 */
abstract class WithThrowawayUsers {
  static String A;
  static String B;
  static Path base;

  @BeforeAll
  static void makeUsers() throws Exception {
    assertEquals(
        "root",
        System.getProperty("user.name"),
        "the system-mode tests create users: run them as root (CI does)");
    int n = ThreadLocalRandom.current().nextInt(10000, 99999);
    base =
        Files.createTempDirectory(
            Path.of("/tmp"),
            "masq-users-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x")); // any umask
    A = "masqa" + n;
    B = "masqb" + n;
    for (String name : List.of(A, B)) {
      Sandbox.exec(
              List.of(
                  "useradd",
                  "-U",
                  "-M",
                  "-d",
                  base.resolve("home-" + name).toString(),
                  "-s",
                  "/bin/sh",
                  name),
              null,
              Map.of())
          .expect(0);
    }
  }

  @AfterAll
  static void removeUsers() throws Exception {
    for (String name : List.of(A, B)) {
      Sandbox.exec(List.of("userdel", name), null, Map.of());
      Sandbox.exec(List.of("groupdel", name), null, Map.of());
    }
    if (base != null) {
      Sandbox.exec(List.of("rm", "-rf", "--one-file-system", base.toString()), null, Map.of());
    }
  }
}
