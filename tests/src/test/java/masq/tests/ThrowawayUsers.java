package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Two throw-away login users, made with useradd for the system-mode tests and removed by {@link
 * #close()} (also when a test fails), and a base directory under /tmp that every user may pass
 * through, so that the users reach a spool made below it. Needs root, as CI runs the tests: without
 * it the test class fails rather than passing untested.
 */
final class ThrowawayUsers implements AutoCloseable {
  final String a;
  final String b;
  final Path base;

  private ThrowawayUsers(String a, String b, Path base) {
    this.a = a;
    this.b = b;
    this.base = base;
  }

  /** Users named {@code PREFIX} + "a"/"b" + a random number, e.g. masqa12345. */
  static ThrowawayUsers make(String prefix) throws Exception {
    assertEquals(
        "root",
        System.getProperty("user.name"),
        "the system-mode tests create users: run them as root (CI does)");
    int n = ThreadLocalRandom.current().nextInt(10000, 99999);
    Path base =
        Files.createTempDirectory(
            Path.of("/tmp"),
            prefix + "-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(
        base, PosixFilePermissions.fromString("rwxr-xr-x")); // whatever the umask
    ThrowawayUsers u = new ThrowawayUsers(prefix + "a" + n, prefix + "b" + n, base);
    for (String name : u.both()) {
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
    return u;
  }

  List<String> both() {
    return List.of(a, b);
  }

  @Override
  public void close() throws Exception {
    for (String name : both()) {
      Sandbox.exec(List.of("userdel", name), null, Map.of());
      Sandbox.exec(List.of("groupdel", name), null, Map.of());
    }
    Sandbox.exec(List.of("rm", "-rf", "--one-file-system", base.toString()), null, Map.of());
  }
}
