package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * make install / install-sendmail / uninstall into a DESTDIR, and the installed commands run with
 * the source tree out of reach (a private mount namespace with an empty tmpfs over it).
 */
class InstallTest {
  @TempDir Path tmp;

  private static final String PREFIX = "/opt/masq-test";

  private Sandbox.Run make(Path destdir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("make", "-s", "-C", Sandbox.HOME.toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("DESTDIR=" + destdir, "PREFIX=" + PREFIX));
    return Sandbox.exec(cmd, null, Map.of());
  }

  /** Runs {@code cmd} where the source tree is an empty directory. */
  private static Sandbox.Run withoutSourceTree(byte[] stdin, String... cmd) throws Exception {
    List<String> c =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                "mount -t tmpfs tmpfs \"$0\" && test ! -e \"$0/Makefile\" && exec \"$@\"",
                Sandbox.HOME.toString()));
    c.addAll(List.of(cmd));
    return Sandbox.exec(c, stdin, Map.of());
  }

  private static List<String> tree(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void anInstalledTreeWorksWithTheSourceTreeGoneAndUninstallRemovesOnlyWhatInstallPut()
      throws Exception {
    Path d = tmp.resolve("dest");
    Path root = d.resolve(PREFIX.substring(1));
    // something that is not masq's, which uninstall must leave alone
    Files.createDirectories(root.resolve("bin"));
    Files.writeString(root.resolve("bin/other-tool"), "#!/bin/sh\n");
    make(d, "install-sendmail", "USR_LIB_SENDMAIL=yes").expect(0);

    for (String f :
        List.of(
            "bin/masq-inject",
            "bin/masq-queue",
            "bin/masq-deliver",
            "bin/masq-rewrite",
            "bin/masq-smtpd",
            "bin/sendmail",
            "lib/masq/masq-lib.jar",
            "lib/masq/masq-tools.jar",
            "lib/masq/masq.aot",
            "lib/masq/masq-inject.aot",
            "lib/masq/launch.sh",
            "share/man/man8/masq-sendmail.8",
            "share/man/man5/masq.conf.5",
            "share/doc/masq/examples/isp1.route",
            "share/doc/masq/README.md")) {
      assertTrue(Files.isRegularFile(root.resolve(f)), f);
    }
    // the link hook, for both dispatchers, pointing at the installed masq-deliver
    for (String hook :
        List.of(
            "etc/NetworkManager/dispatcher.d/90-masq",
            "etc/networkd-dispatcher/routable.d/90-masq")) {
      Path h = d.resolve(hook);
      assertEquals(
          "rwxr-xr-x",
          java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(h)),
          hook);
      assertTrue(
          Files.readString(h)
              .contains("MASQ_DELIVER=${MASQ_DELIVER:-" + PREFIX + "/bin/masq-deliver}"),
          hook);
    }
    for (String n : List.of("sendmail", "mailq", "runq", "newaliases", "mailrm")) {
      assertEquals(
          "../bin/sendmail", Files.readSymbolicLink(root.resolve("sbin").resolve(n)).toString(), n);
    }
    assertEquals(
        PREFIX + "/bin/sendmail", Files.readSymbolicLink(d.resolve("usr/lib/sendmail")).toString());
    String env = Files.readString(root.resolve("lib/masq/launch.env"));
    assertFalse(env.contains(Sandbox.HOME.toString()), "no path into the source tree: " + env);

    Sandbox sb = new Sandbox(tmp.resolve("sb"), "mbox_default = mbox\ndo_queue = true\n");
    String sbin = root.resolve("sbin").toString();
    withoutSourceTree(
            "To: bob, far@example.net\nBcc: carol\nSubject: installed\n\nhi\n"
                .getBytes(StandardCharsets.UTF_8),
            sbin + "/sendmail",
            "-C",
            sb.conf.toString(),
            "-t",
            "-i")
        .expect(0);
    Sandbox.Run q = withoutSourceTree(null, sbin + "/mailq", "-C", sb.conf.toString()).expect(0);
    assertTrue(
        q.out().contains("== bob@test.example") && q.out().contains("== carol@test.example"),
        q.out());
    Sandbox.Run run = withoutSourceTree(null, sbin + "/runq", "-C", sb.conf.toString()).expect(0);
    assertEquals("", run.stderr(), "no JVM or cache warnings");
    assertTrue(Files.readString(sb.mailDir.resolve("bob")).contains("Subject: installed"));
    assertTrue(Files.readString(sb.mailDir.resolve("carol")).contains("Subject: installed"));
    withoutSourceTree(
            null, root.resolve("bin/masq-queue").toString(), "-C", sb.conf.toString(), "check")
        .expect(0);
    Sandbox.Run man =
        withoutSourceTree(
            null, "man", "-M", root.resolve("share/man").toString(), "8", "masq-sendmail");
    assertTrue(man.expect(0).out().contains("mailq"), man.out());

    // a name that another MTA owns is not replaced without FORCE=yes
    Path newaliases = root.resolve("sbin/newaliases");
    Files.delete(newaliases);
    Files.writeString(newaliases, "other MTA\n");
    Sandbox.Run refused = make(d, "install-sendmail");
    assertTrue(
        refused.exit() != 0 && refused.stderr().contains("exists (another MTA?)"),
        refused.stderr());
    assertEquals("other MTA\n", Files.readString(newaliases));
    make(d, "install-sendmail", "FORCE=yes").expect(0);
    assertTrue(Files.isSymbolicLink(newaliases));

    make(d, "uninstall").expect(0);
    assertEquals(List.of(PREFIX.substring(1) + "/bin/other-tool"), tree(d));
  }
}
