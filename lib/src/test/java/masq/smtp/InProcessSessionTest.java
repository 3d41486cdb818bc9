package masq.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Map;
import masq.config.Config;
import masq.log.MailLog;
import masq.spool.MemorySpoolFs;
import masq.spool.Spool;
import org.junit.jupiter.api.Test;

/**
 * A masq-smtpd session in-process, over streams, its spool in memory: what a client's hostile input
 * gets, byte for byte, and that an endless line is refused rather than held.
 */
class InProcessSessionTest {
  /** The session's replies to {@code input}, within 10 s; its spool in memory, its own. */
  static String run(InputStream input) throws Exception {
    try (FileSystem fs = MemorySpoolFs.unix()) {
      return run(input, fs);
    }
  }

  private static String run(InputStream input, FileSystem fs) throws Exception {
    Config cfg =
        Config.parse(
            "host_name = mx.example\nmax_msg_size = 100000\n",
            Path.of("/etc/masq/masq.conf"),
            Map.of("HOME", "/home/u"),
            false);
    ByteArrayOutputStream replies = new ByteArrayOutputStream();
    MailLog log =
        MailLog.toStream(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            Clock.systemUTC(),
            ZoneId.of("UTC"),
            1,
            false);
    Spool spool = MemorySpoolFs.open(fs.getPath("/spool"), Clock.systemUTC(), 1);
    Session.Settings settings =
        new Session.Settings(
            cfg,
            spool,
            log,
            new RelayPolicy(cfg),
            null,
            null,
            "test",
            1000,
            null,
            ZoneId.of("UTC"),
            null,
            null);
    Session session = new Session(settings, Connection.of(input, replies, () -> {}), "192.0.2.7");
    assertTimeoutPreemptively(Duration.ofSeconds(10), session::run);
    return replies.toString(StandardCharsets.UTF_8);
  }

  private static String run(String input) throws Exception {
    return run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
  }

  /** An endless stream of 'a' (no line end) of {@code length} bytes, never held. */
  private static InputStream endless(long length) {
    return new InputStream() {
      private long left = length;

      @Override
      public int read() {
        return left-- > 0 ? 'a' : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        Arrays.fill(b, off, off + n, (byte) 'a');
        left -= n;
        return n;
      }
    };
  }

  @Test
  void aHeloNameWithAControlCharacterOfC1IsRefused() throws Exception {
    // U+0085 (NEL) was echoed in the 250 and kept for Received: (found by fuzzing the session)
    assertEquals(
        "220 mx.example ESMTP masq ready\r\n501 5.5.4 syntax: EHLO your-host-name\r\n",
        run("EHLO \u0085c.example\r\n"));
  }

  @Test
  void aMessageIsTakenAndEachReplyComesInOrder() throws Exception {
    String got =
        run(
            "EHLO c.example\r\nMAIL FROM:<a@c.example>\r\nRCPT TO:<b@mx.example>\r\nDATA\r\n"
                + "Subject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n");
    assertTrue(got.startsWith("220 mx.example ESMTP masq ready\r\n250-mx.example"), got);
    assertTrue(got.contains("\r\n354 "), got);
    assertTrue(
        got.endsWith("221 2.0.0 mx.example closing connection\r\n") || got.contains("221 "), got);
  }

  @Test
  void anEndlessCommandLineIsRefusedNotBuffered() throws Exception {
    assertEquals(
        "220 mx.example ESMTP masq ready\r\n500 5.5.2 line too long (more than 512 octets)\r\n",
        run(endless(50L << 20)));
  }

  @Test
  void aLineOverTwoGibibytesIsStillTooLong() throws Exception {
    // the count of a line's bytes was an int: past 2 GiB it turned negative and the reader kept
    // the bytes, without bound
    SmtpInput in = new SmtpInput(endless((2L << 30) + 4096));
    SmtpInput.Line l = in.readLine(Command.MAX_LINE);
    assertTrue(l.tooLong());
    assertEquals("", l.text());
  }
}
