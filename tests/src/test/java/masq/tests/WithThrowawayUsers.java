package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * Base of the system-mode test classes: two throw-away login users {@link #A} and {@link #B}, made
 * with useradd before the class's tests and removed after them (also when a test fails), a base
 * directory under /tmp that every user may pass through, so that the users reach a spool made below
 * it, and the launchers they run, from a copy of masq installed where they can reach it ({@link
 * #bin}), and in it, per test, a system-mode installation ({@link #setUp}: a spool made by
 * examples/install-system.sh and owned by mail) whose commands run as either user through setpriv
 * ({@link #as}). Needs root, as CI runs the tests: without it the class fails rather than passing
 * untested. Public for the test classes of other packages that need a second user (the link hook as
 * root, switching to the spool's owner).
 */
public abstract class WithThrowawayUsers {
  protected static String A;
  protected static String B;
  protected static Path base;

  @BeforeAll
  protected static void makeUsers() throws Exception {
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

  /**
   * The launcher {@code TOOL} as the throw-away users, mail and root run it: not the source tree's
   * {@code bin/}, which other users cannot reach when the checkout lives in a private directory
   * (Debian 12 makes home directories 0700), but a {@code make install} of the tree's build into a
   * directory of mode 755 under /tmp. Made once per test run, for every class that needs it (the
   * install trains the AOT cache again, which takes a while), and removed when the run ends.
   */
  protected static Path bin(String tool) throws Exception {
    return Installed.prefix().resolve("bin").resolve(tool);
  }

  /** The one installed copy of the test run. */
  private static final class Installed {
    private static Path prefix;

    static synchronized Path prefix() throws Exception {
      if (prefix == null) {
        prefix = install();
      }
      return prefix;
    }

    private static Path install() throws Exception {
      // /tmp and / may be entered by anyone, and so may this directory whatever the umask
      Path dir =
          Files.createTempDirectory(
              Path.of("/tmp"),
              "masq-installed-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(() -> {
                try {
                  new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString())
                      .start()
                      .waitFor();
                } catch (IOException | InterruptedException ignored) {
                  // a directory under /tmp left behind
                }
              }));
      Path out = dir.resolve("make-install.log");
      // -o build/launch.env: install the build the other tests run, never rebuild it here
      Process p =
          new ProcessBuilder(
                  "make",
                  "-s",
                  "-C",
                  Sandbox.HOME.toString(),
                  "-o",
                  "build/launch.env",
                  "install",
                  "PREFIX=" + dir)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("make install took more than 10 minutes; see " + out);
      }
      assertEquals(0, p.exitValue(), () -> "make install PREFIX=" + dir + ": " + read(out));
      // what the checkout's umask made unreadable (cp keeps the source's mode) must be readable
      Sandbox.exec(List.of("chmod", "-R", "a+rX", dir.toString()), null, Map.of()).expect(0);
      return dir;
    }

    private static String read(Path p) {
      try {
        return Files.readString(p);
      } catch (IOException e) {
        return e.toString();
      }
    }
  }

  /** One system-mode installation: masq.conf, a mail-owned spool and log, a /var/mail. */
  record Sys(Path dir, Path conf, Path spool, Path mail) {
    Path queue() {
      return spool.resolve("queue");
    }

    Path maildrop() {
      return spool.resolve("maildrop");
    }

    String log() throws IOException {
      return Files.readString(dir.resolve("log/masq.log"));
    }

    /** bin/TOOL -C masq.conf ARGS as {@code user} (null: root), from the installed copy. */
    Sandbox.Run run(String user, String stdin, String tool, String... args) throws Exception {
      List<String> cmd = new ArrayList<>(List.of(bin(tool).toString(), "-C", conf.toString()));
      cmd.addAll(List.of(args));
      return as(user, cmd, stdin);
    }

    List<String> ids() throws IOException {
      return SpoolFiles.ids(queue());
    }

    String envelope(String id) throws IOException {
      return SpoolFiles.envelope(queue(), id);
    }

    List<String> corrupt() throws IOException {
      try (var s = Files.list(spool.resolve("corrupt"))) {
        return s.map(p -> p.getFileName().toString()).sorted().toList();
      }
    }
  }

  /**
   * A system-mode installation for the test {@code info} in {@link #base}, with {@link #B} a
   * trusted user and {@code extraConf} added to masq.conf.
   */
  static Sys setUp(TestInfo info, String extraConf) throws Exception {
    Path dir = Files.createDirectory(base.resolve(info.getTestMethod().orElseThrow().getName()));
    Path mail = Files.createDirectory(dir.resolve("mail"));
    Sandbox.exec(List.of("chown", "root:mail", mail.toString()), null, Map.of()).expect(0);
    Sandbox.exec(List.of("chmod", "2775", mail.toString()), null, Map.of()).expect(0);
    Path spool = dir.resolve("spool");
    Sandbox.exec(
            List.of(
                "sh",
                Sandbox.HOME.resolve("examples/install-system.sh").toString(),
                spool.toString(),
                dir.resolve("log").toString()),
            null,
            Map.of())
        .expect(0);
    Path conf = dir.resolve("masq.conf");
    Files.writeString(
        conf,
        "host_name = test.example\n"
            + "spool_dir = \""
            + spool
            + "\"\n"
            + "log_dir = \""
            + dir.resolve("log")
            + "\"\n"
            + "mail_dir = \""
            + mail
            + "\"\n"
            + "run_as_user = false\n"
            + "trusted_users = "
            + B
            + "\n"
            + extraConf);
    return new Sys(dir, conf, spool, mail);
  }

  /** Runs {@code cmd} as {@code user} (null: root itself) with setpriv, as the units do. */
  static Sandbox.Run as(String user, List<String> cmd, String stdin) throws Exception {
    List<String> full = new ArrayList<>();
    if (user != null) {
      full.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
    }
    full.addAll(cmd);
    return Sandbox.exec(
        full, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static String stat(Path p) throws Exception {
    return Sandbox.exec(List.of("stat", "-c", "%U:%G:%a", p.toString()), null, Map.of())
        .expect(0)
        .out()
        .strip();
  }

  static String uidOf(String user) throws Exception {
    return Sandbox.exec(List.of("id", "-u", user), null, Map.of()).expect(0).out().strip();
  }

  @AfterAll
  protected static void removeUsers() throws Exception {
    for (String name : List.of(A, B)) {
      Sandbox.exec(List.of("userdel", name), null, Map.of());
      Sandbox.exec(List.of("groupdel", name), null, Map.of());
    }
    if (base != null) {
      Sandbox.exec(List.of("rm", "-rf", "--one-file-system", base.toString()), null, Map.of());
    }
  }
}
