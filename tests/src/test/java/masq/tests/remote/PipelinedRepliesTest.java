package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import masq.tests.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipelined group (RFC 2920) against a server that answers it with mixed replies (mixedpipe.py:
 * 250, 450 and 550 to the recipients, 354 or 554 to DATA) and against one that closes the
 * connection in the middle of the group: each recipient's answer is handled on its own and recorded
 * once, nothing is recorded as sent that the server did not take, and nothing the server took is
 * sent again.
 */
class PipelinedRepliesTest {
  @TempDir Path tmp;
  private Process server;
  private Path record;
  private Sandbox box;

  @BeforeEach
  void start() throws Exception {
    Path script = tmp.resolve("mixedpipe.py");
    try (var in = PipelinedRepliesTest.class.getResourceAsStream("mixedpipe.py")) {
      Files.copy(in, script);
    }
    record = tmp.resolve("record");
    Files.writeString(record, "");
    server =
        new ProcessBuilder(Sandbox.PYTHON, script.toString(), record.toString())
            .redirectError(tmp.resolve("mixedpipe.err").toFile())
            .start();
    int port =
        Integer.parseInt(
            new BufferedReader(
                    new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
                .readLine()
                .strip());
    Path route = tmp.resolve("stub.route");
    Files.writeString(route, "mail_host = 127.0.0.1:" + port + "\n");
    box = new Sandbox(tmp.resolve("box"), "query_routes.stub = \"" + route + "\"\n");
  }

  @AfterEach
  void stop() throws Exception {
    server.destroy();
    server.waitFor(10, TimeUnit.SECONDS);
  }

  /** Queues a message with Message-ID {@code <tag@test>} to {@code rcpts}; returns its ID. */
  private String queue(String tag, String... rcpts) throws Exception {
    List<String> before = box.queuedIds();
    List<String> args = new ArrayList<>(List.of("-odq", "-f", "alice"));
    args.addAll(List.of(rcpts));
    box.run(
            "Message-ID: <" + tag + "@test>\nSubject: " + tag + "\n\nbody\n",
            "masq-inject",
            args.toArray(String[]::new))
        .expect(0);
    return box.queuedIds().stream().filter(id -> !before.contains(id)).findFirst().orElseThrow();
  }

  private List<String> recorded() throws Exception {
    return Files.readAllLines(record);
  }

  @Test
  void eachRecipientsReplyCountsOnItsOwnAndTakenMailIsNotSentAgain() throws Exception {
    String a = queue("a", "ok1@far.example", "later1@far.example", "no1@far.example");
    queue("b", "no2@far.example"); // every RCPT refused: DATA gets 554, nothing is sent
    queue("c", "ok3@far.example");

    box.run("", "masq-deliver", "--route", "stub");

    assertEquals(
        List.of("<a@test> ok1@far.example", "<c@test> ok3@far.example"),
        recorded(),
        "the server took a for ok1 and c, each once");
    assertEquals(List.of(a), box.queuedIds(), "b failed for good and c went: only a stays");
    String list = box.run("", "masq-queue", "list").expect(0).out();
    assertTrue(list.contains("    => ok1@far.example"), list);
    assertTrue(list.contains("    == later1@far.example (") && list.contains("450 4.2.0"), list);
    assertTrue(list.contains("    != no1@far.example") && list.contains("550 5.1.1"), list);

    box.run("", "masq-deliver", "--route", "stub"); // later1 is deferred again
    assertEquals(2, recorded().size(), "ok1 is not sent again: " + recorded());
    assertEquals(List.of(a), box.queuedIds());
  }

  @Test
  void aServerThatClosesInTheMiddleOfTheGroupLeavesEverythingPending() throws Exception {
    String d = queue("d", "ok4@far.example", "drop4@far.example");

    box.run("", "masq-deliver", "--route", "stub");

    assertEquals(List.of(), recorded(), "the server took nothing");
    assertEquals(List.of(d), box.queuedIds());
    String list = box.run("", "masq-queue", "list").expect(0).out();
    assertTrue(list.contains("    == ok4@far.example ("), list);
    assertTrue(list.contains("    == drop4@far.example ("), list);
  }
}
