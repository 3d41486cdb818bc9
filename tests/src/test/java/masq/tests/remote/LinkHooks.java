package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import masq.tests.Await;
import masq.tests.Sandbox;

/**
 * Runs {@code examples/masq-link-up} as NetworkManager-dispatcher and networkd-dispatcher run it
 * (their arguments and environment), with a recording stand-in for masq-deliver (it notes the user
 * it runs as, its arguments and exit code, and runs the real one), a stand-in for {@code nmcli}
 * that answers the two questions the hook asks from files the test writes, and, when asked for,
 * {@code logger} writing to a real syslog socket of the test ({@link #journal}).
 */
final class LinkHooks {
  final Path dir;
  final Path calls;
  final Path routesFile;
  private final Path stubs;
  private final Sandbox box;

  /**
   * Hooks for {@code box}, whose connection-routes file is written next to its masq.conf, with a
   * {@code user} line naming the user the tests run as.
   */
  LinkHooks(Path dir, Sandbox box, String connectionRoutes) throws Exception {
    this(
        dir,
        box,
        connectionRoutes + "user " + System.getProperty("user.name") + "\n",
        Sandbox.bin("masq-deliver"));
  }

  /**
   * Hooks for {@code box} whose connection-routes file holds {@code routesFileText} as it is, and
   * whose stand-in masq-deliver runs {@code deliver}. The directory, and the files the stand-in
   * writes, are open to every user, for a hook that switches user.
   */
  LinkHooks(Path dir, Sandbox box, String routesFileText, Path deliver) throws Exception {
    this.dir = Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    this.box = box;
    this.calls = dir.resolve("calls");
    this.stubs = Files.createDirectories(dir.resolve("stubs"));
    this.routesFile = box.conf.resolveSibling("connection-routes");
    Files.writeString(routesFile, routesFileText);
    Path err = dir.resolve("deliver.err");
    for (Path p : List.of(calls, err)) {
      Files.writeString(p, "");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-"));
    }
    // who it runs as, its arguments, its exit code; its standard error both to deliver.err and on
    script(
        stubs.resolve("masq-deliver"),
        "echo \"as $(id -un) HOME=$HOME\" >> '"
            + calls
            + "'\necho \"masq-deliver $*\" >> '"
            + calls
            + "'\nt=$(mktemp)\n'"
            + deliver
            + "' \"$@\" 2> \"$t\"\nrc=$?\ncat \"$t\" >> '"
            + err
            + "'\ncat \"$t\" >&2\nrm -f \"$t\"\necho \"exit $rc\" >> '"
            + calls
            + "'\nexit $rc\n");
    // nmcli -g 802-11-wireless.ssid connection show uuid UUID | nmcli -g GENERAL.METERED device
    // show IFACE: the answers are the files ssid-UUID and metered-IFACE
    script(
        stubs.resolve("nmcli"),
        "echo \"nmcli $*\" >> '"
            + dir.resolve("nmcli.calls")
            + "'\ncase \"$2\" in\n"
            + "  802-11-wireless.ssid) f='"
            + dir
            + "/ssid-'\"$6\" ;;\n"
            + "  GENERAL.METERED) f='"
            + dir
            + "/metered-'\"$5\" ;;\n"
            + "  *) exit 2 ;;\nesac\n[ -f \"$f\" ] && cat \"$f\"\nexit 0\n");
  }

