package masq.accept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
import masq.address.Address;
import masq.config.Config;
import masq.log.MailLog;
import masq.spool.Envelope;
import masq.spool.MemorySpoolFs;
import masq.spool.Spool;
import org.junit.jupiter.api.Test;

class SubmissionTest {
  private static Submission.Request request(List<Address> rcpts, boolean fromHeaders) {
    return Submission.Request.local(
        new Address("joe", "pc.lan"), null, rcpts, fromHeaders, true, "joe", 1000, null);
  }

  private static Config config(String extra) throws MasqException {
    return Config.parse(
        "host_name = pc.lan\n" + extra, Path.of("/etc/masq.conf"), Map.of("HOME", "/h"), false);
  }

  @Test
  void injectIntoAFullSpoolFailsWith75AndLeavesNothing() throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix(256 * 1024)) {
      Spool spool = MemorySpoolFs.open(fs.getPath("/spool"), Clock.systemUTC(), 7);
      MailLog log = new MailLog(fs.getPath("/log"), Clock.systemUTC(), ZoneId.of("UTC"), 7);
      // a small message fits
      Envelope ok =
          Submission.accept(
              new ByteArrayInputStream("Subject: s\n\nsmall\n".getBytes()),
              request(List.of(new Address("a", "b")), false),
              config(""),
              spool,
              log);
      assertEquals(List.of(ok.id()), spool.ids());
      // a 1 MB one does not
      InputStream big =
          new ByteArrayInputStream(
              ("Subject: big\n\n" + "x".repeat(80) + "\n")
                  .repeat(13_000)
                  .getBytes(StandardCharsets.US_ASCII));
      MasqException e =
          assertThrows(
              MasqException.class,
              () ->
                  Submission.accept(
                      big, request(List.of(new Address("a", "b")), false), config(""), spool, log));
      assertEquals(Exit.TEMPFAIL, e.exitCode(), e.getMessage());
      assertEquals(List.of(ok.id()), spool.ids());
      try (var t = Files.list(fs.getPath("/spool/tmp"))) {
        assertEquals(0, t.filter(p -> p.toString().endsWith(".msg")).count());
      }
      try (var t = Files.list(fs.getPath("/spool/queue"))) {
        assertEquals(1, t.count(), "only the first message's file");
      }
      assertTrue(spool.check(false).problems().isEmpty());
    }
  }

  @Test
  void recipientsFromHeadersAreAddedDeduplicatedAndBadOnesRefused() throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix()) {
      Spool spool = MemorySpoolFs.open(fs.getPath("/spool"), Clock.systemUTC(), 7);
      MailLog log = new MailLog(fs.getPath("/log"), Clock.systemUTC(), ZoneId.of("UTC"), 7);
      Envelope e =
          Submission.accept(
              new ByteArrayInputStream("To: a@b, c\nCc: A@B\nBcc: hidden@x\n\nhi\n".getBytes()),
              request(List.of(new Address("a", "b")), true),
              config(""),
              spool,
              log);
      assertEquals(
          List.of("a@b", "c@pc.lan", "A@B", "hidden@x"),
          e.recipients().stream().map(r -> r.address()).toList());
      // a stray '>' is left out: the address is still found, and nothing else is
      Envelope stray =
          Submission.accept(
              new ByteArrayInputStream(
                  "To: a@b>\r\nRCPT TO:<x@y>\n\nhi\n".getBytes(StandardCharsets.UTF_8)),
              request(List.of(), true),
              config(""),
              spool,
              log);
      assertEquals(List.of("a@b"), stray.recipients().stream().map(r -> r.address()).toList());
      MasqException bad =
          assertThrows(
              MasqException.class,
              () ->
                  Submission.accept(
                      new ByteArrayInputStream(
                          "To: a@b c@d\n\nhi\n".getBytes(StandardCharsets.UTF_8)),
                      request(List.of(), true),
                      config(""),
                      spool,
                      log));
      assertEquals(Exit.DATAERR, bad.exitCode());
      assertEquals(
          "unreadable address in To: header: 'a@b c@d' (two addresses without ',' between them)",
          bad.getMessage());
      MasqException none =
          assertThrows(
              MasqException.class,
              () ->
                  Submission.accept(
                      new ByteArrayInputStream("Subject: x\n\nhi\n".getBytes()),
                      request(List.of(), true),
                      config(""),
                      spool,
                      log));
      assertEquals(Exit.USAGE, none.exitCode());
      MasqException big =
          assertThrows(
              MasqException.class,
              () ->
                  Submission.accept(
                      new ByteArrayInputStream("Subject: x\n\n0123456789\n".getBytes()),
                      request(List.of(new Address("a", "b")), false),
                      config("max_msg_size = 5\n"),
                      spool,
                      log));
      assertEquals(Exit.DATAERR, big.exitCode());
      assertEquals(2, spool.ids().size(), "the two accepted, none of the refused");
      assertTrue(
          Files.readString(fs.getPath("/log/masq.log")).contains(e.id() + " <= joe@pc.lan size="));
    }
  }
}
