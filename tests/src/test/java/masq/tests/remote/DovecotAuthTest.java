package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import masq.tests.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SMTP AUTH against a real Dovecot submission server ({@link Dovecot}) relaying to smtp-sink:
 * SCRAM-SHA-256 (the server's signature checked), PLAIN, LOGIN and CRAM-MD5 with a password file;
 * the strongest mechanism when the route names none; PLAIN not sent without TLS; XOAUTH2 and
 * OAUTHBEARER with tokens longer than 1,000 characters from an {@code auth_secret_command} that
 * Dovecot checks with a token-introspection endpoint (an expired token defers with the server's
 * reply, the next run with a fresh token delivers); a secret that appears nowhere but at the
 * server; secret commands that fail, hang or flood defer within their timeout.
 */
class DovecotAuthTest extends WithPeers {
  static final String PASSWORD = "Dv-s3cret.pass-7281";
  static final String FRESH = "fresh-" + "F".repeat(1500);
  static final String EXPIRED = "expired-" + "E".repeat(1500);

  Dovecot dovecot;
  Path sink;
  Peers.Pki pki;

  @AfterEach
  void stopDovecot() {
    if (dovecot != null) {
      dovecot.close();
    }
  }

  void start() throws Exception {
    int relay = Peers.freePort();
    sink = peers.smtpSink("127.0.0.1", relay);
    pki = peers.pki("dovecot", "IP:127.0.0.1,DNS:localhost");
    dovecot = new Dovecot(tmp.resolve("dovecot"), pki, relay, "joe", PASSWORD, List.of(FRESH));
  }

  /** Route {@code name} to Dovecot with {@code lines}; only its owner may read it. */
  Path route(String name, boolean tls, String lines) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("routes"));
    Path f = dir.resolve(name + ".route");
    Files.writeString(
        f,
        "mail_host = 127.0.0.1:"
            + dovecot.port
            + "\n"
            + (tls ? "tls = starttls\ntls_trust_file = \"" + pki.caCert() + "\"\n" : "")
            + "auth_login = joe\n"
            + lines);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  Sandbox box(Path... routes) throws Exception {
    StringBuilder conf = new StringBuilder();
    for (Path r : routes) {
      String name = r.getFileName().toString().replace(".route", "");
      conf.append("query_routes.").append(name).append(" = \"").append(r).append("\"\n");
    }
    return new Sandbox(tmp.resolve("box"), conf.toString());
  }

  static String queue(Sandbox box) throws Exception {
    List<String> before = box.queuedIds();
    box.run("Subject: auth\n\nhello\n", "masq-inject", "-odq", "-f", "joe", "anna@far.example")
        .expect(0);
    List<String> ids = new ArrayList<>(box.queuedIds());
    ids.removeAll(before);
    return ids.get(0);
  }

  static String deliverOver(Sandbox box, String route) throws Exception {
    return box.run("", "masq-deliver", "-v", "--route", route).expect(0).stderr();
  }

  @Test
  void eachPasswordMechanismAndTheStrongestWhenTheRouteNamesNone() throws Exception {
    start();
    List<String> mechs = List.of("scram-sha-256", "plain", "login", "cram-md5");
    List<Path> routes = new ArrayList<>();
    for (String m : mechs) {
      routes.add(route(m, true, "auth_name = " + m + "\nauth_secret = \"" + PASSWORD + "\"\n"));
    }
    routes.add(route("auto", true, "auth_secret = \"" + PASSWORD + "\"\n"));
    routes.add(route("autoclear", false, "auth_secret = \"" + PASSWORD + "\"\n"));
    Files.writeString(tmp.resolve("secret"), PASSWORD + "\nthe rest is not read\n");
    routes.add(route("file", true, "auth_secret_file = \"" + tmp.resolve("secret") + "\"\n"));
    routes.add(
        route("plainclear", false, "auth_name = plain\nauth_secret = \"" + PASSWORD + "\"\n"));
    routes.add(route("wrong", true, "auth_name = scram-sha-256\nauth_secret = wrong\n"));
    Sandbox box = box(routes.toArray(Path[]::new));
    int sent = 0;
    for (String r :
        List.of("scram-sha-256", "plain", "login", "cram-md5", "auto", "autoclear", "file")) {
      String id = queue(box);
      String err = deliverOver(box, r);
      assertTrue(err.contains(": 1 sent, 0 deferred, 0 failed"), r + ": " + err);
      assertTrue(box.log().contains(id + " => anna@far.example route=" + r), box.log());
      sent++;
    }
    // the strongest both offer, with TLS and without: SCRAM-SHA-256
    assertEquals(
        List.of(
            "SCRAM-SHA-256",
            "PLAIN",
            "LOGIN",
            "CRAM-MD5",
            "SCRAM-SHA-256",
            "SCRAM-SHA-256",
            "SCRAM-SHA-256"),
        dovecot.logins(sent));
    assertEquals(sent, Peers.waitDumps(sink, sent).size(), "relayed by Dovecot");

    String id = queue(box);
    deliverOver(box, "plainclear");
    assertTrue(
        box.log()
            .contains(
                id
                    + " == anna@far.example route=plainclear link=plainclear host=[127.0.0.1]:"
                    + dovecot.port
                    + " AUTH PLAIN not used with [127.0.0.1]:"
                    + dovecot.port
                    + ": it would send the secret without TLS"),
        box.log());
    deliverOver(box, "wrong");
    assertTrue(
        box.log()
            .contains(
                id
                    + " == anna@far.example route=wrong link=wrong host=[127.0.0.1]:"
                    + dovecot.port
                    + " AUTH SCRAM-SHA-256 as joe refused by [127.0.0.1]:"
                    + dovecot.port
                    + ": 535 5.7.8 Authentication failed."),
        box.log());
    assertEquals(List.of(id), box.queuedIds(), "deferred, not bounced");
    assertEquals(sent, dovecot.logins().size(), "no login without TLS, none with a wrong password");
  }

  @Test
  void oauth2TokensFromACommandExpiredDefersAndTheNextRunWithAFreshOneDelivers() throws Exception {
    start();
    Path token = tmp.resolve("token");
    List<Path> routes = new ArrayList<>();
    for (String m : List.of("xoauth2", "oauthbearer")) {
      routes.add(
          route(
              m,
              true,
              "auth_name = " + m + "\nauth_secret_command = \"/bin/cat " + token + "\"\n"));
    }
    Sandbox box = box(routes.toArray(Path[]::new));
    int sent = 0;
    for (String m : List.of("xoauth2", "oauthbearer")) {
      Files.writeString(token, EXPIRED + "\n"); // what a helper prints whose token ran out
      String id = queue(box);
      String err = deliverOver(box, m);
      assertTrue(err.contains(": 0 sent, 1 deferred, 0 failed"), err);
      String log = box.log();
      String line =
          log.lines()
              .filter(l -> l.contains(id + " == anna@far.example route=" + m))
              .findFirst()
              .orElseThrow(() -> new AssertionError(log));
      // the server's reply and its error challenge (JSON: XOAUTH2's {"status":"401",...},
      // RFC 7628's {"status":"invalid_token"}) are in the log; the token is not
      assertTrue(
          line.contains(
              "AUTH "
                  + m.toUpperCase(java.util.Locale.ROOT)
                  + " as joe refused by [127.0.0.1]:"
                  + dovecot.port
                  + ": 535 5.7.8 Authentication failed. (error challenge: {\"status\":\""),
          line);
      assertFalse(box.log().contains(EXPIRED.substring(0, 20)), box.log());
      assertEquals(List.of(id), box.queuedIds());

      Files.writeString(token, FRESH + "\n"); // the helper refreshed it: the next run uses it
      err = deliverOver(box, m);
      assertTrue(err.contains(": 1 sent, 0 deferred, 0 failed"), err);
      assertEquals(List.of(), box.queuedIds());
      sent++;
    }
    assertEquals(List.of("XOAUTH2", "OAUTHBEARER"), dovecot.logins(sent));
    assertEquals(sent, Peers.waitDumps(sink, sent).size());
    assertFalse(box.log().contains(FRESH.substring(0, 20)), box.log());
  }

  @Test
  void theSecretFromACommandReachesTheServerAndNothingElse() throws Exception {
    start();
    Path cmd = tmp.resolve("secret.sh");
    Files.writeString(cmd, "#!/bin/sh\nprintf '%s\\n' '" + PASSWORD + "'\necho more lines\n");
    Files.setPosixFilePermissions(cmd, PosixFilePermissions.fromString("rwx------"));
    Path r = route("isp", true, "auth_name = plain\nauth_secret_command = " + cmd + "\n");
    Sandbox box = box(r);
    String id = queue(box);

    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<int[]> sampler =
        pool.submit(() -> {
          byte[] secret = PASSWORD.getBytes(StandardCharsets.UTF_8);
          int[] seen = {0, 0}; // samples that saw masq-deliver; hits of the secret
          while (running.get()) {
            boolean deliver = false;
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
              for (Path p : procs.toList()) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                  continue;
                }
                for (String f : List.of("cmdline", "environ")) {
                  byte[] b;
                  try {
                    b = Files.readAllBytes(p.resolve(f));
                  } catch (java.io.IOException gone) {
                    continue;
                  }
                  String s = new String(b, StandardCharsets.ISO_8859_1);
                  deliver |= f.equals("cmdline") && s.contains("masq.tools.Deliver");
                  deliver |= f.equals("cmdline") && s.contains("masq-deliver");
                  if (indexOf(b, secret) >= 0) {
                    seen[1]++;
                  }
                }
              }
            }
            if (deliver) {
              seen[0]++;
            }
          }
          return seen;
        });
    Sandbox.Run run = box.run("", "masq-deliver", "-vv", "--route", "isp").expect(0);
    running.set(false);
    int[] seen = sampler.get();
    pool.shutdown();
    assertTrue(seen[0] > 0, "the sampler saw masq-deliver run");
    assertEquals(0, seen[1], "the secret in some process's command line or environment");

    assertTrue(box.log().contains(id + " => anna@far.example route=isp"), box.log());
    assertEquals(List.of("PLAIN"), dovecot.logins(1), "the secret reached the server");
    String rewrite =
        box.run("", "masq-rewrite", "--route", "isp", "-v").expect(0).stderr()
            + box.run("", "masq-deliver", "--dry-run", "-vv", "--route", "isp").stderr();
    assertTrue(rewrite.contains("  auth_secret_command = " + cmd + "\n"), rewrite);
    for (String where : List.of(box.log(), run.stderr(), run.out(), rewrite, Files.readString(r))) {
      assertFalse(where.contains(PASSWORD), where);
    }
    try (Stream<Path> files = Files.walk(box.dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertTrue(indexOf(Files.readAllBytes(f), PASSWORD.getBytes()) < 0, f.toString());
      }
    }
  }

  @Test
  void theCommandRunsOncePerRouteAndRunAndAfreshOnTheNext() throws Exception {
    start();
    Path count = tmp.resolve("count");
    Path cmd = tmp.resolve("counted.sh");
    Files.writeString(
        cmd, "#!/bin/sh\necho run >> " + count + "\nprintf '%s\\n' '" + PASSWORD + "'\n");
    Files.setPosixFilePermissions(cmd, PosixFilePermissions.fromString("rwx------"));
    Path r = route("isp", true, "auth_secret_command = " + cmd + "\n");
    Sandbox box = box(r);
    // one message only for the route, one also for a local user: a run sends them in two
    // passes, over two connections, each with its AUTH
    queue(box);
    box.run(
            "Subject: two\n\nhello\n",
            "masq-inject",
            "-odq",
            "-f",
            "joe",
            "anna@far.example",
            "joe")
        .expect(0);
    String err = deliverOver(box, "isp");
    assertTrue(err.contains(": 2 sent, 0 deferred, 0 failed"), err);
    assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-256"), dovecot.logins(2));
    assertEquals(List.of("run"), Files.readAllLines(count), "once for the run's two connections");
    queue(box);
    deliverOver(box, "isp");
    assertEquals(List.of("run", "run"), Files.readAllLines(count), "afresh on the next run");
    assertEquals(List.of(), box.queuedIds());
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void aSecretCommandThatFailsHangsOrFloodsDefersWithinItsTimeout() throws Exception {
    start();
    Path script = tmp.resolve("fails.sh");
    Files.writeString(script, "#!/bin/sh\necho leaked-output-4711\nexit 3\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Path fails = route("fails", false, "auth_secret_command = " + script + "\n");
    Path hangs =
        route(
            "hangs", false, "auth_secret_command = \"/bin/sleep 600\"\nauth_secret_timeout = 2s\n");
    Path floods =
        route(
            "floods",
            false,
            "auth_secret_command = \"/usr/bin/head -c 10485760 /dev/zero\"\n"
                + "auth_secret_timeout = 20s\n");
    Path empty = route("empty", false, "auth_secret_file = \"" + tmp.resolve("empty") + "\"\n");
    Files.writeString(tmp.resolve("empty"), "\nsecond line\n");
    Sandbox box = box(fails, hangs, floods, empty);
    String id = queue(box);
    String[][] cases = {
      {
        "fails",
        "AUTH secret: auth_secret_command '"
            + script
            + "'"
            + " exited with status 3 (output not shown)"
      },
      {
        "hangs",
        "AUTH secret: auth_secret_command '/bin/sleep 600' did not exit within 2s and was"
            + " killed"
      },
      {
        "floods",
        "AUTH secret: auth_secret_command '/usr/bin/head -c 10485760 /dev/zero' printed"
            + " more than 65536 bytes"
      },
      {
        "empty",
        "AUTH secret: auth_secret_file "
            + tmp.resolve("empty")
            + " gave no secret (its first line is empty)"
      },
    };
    for (String[] c : cases) {
      long t0 = System.nanoTime();
      String err = deliverOver(box, c[0]);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(err.contains(": 0 sent, 1 deferred, 0 failed"), err);
      assertTrue(ms < 15_000, c[0] + " took " + ms + " ms");
      assertTrue(
          box.log()
              .contains(
                  id
                      + " == anna@far.example route="
                      + c[0]
                      + " link="
                      + c[0]
                      + " host=[127.0.0.1]:"
                      + dovecot.port
                      + " "
                      + c[1]
                      + "\n"),
          box.log());
    }
    assertFalse(box.log().contains("leaked-output"), box.log());
    assertEquals(List.of(id), box.queuedIds());
    assertEquals(List.of(), dovecot.logins());
  }
}
