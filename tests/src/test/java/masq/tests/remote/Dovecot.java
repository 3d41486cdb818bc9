package masq.tests.remote;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import masq.tests.Await;

/**
 * Dovecot's submission server (Debian's dovecot-core and dovecot-submissiond, 2.3), run by a test
 * from a private configuration under its temporary directory (its own state_dir and log, and a
 * base_dir of its own under /tmp that close() removes; no system service is used or needed) on a
 * free loopback port, relaying what it accepts to {@code relayPort} (Postfix's smtp-sink). It
 * offers STARTTLS with the test CA's certificate and AUTH PLAIN, LOGIN, CRAM-MD5 and SCRAM-SHA-256
 * against a passwd-file with one user, and XOAUTH2 and OAUTHBEARER through {@code passdb oauth2},
 * which asks a token-introspection endpoint the test also runs (introspect.py, Python's
 * http.server) whether a token is active. Needs root (Dovecot drops to its own users, dovenull and
 * dovecot, which the Debian package creates).
 */
final class Dovecot implements AutoCloseable {
  private static final Pattern LOGIN =
      Pattern.compile("Login: user=<([^>]*)>, method=([A-Z0-9-]+),");

  final int port;
  final Path log;
  private final Process introspect;
  private final Process master;
  private final Path runDir;

  /**
   * Starts Dovecot in {@code dir} for {@code user} with {@code password}; the OAuth2 tokens in
   * {@code tokens} are active for {@code user}, any other is not.
   */
  Dovecot(Path dir, Peers.Pki pki, int relayPort, String user, String password, List<String> tokens)
      throws Exception {
    Files.createDirectories(dir);
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.createDirectories(dir.resolve("state"));
    Files.writeString(dir.resolve("passwd"), user + ":{PLAIN}" + password + "::::::\n");
    Path script = dir.resolve("introspect.py");
    try (var in = Dovecot.class.getResourceAsStream("introspect.py")) {
      Files.copy(in, script);
    }
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), user));
    cmd.addAll(tokens);
    introspect =
        new ProcessBuilder(cmd).redirectError(dir.resolve("introspect.err").toFile()).start();
    String line =
        new BufferedReader(
                new InputStreamReader(introspect.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    if (line == null) {
      throw new IllegalStateException(
          "introspect.py did not start: " + Files.readString(dir.resolve("introspect.err")));
    }
    Files.writeString(
        dir.resolve("oauth2.conf"),
        "introspection_mode = post\n"
            + "introspection_url = http://127.0.0.1:"
            + line.strip()
            + "/introspect\n"
            + "force_introspection = yes\n"
            + "username_attribute = username\n"
            + "active_attribute = active\n"
            + "active_value = true\n");
    port = Peers.freePort();
    log = dir.resolve("dovecot.log");
    // its sockets live under base_dir, and a socket's path holds at most 107 bytes: a short
    // directory of its own under /tmp, whatever the length of the test's temporary directory
    runDir = Path.of("/tmp", "masq-dovecot-" + ProcessHandle.current().pid() + "-" + port);
    Path conf = dir.resolve("dovecot.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "base_dir = " + runDir,
            "state_dir = " + dir.resolve("state"),
            "instance_name = masq-test-" + port,
            "protocols = submission",
            "listen = 127.0.0.1",
            "log_path = " + log,
            "default_login_user = dovenull",
            "default_internal_user = dovecot",
            "first_valid_uid = 1",
            "mail_location = maildir:" + home.resolve("Maildir"),
            "ssl = yes",
            "ssl_cert = <" + pki.serverCert(),
            "ssl_key = <" + pki.serverKey(),
            "auth_mechanisms = plain login cram-md5 scram-sha-256 xoauth2 oauthbearer",
            "disable_plaintext_auth = no",
            "auth_verbose = yes",
            "auth_failure_delay = 0",
            "hostname = dovecot.test",
            "submission_relay_host = 127.0.0.1",
            "submission_relay_port = " + relayPort,
            "submission_relay_trusted = yes",
            "passdb {",
            "  driver = passwd-file",
            "  args = scheme=PLAIN " + dir.resolve("passwd"),
            "  mechanisms = plain login cram-md5 scram-sha-256",
            "}",
            "passdb {",
            "  driver = oauth2",
            "  mechanisms = xoauth2 oauthbearer",
            "  args = " + dir.resolve("oauth2.conf"),
            "}",
            "userdb {",
            "  driver = static",
            "  args = uid=dovecot gid=dovecot home=" + home,
            "}",
            "service submission-login {",
            "  inet_listener submission {",
            "    address = 127.0.0.1",
            "    port = " + port,
            "  }",
            "}",
            "service anvil {",
            "  chroot =",
            "}",
            ""));
    master =
        new ProcessBuilder("/usr/sbin/dovecot", "-F", "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("dovecot.out").toFile())
            .start();
    try {
      Await.port("127.0.0.1", port, null);
    } catch (IllegalStateException e) {
      close();
      throw new IllegalStateException(
          "dovecot did not start: "
              + Files.readString(dir.resolve("dovecot.out"))
              + (Files.exists(log) ? Files.readString(log) : ""),
          e);
    }
  }

  /** The mechanisms of the logins Dovecot logged so far, in order ("SCRAM-SHA-256", ...). */
  List<String> logins() throws IOException {
    List<String> out = new ArrayList<>();
    if (Files.exists(log)) {
      Matcher m = LOGIN.matcher(Files.readString(log));
      while (m.find()) {
        out.add(m.group(2));
      }
    }
    return out;
  }

  /**
   * {@link #logins}, once there are {@code n} (Dovecot's log process writes them a moment late).
   */
  List<String> logins(int n) throws Exception {
    return Await.until(n + " logins in Dovecot's log", this::logins, l -> l.size() >= n);
  }

  @Override
  public void close() {
    for (Process p : List.of(master, introspect)) {
      if (p != null) {
        Peers.stop(p, 10); // on SIGTERM Dovecot's master stops its services and exits
      }
    }
    if (runDir != null && Files.exists(runDir)) {
      try (var walk = Files.walk(runDir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        System.err.println("could not remove " + runDir + ": " + e);
      }
    }
  }
}
