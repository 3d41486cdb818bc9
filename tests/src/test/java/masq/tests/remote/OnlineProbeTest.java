package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * online_probe with real sockets: three query routes with online_probe, one to a listening
 * smtp-sink (up), one to a closed port (down: refused), one to a black hole (a listening socket
 * whose backlog is full and which never accepts: the kernel drops the SYN, so the connect hangs
 * until the probe's timeout). A plain queue run (no --route, no online_query) probes all three at
 * once and sends only over the first; the run is not held longer than the probe timeout.
 */
class OnlineProbeTest extends WithPeers {

  private Path route(String name, int port) throws Exception {
    Path p = tmp.resolve(name + ".route");
    Files.writeString(
        p,
        "mail_host = \"127.0.0.1:"
            + port
            + "\"\nonline_probe = true\nonline_probe_timeout = 2s\nconnect_error_fail = false\n");
    return p;
  }

  @Test
  void onlyTheRouteWhoseServerAnswersIsUsedAndTheBlackHoleTimesOutWithinTheProbeTimeout()
      throws Exception {
    int upPort = Peers.freePort();
    Path sink = peers.smtpSink("127.0.0.1", upPort);
    int closedPort = Peers.freePort();
    List<Socket> filling = new ArrayList<>();
    try (ServerSocket hole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // fill the accept queue until a connection attempt gets no answer at all
      boolean black = false;
      for (int i = 0; i < 20 && !black; i++) {
        Socket s = new Socket();
        try {
          s.connect(new InetSocketAddress(hole.getInetAddress(), hole.getLocalPort()), 300);
          filling.add(s);
        } catch (SocketTimeoutException e) {
          s.close();
          black = true;
        }
      }
      assertTrue(black, "the listening socket never stopped answering");
      // the black hole and the closed port come first: were they taken for up, mail would go
      // (and be deferred) there first
      Sandbox box =
          new Sandbox(
              tmp.resolve("sb"),
              "do_queue = true\n"
                  + "query_routes.hole = \""
                  + route("hole", hole.getLocalPort())
                  + "\"\nquery_routes.closed = \""
                  + route("closed", closedPort)
                  + "\"\nquery_routes.up = \""
                  + route("up", upPort)
                  + "\"\n");
      box.run("Subject: probed\n\nover the link that is up\n", "masq-inject", "bob@far.example")
          .expect(0);

      long start = System.nanoTime();
      Sandbox.Run run = box.run("", "masq-deliver", "-v").expect(0);
      long ms = (System.nanoTime() - start) / 1_000_000;
      String probe =
          run.stderr()
              .lines()
              .filter(l -> l.contains("online_probe:"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(run.stderr()));
      assertTrue(probe.contains("route=up link=up up (127.0.0.1:" + upPort + " accepted"), probe);
      assertTrue(probe.contains("route=closed link=closed down ("), probe);
      assertTrue(probe.contains("refused"), probe);
      assertTrue(
          probe.contains("route=hole link=hole down (127.0.0.1:")
              && probe.contains("no answer within 2000 ms"),
          probe);
      // the black hole's probe gave up at its 2 s: the whole run (JVM and delivery included) is
      // far from the two minutes a connect to a black hole takes without a timeout (a bound
      // wide enough for a busy machine)
      assertTrue(ms < 20_000, "the run took " + ms + " ms: " + probe);

      assertEquals(List.of(), box.queuedIds(), run.stderr());
      String log = box.log();
      assertTrue(log.contains("=> bob@far.example route=up link=up"), log);
      assertFalse(log.contains("route=hole"), log);
      assertFalse(log.contains("route=closed"), log);
      Peers.awaitDump(sink, "over the link that is up");
    } finally {
      for (Socket s : filling) {
        s.close();
      }
    }
  }
}
