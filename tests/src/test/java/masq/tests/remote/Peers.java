package masq.tests.remote;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import masq.tests.Await;
import masq.tests.Sandbox;

/**
 * Real peers for the remote-delivery tests, started on loopback and stopped by the tests: Postfix's
 * smtp-sink, a recording aiosmtpd server (smtpd.py, run with Debian's /usr/bin/python3), a server
 * that breaks off the TLS handshake (tlsdrop.py), openssl s_server, dnsmasq, a syslog socket
 * (socat), and a test CA made with openssl; and the reading of what they received (smtp-sink's
 * dumps, the recorder's events and messages) and the client side (swaks). A peer that cannot start
 * fails the test; nothing is skipped.
 */
final class Peers implements AutoCloseable {
  private final List<Process> started = new ArrayList<>();
  final Path dir;

  /** Peers working in {@code dir}, which becomes traversable for smtp-sink's user nobody. */
  Peers(Path dir) throws IOException {
    this.dir = dir;
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** A TCP port nobody listens on right now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** smtp-sink on {@code ip:port}, dumping each transaction into a file in the returned dir. */
  Path smtpSink(String ip, int port, String... extra) throws Exception {
    Path dump = Files.createDirectories(dir.resolve("sink-" + ip + "-" + port));
    Files.setPosixFilePermissions(dump, PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> cmd =
        new ArrayList<>(List.of("/usr/sbin/smtp-sink", "-u", "nobody", "-d", dump + "/"));
    cmd.addAll(Arrays.asList(extra));
    cmd.add(ip + ":" + port);
    cmd.add("64");
    start(cmd);
    Await.port(ip, port, null);
    return dump;
  }

  /** The aiosmtpd recorder on 127.0.0.1:port with {@code options}; returns its record dir. */
  Path aiosmtpd(int port, String... options) throws Exception {
    Path record = Files.createDirectories(dir.resolve("aiosmtpd-" + port));
    List<String> args = new ArrayList<>(List.of(Integer.toString(port), record.toString()));
    args.addAll(Arrays.asList(options));
    python("smtpd.py", "aiosmtpd-" + port, args);
    return record;
  }

  /**
   * tlsdrop.py on 127.0.0.1:port: an SMTP server that offers STARTTLS and closes the connection in
   * the middle of the handshake.
   */
  void tlsDrop(int port) throws Exception {
    python("tlsdrop.py", "tlsdrop-" + port, List.of(Integer.toString(port)));
  }

  /**
   * openssl s_server on 127.0.0.1:port with {@code cert} and {@code key} and {@code options}: a
   * server with implicit TLS (as on port 465) whose TLS versions and ciphers can be narrowed, and
   * which answers a failed handshake with the TLS alert, as real servers do.
   */
  void sServer(int port, Path cert, Path key, String... options) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_server",
                "-quiet",
                "-accept",
                "127.0.0.1:" + port,
                "-cert",
                cert.toString(),
                "-key",
                key.toString()));
    cmd.addAll(Arrays.asList(options));
    start(cmd);
    Await.port("127.0.0.1", port, null);
  }

  /** Starts the test resource {@code script} with /usr/bin/python3; waits for its READY. */
  private void python(String script, String name, List<String> args) throws Exception {
    Path file = dir.resolve(script);
    if (!Files.exists(file)) {
      try (var in = Peers.class.getResourceAsStream(script)) {
        Files.copy(in, file);
      }
    }
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", file.toString()));
    cmd.addAll(args);
    Path err = dir.resolve(name + ".err");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    started.add(p);
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    if (!"READY".equals(line)) {
      throw new IllegalStateException(script + " did not start: " + Files.readString(err));
    }
  }

  /**
   * The system property that points JNDI's DNS lookups (MX) at a server such as {@link #dnsmasq}.
   */
  static final String DNS_SERVER = "java.naming.provider.url";

  /**
   * dnsmasq answering for *.test on 127.0.0.1:port with the given --mx-host/--host-record options.
   */
  void dnsmasq(int port, String... records) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "/usr/sbin/dnsmasq",
                "--keep-in-foreground",
                "--conf-file=/dev/null",
                "--port=" + port,
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--no-resolv",
                "--no-hosts",
                "--pid-file=",
                "--local=/test/",
                "--log-facility=" + dir.resolve("dnsmasq.log")));
    cmd.addAll(Arrays.asList(records));
    start(cmd);
    Process p = started.get(started.size() - 1);
    Path log = dir.resolve("dnsmasq.log");
    // UDP has nothing to connect to: wait for its start-up line
    Await.until(
        "dnsmasq's start-up line",
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError("dnsmasq exited: " + p.exitValue());
          }
          return Files.readString(log).contains("started");
        });
  }

  /** A CA and a server certificate for {@code san} (e.g. "IP:127.0.0.1,DNS:localhost"). */
  record Pki(Path caCert, Path serverCert, Path serverKey) {}

  Pki pki(String name, String san) throws Exception {
    return pki(name, san, null);
  }

  /**
   * The same, with the server certificate signed (for 2 days) at {@code signedAt} by faketime (a
   * date such as "2020-01-01 00:00:00": an expired certificate), or now when null.
   */
  Pki pki(String name, String san, String signedAt) throws Exception {
    Path d = Files.createDirectories(dir.resolve("pki-" + name));
    run(
        d,
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=masq test CA " + name);
    run(
        d,
        "openssl",
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=masq test server");
    Files.writeString(d.resolve("ext"), "subjectAltName=" + san + "\n");
    List<String> sign =
        new ArrayList<>(signedAt == null ? List.of() : List.of("faketime", signedAt));
    sign.addAll(
        List.of(
            "openssl",
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            "server.pem",
            "-extfile",
            "ext"));
    run(d, sign.toArray(new String[0]));
    return new Pki(d.resolve("ca.pem"), d.resolve("server.pem"), d.resolve("server.key"));
  }

  private static void run(Path cwd, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  /**
   * A syslog receiver on the Unix datagram socket {@code socket} (socat): what {@code logger -u
   * socket} sends is appended to the file returned, each message as {@code <PRI>DATE TAG: TEXT}.
   */
  Path syslog(Path socket) throws Exception {
    Path received = dir.resolve("syslog-" + started.size() + ".txt");
    Files.writeString(received, "");
    start(List.of("socat", "-u", "UNIX-RECV:" + socket, "OPEN:" + received + ",append"));
    Await.until("socat's socket " + socket, () -> Files.exists(socket));
    return received;
  }

  private void start(List<String> cmd) throws IOException {
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(
                dir.resolve(Path.of(cmd.get(0)).getFileName() + "-" + started.size() + ".out")
                    .toFile())
            .start();
    started.add(p);
  }

  /** Every file smtp-sink dumped into {@code dump}, as text, in name order. */
  static List<String> dumps(Path dump) throws IOException {
    List<String> out = new ArrayList<>();
    try (var s = Files.list(dump)) {
      for (Path p : s.sorted().toList()) {
        out.add(Files.readString(p, StandardCharsets.ISO_8859_1));
      }
    }
    return out;
  }

  /** {@link #dumps}, once there are at least {@code n}. */
  static List<String> waitDumps(Path dump, int n) throws Exception {
    return Await.until(n + " files from smtp-sink", () -> dumps(dump), d -> d.size() >= n);
  }

  /** How many files smtp-sink has dumped into {@code dump} (-1 when it cannot be read). */
  static int count(Path dump) {
    try {
      return dumps(dump).size();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  /**
   * Waits until one message smtp-sink dumped holds every one of {@code parts} (CRLF read as LF):
   * smtp-sink creates its file when the transaction starts, so a count of files is not yet an
   * arrival.
   */
  static void awaitDump(Path dump, String... parts) throws InterruptedException {
    Await.until(
        "a message with " + String.join(", ", parts) + " at smtp-sink",
        () -> {
          try {
            return dumps(dump).stream()
                .map(d -> d.replace("\r\n", "\n"))
                .anyMatch(d -> Arrays.stream(parts).allMatch(d::contains));
          } catch (java.io.IOException e) {
            return false;
          }
        });
  }

  /** Every dump of {@code dump}, separated by a line of {@code =====}. */
  static String all(Path dump) throws Exception {
    return String.join("\n=====\n", dumps(dump));
  }

  /** The aiosmtpd recorder's event lines in {@code record} (its file {@code events}). */
  static List<String> events(Path record) throws Exception {
    Path f = record.resolve("events");
    return Files.exists(f) ? Files.readAllLines(f) : List.of();
  }

  /** What the aiosmtpd recorder stored in {@code record}: its msg-N.json files, in name order. */
  static List<String> messages(Path record) throws Exception {
    List<String> out = new ArrayList<>();
    try (var s = Files.list(record)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        out.add(Files.readString(p));
      }
    }
    return out;
  }

  /** What {@code openssl x509 -fingerprint -sha256} prints for {@code cert}: AB:CD:... */
  static String opensslFingerprint(Path cert) throws Exception {
    Process p =
        new ProcessBuilder(
                "openssl", "x509", "-in", cert.toString(), "-noout", "-fingerprint", "-sha256")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(out);
    }
    return out.substring(out.indexOf('=') + 1); // "sha256 Fingerprint=AB:CD:..."
  }

  /** swaks against 127.0.0.1:port with {@code args}. */
  static Sandbox.Run swaksTo(int port, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1:" + port));
    cmd.addAll(List.of(args));
    return Sandbox.exec(cmd, new byte[0], Map.of());
  }

  @Override
  public void close() {
    for (Process p : started) {
      p.destroy();
    }
    for (Process p : started) {
      stop(p, 5);
    }
  }

  /** Stops {@code p}: SIGTERM, then SIGKILL if it has not ended within {@code seconds}. */
  static void stop(Process p, int seconds) {
    p.destroy();
    try {
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static String sandboxHome() {
    return Sandbox.HOME.toString();
  }
}