  private static void script(Path p, String body) throws Exception {
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** What nmcli says of the SSID of connection {@code uuid}. */
  void ssid(String uuid, String ssid) throws Exception {
    Files.writeString(dir.resolve("ssid-" + uuid), ssid + "\n");
  }

  /** What nmcli says of GENERAL.METERED of {@code iface} ("yes (guessed)", "no", ...). */
  void metered(String iface, String answer) throws Exception {
    Files.writeString(dir.resolve("metered-" + iface), answer + "\n");
  }

  private Map<String, String> env(String... kv) {
    Map<String, String> e = new HashMap<>();
    e.put("PATH", stubs + ":" + System.getenv("PATH"));
    e.put("MASQ_DELIVER", stubs.resolve("masq-deliver").toString());
    e.put("MASQ_CONF", box.conf.toString());
    for (int i = 0; i + 1 < kv.length; i += 2) {
      e.put(kv[i], kv[i + 1]);
    }
    return e;
  }

  private static List<String> hook(String... args) {
    List<String> cmd =
        new ArrayList<>(List.of(Sandbox.HOME.resolve("examples/masq-link-up").toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * NetworkManager-dispatcher: {@code $1} the interface, {@code $2} the action, and its environment
   * (CONNECTION_ID, CONNECTION_UUID, DEVICE_IFACE, NM_DISPATCHER_ACTION).
   */
  Sandbox.Run networkManager(String iface, String action, String connectionId, String uuid)
      throws Exception {
    return networkManagerRun(iface, action, connectionId, uuid).expect(0);
  }

  /** The same, whatever the hook's exit code. */
  Sandbox.Run networkManagerRun(String iface, String action, String connectionId, String uuid)
      throws Exception {
    return Sandbox.exec(
        hook(iface, action),
        null,
        env(
            "NM_DISPATCHER_ACTION", action,
            "CONNECTION_ID", connectionId,
            "CONNECTION_UUID", uuid,
            "DEVICE_IFACE", iface,
            "DEVICE_IP_IFACE", iface));
  }

  /** networkd-dispatcher: no arguments; IFACE, STATE, ESSID (Wi-Fi), OperationalState. */
  Sandbox.Run networkd(String iface, String state, String essid) throws Exception {
    return networkdRun(iface, state, essid).expect(0);
  }

  /** The same, whatever the hook's exit code. */
  Sandbox.Run networkdRun(String iface, String state, String essid) throws Exception {
    List<String> kv =
        new ArrayList<>(
            List.of(
                "IFACE", iface,
                "STATE", state,
                "OperationalState", state,
                "AdministrativeState", "configured"));
    if (essid != null) {
      kv.addAll(List.of("ESSID", essid));
    }
    return Sandbox.exec(hook(), null, env(kv.toArray(String[]::new)));
  }

  /** The masq-deliver runs so far: one line per run ("masq-deliver ARGS"), once each ended. */
  List<String> awaitRuns(int n) throws Exception {
    List<String> lines =
        Await.until(
            n + " masq-deliver runs",
            () -> Files.exists(calls) ? Files.readAllLines(calls) : List.<String>of(),
            l -> l.stream().filter(c -> c.startsWith("exit ")).count() >= n);
    assertTrue(
        lines.stream().filter(l -> l.startsWith("exit ")).allMatch(l -> l.equals("exit 0")),
        () -> lines + " " + read(dir.resolve("deliver.err")));
    return lines.stream().filter(l -> l.startsWith("masq-deliver ")).toList();
  }

  /**
   * From now on the hook's {@code logger} is the real one, writing to a syslog socket of {@code
   * peers} instead of /dev/log; returns the file that receives what it logs.
   */
  Path journal(Peers peers) throws Exception {
    Path socket = dir.resolve("log.sock");
    Path received = peers.syslog(socket);
    script(
        stubs.resolve("logger"),
        "exec /usr/bin/logger --socket-errors=on -u '" + socket + "' \"$@\"\n");
    return received;
  }

  /** Who each masq-deliver run so far ran as: "as LOGIN HOME=DIR", one line per run. */
  List<String> identities() throws Exception {
    return Files.readAllLines(calls).stream().filter(l -> l.startsWith("as ")).toList();
  }

  /** The masq-deliver runs that ended so far (the hook was run and decided to start none). */
  List<String> runs() throws Exception {
    return Files.exists(calls)
        ? Files.readAllLines(calls).stream().filter(l -> l.startsWith("masq-deliver ")).toList()
        : List.of();
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
