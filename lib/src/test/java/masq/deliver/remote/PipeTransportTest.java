package masq.deliver.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import masq.address.Address;
import masq.message.Header;
import masq.spool.Outcome;
import org.junit.jupiter.api.Test;

/** A pipe route's command, run for real: bounded in time and output, never fed half a message. */
class PipeTransportTest {
  private final List<String> log = new ArrayList<>();

  private List<RecipientResult> deliver(String command, BodySource body) {
    RemoteSettings s =
        RemoteSettingsTest.settings(
            "pipe = \"" + command.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n",
            Duration.ofSeconds(1));
    OutgoingMessage m =
        OutgoingMessage.of(
            "ID1",
            new Address("a", "b.example"),
            List.of(new Address("c", "d.example")),
            List.of(Header.of("Subject", "s")),
            body,
            false,
            20);
    List<RecipientResult> out = new ArrayList<>();
    new PipeTransport(s, Clock.systemUTC(), log::add)
        .deliver(List.of(m), (x, rs) -> out.addAll(rs));
    return out;
  }

  private static BodySource text(String s) {
    return () -> new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aCommandThatHangsOrPrintsWithoutEndIsKilledAtTheTimeoutAndDeferred() {
    for (String cmd : new String[] {"/bin/sleep 3631", "/usr/bin/yes pipe3632"}) {
      long t0 = System.nanoTime();
      RecipientResult r = deliver(cmd, text("hi\n")).get(0);
      assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), cmd); // killed at 1 s
      assertEquals(Outcome.DEFERRED, r.outcome(), r.toString());
      assertEquals("pipe command timed out after 1s and was killed", r.reply());
    }
    assertTrue(log.size() < 2000, "the output in the log is bounded: " + log.size() + " lines");
    assertTrue(log.get(log.size() - 1).contains(" more bytes of output)"), log.toString());
  }

  @Test
  void aBodyThatCannotBeReadKillsTheCommandBeforeItsInputEnds() {
    BodySource failing =
        () ->
            new InputStream() {
              private int n;

              @Override
              public int read() throws IOException {
                if (n++ < 3) {
                  return 'x';
                }
                throw new IOException("disk error");
              }
            };
    // cat exits 0 at the end of its input: it must not get there
    RecipientResult r = deliver("/bin/cat", failing).get(0);
    assertEquals(Outcome.DEFERRED, r.outcome(), r.toString());
    assertEquals("cannot read message ID1: disk error", r.reply());
  }

  @Test
  void aCommandThatSucceedsIsDeliveredAndItsOutputLogged() {
    RecipientResult r = deliver("/bin/sh -c 'cat >/dev/null; echo done'", text("hi\n")).get(0);
    assertEquals(Outcome.DELIVERED, r.outcome(), r.toString());
    assertEquals(List.of("ID1 pipe '/bin/sh' for c@d.example: done"), log);
  }
}
