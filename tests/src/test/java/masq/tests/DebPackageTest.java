package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * make deb: the Debian package's file list, control fields and conffiles, and lintian's verdict
 * where lintian is installed (tests/install-deps.sh installs it). Installing it for real is make
 * test-deb's job (README, "Debian package").
 */
class DebPackageTest {
  private static Sandbox.Run run(String... cmd) throws Exception {
    return Sandbox.exec(List.of(cmd), null, Map.of());
  }

  /** The entries of {@code dpkg-deb --contents}: path without "./" to its link target or "". */
  private static Map<String, String> contents(Path deb) throws Exception {
    Map<String, String> m = new HashMap<>();
    for (String line : run("dpkg-deb", "--contents", deb.toString()).expect(0).out().split("\n")) {
      // -rw-r--r-- root/root    1234 2026-12-08 00:00 ./usr/bin/sendmail
      String[] f = line.split(" +", 6);
      String[] name = f[5].split(" -> ", 2);
      String path = name[0].substring(2);
      m.put(
          path.endsWith("/") ? path.substring(0, path.length() - 1) : path,
          name.length == 2 ? name[1] : "");
      assertEquals("root/root", f[1], line);
    }
    return m;
  }

  @Test
  void thePackageHasTheMtaNamesTheUnitsAndTheConfigurationAndLintianFindsNoError()
      throws Exception {
    run("make", "-s", "-C", Sandbox.HOME.toString(), "deb").expect(0);
    Path deb;
    try (Stream<Path> s = Files.list(Sandbox.HOME.resolve("build"))) {
      deb =
          s.filter(p -> p.getFileName().toString().matches("masq_.*_all\\.deb"))
              .findFirst()
              .orElseThrow();
    }
    Map<String, String> c = contents(deb);

    // the MTA's names, as links to the sendmail wrapper (masqmail's package has the same)
    assertEquals("../bin/sendmail", c.get("usr/sbin/sendmail"));
    assertEquals("../bin/sendmail", c.get("usr/sbin/newaliases"));
    assertEquals("../bin/sendmail", c.get("usr/lib/sendmail"));
    for (String n : List.of("mailq", "runq", "mailrm")) {
      assertEquals("sendmail", c.get("usr/bin/" + n), n);
    }
    for (String f :
        List.of(
            "usr/bin/sendmail",
            "usr/bin/masq-inject",
            "usr/bin/masq-queue",
            "usr/bin/masq-deliver",
            "usr/bin/masq-rewrite",
            "usr/bin/masq-smtpd",
            "usr/lib/masq/launch.sh",
            "usr/lib/masq/setup-jdk",
            "usr/lib/masq/install-system.sh",
            "usr/lib/masq/masq-lib.jar",
            "usr/lib/masq/masq-tools.jar",
            "usr/share/man/man8/masq-sendmail.8.gz",
            "usr/share/man/man5/masq.conf.5.gz",
            "usr/share/doc/masq/copyright",
            "usr/share/doc/masq/changelog.Debian.gz",
            "usr/share/doc/masq/README.Debian",
            "etc/masq/masq.conf",
            "etc/masq/connection-routes",
            "etc/logrotate.d/masq",
            "etc/NetworkManager/dispatcher.d/90-masq",
            "etc/networkd-dispatcher/routable.d/90-masq",
            "usr/lib/systemd/system/masq-smtpd.socket",
            "usr/lib/systemd/system/masq-smtpd@.service",
            "usr/lib/systemd/system/masq-deliver.service",
            "usr/lib/systemd/system/masq-deliver.timer",
            "usr/lib/systemd/system/masq-pickup.path")) {
      assertEquals("", c.get(f), f);
    }
    assertEquals("masq-sendmail.8.gz", c.get("usr/share/man/man8/mailq.8.gz"));
    // the start-up caches and launch.env belong to the installed runtime: the postinst makes them
    for (String p : c.keySet()) {
      assertFalse(p.endsWith(".aot") || p.endsWith("launch.env"), p);
      assertFalse(p.startsWith("usr/local") || p.startsWith("var/"), p);
      assertFalse(p.startsWith("usr/share/man/") && p.matches(".*\\.[1-8]$"), "uncompressed " + p);
    }

    String control = "\n" + run("dpkg-deb", "--field", deb.toString()).expect(0).out();
    for (String field :
        List.of(
            "Package: masq",
            "Architecture: all",
            "Section: mail",
            "Provides: mail-transport-agent",
            "Conflicts: mail-transport-agent",
            "Replaces: mail-transport-agent",
            "Depends: openjdk-25-jre-headless | openjdk-21-jre-headless"
                + " | java-runtime-headless (>= 21)")) {
      assertTrue(control.contains("\n" + field + "\n"), field + " in:\n" + control);
    }
    assertEquals(
        "/etc/NetworkManager/dispatcher.d/90-masq\n/etc/logrotate.d/masq\n"
            + "/etc/masq/connection-routes\n/etc/masq/masq.conf\n"
            + "/etc/networkd-dispatcher/routable.d/90-masq\n",
        run("dpkg-deb", "--info", deb.toString(), "conffiles").expect(0).out());
    assertEquals(
        "interest-noawait /usr/lib/jvm\n",
        run("dpkg-deb", "--info", deb.toString(), "triggers").expect(0).out());

    if (Files.isExecutable(Path.of("/usr/bin/lintian"))) {
      Sandbox.Run l = run("lintian", "--fail-on", "error", deb.toString());
      assertEquals(0, l.exit(), l.out() + l.stderr());
      assertFalse(l.out().contains("E: "), l.out());
    }
  }
}
