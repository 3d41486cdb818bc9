import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import masq.address.Address;
import masq.deliver.remote.OutgoingMessage;
import masq.spool.Outcome;
import masq.deliver.remote.RecipientResult;
import masq.deliver.remote.RemoteDelivery;
import masq.deliver.remote.RemoteSettings;
import masq.message.Header;
import masq.route.Route;

/**
 * Bench driver for tests/bench/parts/50-remote.sh, which compiles it against build/masq-lib.jar
 * (not part of masq): writes N message bodies of
 * about 2 KB into a directory, then sends them with one {@link RemoteDelivery} call (one
 * connection, pipelining) to {@code host:port}, and prints {@code delivered=D messages=N rcpts=R
 * ms=T msgs_per_s=X}. Exits 1 if anything was not delivered.
 *
 * <p>Usage: {@code RemoteBench HOST PORT MESSAGES RCPTS_PER_MESSAGE DIR}
 */
public final class RemoteBench {
  private RemoteBench() {}

  public static void main(String[] args) throws IOException, masq.MasqException {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int n = Integer.parseInt(args[2]);
    int rcpts = Integer.parseInt(args[3]);
    Path dir = Files.createDirectories(Path.of(args[4]));
    String line = "The quick brown fox jumps over the lazy dog; .dots and From lines too.\n";
    byte[] body = line.repeat(24).getBytes(StandardCharsets.ISO_8859_1);
    List<OutgoingMessage> messages = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = String.format("bench%06d", i);
      Path f = dir.resolve(id + ".msg");
      Files.write(f, body);
      List<Header> headers =
          List.of(
              Header.of("From", "bench@bench.example"),
              Header.of("To", "sink@sink.example"),
              Header.of("Subject", "bench " + i),
              Header.of("Message-ID", "<" + id + "@bench.example>"),
              Header.of("Date", "Wed, 25 Nov 2026 12:00:00 +0000"));
      List<Address> to = new ArrayList<>(rcpts);
      for (int r = 0; r < rcpts; r++) {
        to.add(new Address("user" + r, "sink.example"));
      }
      long size = body.length;
      for (Header h : headers) {
        size += h.raw().length();
      }
      messages.add(
          OutgoingMessage.of(
              id,
              new Address("bench", "bench.example"),
              to,
              headers,
              () -> Files.newInputStream(f),
              false,
              size + 1));
    }
    Route route =
        Route.parse("mail_host = " + host + ":" + port + "\n", Path.of("bench.route"), true);
    RemoteSettings s = RemoteSettings.fromRoute(route, "bench.example");
    long t0 = System.nanoTime();
    int[] delivered = new int[1];
    new RemoteDelivery(s, Clock.systemUTC(), System.err::println)
        .deliver(
            messages,
            (m, rs) -> {
              for (RecipientResult r : rs) {
                if (r.outcome() == Outcome.DELIVERED) {
                  delivered[0]++;
                } else if (delivered[0] == 0) {
                  System.err.println(r.logLine("route=bench"));
                }
              }
            });
    long ms = Math.max(1, (System.nanoTime() - t0) / 1_000_000);
    System.out.println(
        "delivered="
            + delivered[0]
            + " messages="
            + n
            + " rcpts="
            + rcpts
            + " ms="
            + ms
            + " msgs_per_s="
            + (n * 1000L / ms));
    System.exit(delivered[0] == n * rcpts ? 0 : 1);
  }
}
