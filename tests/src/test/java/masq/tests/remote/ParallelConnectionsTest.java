package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import masq.address.Address;
import masq.tests.Await;
import masq.tests.QueueFiller;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * max_connections (masq.route(5)): a run sends a route's mail over several connections at once to
 * Postfix's smtp-sink, each message over exactly one, and a second run started at the same moment
 * sends none of them again. The connections pass a relay (tests/bench/delay-proxy.py, no delay)
 * that says how many were open at once.
 */
class ParallelConnectionsTest extends WithPeers {
  @Test
  void fourConnectionsSendEveryMessageOnceWithASecondRunBeside() throws Exception {
    int sinkPort = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", sinkPort);
    int port = Peers.freePort();
    Path proxyOut = tmp.resolve("proxy.out");
    Process proxy =
        new ProcessBuilder(
                Sandbox.PYTHON,
                Sandbox.HOME.resolve("tests/bench/delay-proxy.py").toString(),
                Integer.toString(port),
                Integer.toString(sinkPort),
                "0")
            .redirectErrorStream(true)
            .redirectOutput(proxyOut.toFile())
            .start();
    try {
      Await.until("the relay listening", () -> Files.readString(proxyOut).contains("ready"));
      Path route = tmp.resolve("isp.route");
      Files.writeString(route, "mail_host = 127.0.0.1:" + port + "\nmax_connections = 4\n");
      Sandbox s = new Sandbox(tmp.resolve("box"), "query_routes.isp = \"" + route + "\"\n");
      QueueFiller filler =
          new QueueFiller(s.conf, List.of(new Address("bob", "far.example")), "body\n");
      filler.topUp(1000);

      Process a = deliver(s);
      Process b = deliver(s);
      assertTrue(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, a.exitValue(), "first run");
      assertEquals(0, b.exitValue(), "second run");
      assertEquals(List.of(), s.queuedIds(), "everything sent");

      Map<String, Integer> got = new TreeMap<>();
      Pattern subject = Pattern.compile("\nSubject: (k\\d+)\r?\n");
      for (String d : Peers.waitDumps(dump, 1000)) {
        Matcher m = subject.matcher(d);
        assertTrue(m.find(), d);
        got.merge(m.group(1), 1, Integer::sum);
      }
      assertEquals(filler.queued(), got.keySet(), "every message reached the sink");
      assertEquals(
          List.of(),
          got.entrySet().stream().filter(e -> e.getValue() > 1).toList(),
          "no message twice");
      int most =
          Files.readString(proxyOut)
              .lines()
              .filter(l -> l.startsWith("open "))
              .mapToInt(l -> Integer.parseInt(l.substring(5).strip()))
              .max()
              .orElse(0);
      assertTrue(most >= 2, "connections open at once: " + most);
      assertTrue(most <= 8, "at most max_connections per run: " + most);
      System.out.println("max_connections = 4: 1000 messages once each, " + most + " open at once");
    } finally {
      proxy.destroy();
      proxy.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Process deliver(Sandbox s) throws Exception {
    return new ProcessBuilder(
            Sandbox.bin("masq-deliver").toString(), "-C", s.conf.toString(), "--route", "isp")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }
}
