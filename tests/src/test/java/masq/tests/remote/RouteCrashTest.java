package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import masq.address.Address;
import masq.tests.QueueFiller;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of masq-deliver --route while it sends to smtp-sink, again and again: in the end every
 * message reached the sink at least once and the spool is empty and clean. Duplicates come only
 * from a kill between the server's 250 and the removal (the window documented in spool-format.md);
 * they are counted and printed.
 */
class RouteCrashTest {
  @TempDir Path dir;

  @Test
  void killNineDuringRemoteDeliveryLosesNothing() throws Exception {
    int kills = Integer.getInteger("masq.crash.kills", 25);
    try (Peers peers = new Peers(dir)) {
      int port = Peers.freePort();
      Path dump = peers.smtpSink("127.0.0.1", port);
      Path route = dir.resolve("isp.route");
      Files.writeString(route, "mail_host = 127.0.0.1:" + port + "\n");
      Sandbox s = new Sandbox(dir.resolve("box"), "query_routes.isp = \"" + route + "\"\n");
      QueueFiller filler =
          new QueueFiller(
              s.conf,
              List.of(new Address("bob", "far.example")),
              "y".repeat(70).concat("\n").repeat(20));
      Set<String> injected = filler.queued();
      Random random = new Random(7);
      int killed = 0;
      int next = 0;
      for (int k = 0; k < kills; k++) {
        filler.topUp(300);
        Process p =
            new ProcessBuilder(
                    Sandbox.bin("masq-deliver").toString(),
                    "-C",
                    s.conf.toString(),
                    "--route",
                    "isp")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Thread.sleep(100 + random.nextInt(500));
        if (p.isAlive()) {
          killed++;
        }
        p.destroyForcibly(); // SIGKILL
        p.waitFor(10, TimeUnit.SECONDS);
      }
      s.run("", "masq-deliver", "--route", "isp").expect(0);
      assertEquals(List.of(), s.queuedIds(), "everything sent in the end");
      String check = s.run("", "masq-queue", "check", "--repair").expect(0).out();
      s.run("", "masq-queue", "check").expect(0);

      Map<String, Integer> got = new TreeMap<>();
      Pattern subject = Pattern.compile("\nSubject: (k\\d+)\r?\n");
      for (String d : Peers.waitDumps(dump, injected.size())) {
        Matcher m = subject.matcher(d);
        assertTrue(m.find(), d);
        String k = m.group(1);
        assertTrue(d.replace("\r\n", "\n").contains("\nEND " + k + "\n"), "a whole message: " + k);
        got.merge(k, 1, Integer::sum);
      }
      assertEquals(injected, got.keySet(), "no message lost");
      int dup = got.values().stream().mapToInt(v -> v - 1).sum();
      System.out.println(
          "route crash: "
              + kills
              + " runs, "
              + killed
              + " killed while running; "
              + injected.size()
              + " messages; duplicates at the sink: "
              + dup
              + "; masq-queue check --repair: "
              + check.strip().lines().reduce((a, b) -> b).orElse(""));
    }
  }
}
