package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import masq.address.Address;
import masq.deliver.remote.BodySource;
import masq.deliver.remote.OutgoingMessage;
import masq.deliver.remote.RecipientResult;
import masq.deliver.remote.RemoteDelivery;
import masq.deliver.remote.RemoteSettings;
import masq.message.Header;
import masq.message.MessageReader;
import masq.spool.Envelope;
import masq.spool.Outcome;
import masq.spool.Recipient;
import masq.spool.Spool;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path the integrator will wire: a message injected with the real masq-inject, read back from
 * the spool (envelope, headers, body streamed from ID.msg), sent over a route to smtp-sink; what
 * arrives is the stored message, dot-stuffing undone by the sink.
 */
class SpoolToSinkTest {
  @TempDir Path tmp;

  @Test
  void aQueuedMessageGoesOutAsStored() throws Exception {
    Sandbox box = new Sandbox(tmp.resolve("box"), "do_queue = true\n");
    String text =
        "Subject: from the spool\nTo: far@far.example\n\nline\n.dot line\n\u00e9t\u00e9\n";
    box.run(
            text,
            "masq-inject",
            "-i",
            "-f",
            "joe@home.example",
            "far@far.example",
            "two@far.example")
        .expect(0);
    String id = box.queuedIds().get(0);
    try (Peers peers = new Peers(tmp)) {
      int port = Peers.freePort();
      Path dump = peers.smtpSink("127.0.0.1", port);
      Spool spool = Spool.open(box.spool, Clock.systemUTC(), ProcessHandle.current().pid());
      Envelope env = spool.read(id);
      List<Header> headers;
      try (InputStream in = spool.openMessage(id)) {
        headers = new MessageReader(in, false).readHeaders();
      }
      List<Address> rcpts = new ArrayList<>();
      for (Recipient r : env.recipients()) {
        rcpts.add(Msgs.addr(r.address()));
      }
      OutgoingMessage m =
          new OutgoingMessage(
              id,
              Msgs.addr(env.sender()),
              rcpts,
              headers,
              BodySource.inSpool(spool, id),
              true,
              env.size(),
              env.clientAddress(),
              env.ident(),
              false,
              "",
              java.util.Map.of());
      RemoteSettings s =
          new TestRoute("isp", "test.example").mailHost("127.0.0.1").mailPort(port).build();
      List<RecipientResult> rs =
          new RemoteDelivery(s, Clock.systemUTC(), l -> {}).deliver(List.of(m));
      assertEquals(2, rs.size(), rs.toString());
      for (RecipientResult r : rs) {
        assertEquals(Outcome.DELIVERED, r.outcome(), r.toString());
      }
      String got = Peers.waitDumps(dump, 1).get(0);
      String stored = box.message(id);
      assertTrue(got.contains("X-Mail-Args: <joe@home.example>"), got);
      String fromSink = got.substring(got.indexOf("\n", got.lastIndexOf("X-Rcpt-Args:")) + 1);
      // smtp-sink puts its own Received: line first
      fromSink = fromSink.substring(fromSink.indexOf("\n", fromSink.indexOf(";")) + 1);
      fromSink = fromSink.substring(fromSink.indexOf('\n') + 1);
      // smtp-sink ends each dump file with an empty line of its own
      assertEquals(
          stored + "\n",
          fromSink.replace("\r\n", "\n"),
          "the sink got the stored message; raw: "
              + new String(got.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1));
    }
  }
}
