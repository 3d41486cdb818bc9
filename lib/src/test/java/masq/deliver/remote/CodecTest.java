package masq.deliver.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import masq.address.Address;
import masq.smtp.Reply;
import masq.spool.Outcome;
import org.junit.jupiter.api.Test;

/** The byte-level pieces: DATA encoding, reply parsing, EHLO keywords, shell words, variables. */
class CodecTest {
  static String stuff(String in, int chunk) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DotStuffer d = new DotStuffer(out);
    byte[] b = in.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < b.length; i += chunk) {
      d.write(b, i, Math.min(chunk, b.length - i));
    }
    d.finish();
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void dataIsDotStuffedWithCrlfWhateverTheChunking() throws IOException {
    String in = ".a\nb\n..c\r\n.\n\nlast";
    String want = "..a\r\nb\r\n...c\r\n..\r\n\r\nlast\r\n.\r\n";
    for (int chunk : new int[] {1, 2, 3, 7, 1000}) {
      assertEquals(want, stuff(in, chunk), "chunk " + chunk);
    }
    assertEquals(".\r\n", stuff("", 1));
    assertEquals("x\r\n.\r\n", stuff("x\n", 1));
    // a bare CR ends its line, as a bare LF does: no lone CR or LF on the wire, and a dot after
    // one is stuffed (the smuggling of "\r.\r" cannot end the data early)
    assertEquals("a\r\nb\r\n.\r\n", stuff("a\rb", 1));
    assertEquals("a\r\n..\r\nb\r\n.\r\n", stuff("a\r.\rb", 1));
    assertEquals("a\r\n..\r\nb\r\n.\r\n", stuff("a\r.\r\nb\r", 1));
    assertEquals("a\r\n\r\nb\r\n.\r\n", stuff("a\r\r\nb\r\n", 1));
    String big = "x".repeat(50_000) + "\n." + "y".repeat(40_000);
    String got = stuff(big, 8192);
    assertEquals("x".repeat(50_000) + "\r\n.." + "y".repeat(40_000) + "\r\n.\r\n", got);
    String crlf = "x".repeat(20_000) + "\r\n.z\r\r\n.";
    for (int chunk : new int[] {1, 5, 16_383, 100_000}) {
      assertEquals(
          "x".repeat(20_000) + "\r\n..z\r\n\r\n..\r\n.\r\n", stuff(crlf, chunk), "chunk " + chunk);
    }
  }

  /** A channel over fixed server output, recording what the client writes. */
  static final class Canned extends StreamChannel {
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    Canned(String server) {
      in = new ByteArrayInputStream(server.getBytes(StandardCharsets.ISO_8859_1));
      out = sent;
    }

    @Override
    public String peer() {
      return "canned";
    }

    @Override
    public InetAddress localAddress() {
      return null;
    }

    @Override
    public String startTls(TlsFactory tls) throws IOException {
      throw new IOException("no TLS here");
    }

    @Override
    public void close() {}
  }

  @Test
  void repliesAreParsedAndBadOnesLoseTheConnection() throws SmtpFailure {
    SmtpConnection c =
        new SmtpConnection(
            new Canned("250-first\r\n250-SIZE 1000\r\n250 last\r\n550\n354 go ahead\r\n"));
    Reply r = c.readReply(Duration.ofSeconds(1));
    assertEquals(250, r.code());
    assertEquals(List.of("first", "SIZE 1000", "last"), r.lines());
    assertEquals("250 first; SIZE 1000; last", r.oneLine());
    assertEquals(Outcome.FAILED, c.readReply(Duration.ofSeconds(1)).outcome());
    assertEquals(354, c.readReply(Duration.ofSeconds(1)).code());
    SmtpFailure eof = assertThrows(SmtpFailure.class, () -> c.readReply(Duration.ofSeconds(1)));
    assertTrue(eof.connectionLost() && eof.outcome() == Outcome.DEFERRED);
    for (String bad :
        new String[] {
          "250-x\r\n".repeat(SmtpConnection.MAX_LINES + 5) + "250 y\r\n",
          "25\r\n",
          "abc hello\r\n",
          "250x\r\n",
          "250 " + "y".repeat(SmtpConnection.MAX_LINE) + "\r\n"
        }) {
      SmtpConnection b = new SmtpConnection(new Canned(bad));
      SmtpFailure f = assertThrows(SmtpFailure.class, () -> b.readReply(Duration.ofSeconds(1)));
      assertEquals(Outcome.DEFERRED, f.outcome(), bad);
    }
    SmtpConnection nul = new SmtpConnection(new Canned("550 bad\0user\u0007\r\n"));
    assertEquals("550 bad\\x00user\\x07", nul.readReply(Duration.ofSeconds(1)).oneLine());
    assertEquals(Outcome.DEFERRED, new Reply(421, List.of()).outcome());
    assertEquals(Outcome.DEFERRED, new Reply(354, List.of()).outcome());
  }

  /** The one reader of replies, on a server's wire form and on what no server may send. */
  @Test
  void repliesAsServersWriteThemAreReadAndTheReasonsForBadOnesSayWhy() throws SmtpFailure {
    SmtpConnection c =
        new SmtpConnection(
            new Canned("250-host Hello\r\n250-SIZE 100\r\n250 PIPELINING\r\n220\r\n221 \r\n"));
    Reply ehlo = c.readReply(Duration.ofSeconds(1));
    assertEquals(new Reply(250, List.of("host Hello", "SIZE 100", "PIPELINING")), ehlo);
    assertEquals(new Reply(220, List.of("")), c.readReply(Duration.ofSeconds(1)));
    assertEquals(new Reply(221, List.of("")), c.readReply(Duration.ofSeconds(1)));
    String[][] bad = {
      {"hello\r\n", "bad reply from canned: hello"},
      {"250\u0001x\r\n", "bad reply from canned: 250\\x01x"},
      {"250-a\r\n", "connection closed by canned"},
      {"250-x\r\n".repeat(SmtpConnection.MAX_LINES + 1), "reply from canned has too many lines"},
      {"250 " + "y".repeat(SmtpConnection.MAX_LINE), "reply line from canned is too long"},
    };
    for (String[] b : bad) {
      SmtpConnection r = new SmtpConnection(new Canned(b[0]));
      SmtpFailure f = assertThrows(SmtpFailure.class, () -> r.readReply(Duration.ofSeconds(1)));
      assertEquals(b[1], f.getMessage());
      assertTrue(f.connectionLost());
    }
  }

  @Test
  void ehloKeywords() {
    Extensions e =
        Extensions.parse(
            new Reply(
                250,
                List.of(
                    "mx.example hello",
                    "SIZE 10240000",
                    "pipelining",
                    "8BITMIME",
                    "STARTTLS",
                    "AUTH PLAIN login CRAM-MD5",
                    "AUTH=LOGIN")));
    assertEquals(10240000, e.sizeLimit());
    assertTrue(e.pipelining() && e.eightBitMime() && e.startTls() && e.sizeOffered());
    assertEquals(Set.of("PLAIN", "LOGIN", "CRAM-MD5"), e.authMechanisms());
    Extensions bare = Extensions.parse(new Reply(250, List.of("hi", "SIZE")));
    assertEquals(0, bare.sizeLimit());
    assertTrue(bare.sizeOffered());
    assertFalse(bare.pipelining() || bare.startTls());
  }

  @Test
  void helloFallsBackToHeloOnlyOn5xxAndTheClientSendsWhatMasqmailSends() throws Exception {
    Canned ch =
        new Canned(
            "220 hi\r\n502 no EHLO\r\n250 ok\r\n250 sender\r\n250 rcpt\r\n"
                + "354 go\r\n250 queued\r\n221 bye\r\n");
    RemoteSettings s = RemoteSettingsTest.settings("");
    SmtpClient client = new SmtpClient(new SmtpConnection(ch), s, "canned", null, false);
    client.open();
    byte[] body = "hi\n".getBytes(StandardCharsets.ISO_8859_1);
    OutgoingMessage m =
        OutgoingMessage.of(
            "ID1",
            new Address("a", "b.example"),
            List.of(new Address("c", "d.example")),
            List.of(masq.message.Header.of("Subject", "s")),
            () -> new ByteArrayInputStream(body),
            true,
            20);
    List<RecipientResult> rs = client.send(m);
    client.quit();
    assertEquals(Outcome.DELIVERED, rs.get(0).outcome());
    assertEquals("250 queued", rs.get(0).reply());
    assertEquals(
        "EHLO me.example\r\nHELO me.example\r\nMAIL FROM:<a@b.example>\r\n"
            + "RCPT TO:<c@d.example>\r\nDATA\r\nSubject: s\r\n\r\nhi\r\n.\r\nQUIT\r\n",
        ch.sent.toString(StandardCharsets.ISO_8859_1));
  }

  @Test
  void withPipeliningTheNextMessagesCommandsGoOutWithTheDataBeforeTheReplyToTheDot()
      throws Exception {
    // the server's lines come one per read, and each read notes what the client had sent by then
    List<String> sentAtRead = new java.util.ArrayList<>();
    Canned ch = new Canned("");
    byte[] script =
        ("220 hi\r\n250-hello\r\n250 PIPELINING\r\n"
                + "250 sender\r\n250 rcpt\r\n354 go\r\n250 queued one\r\n"
                + "250 reset\r\n250 sender\r\n250 rcpt\r\n354 go\r\n250 queued two\r\n221 bye\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    ch.in =
        new InputStream() {
          int pos;

          @Override
          public int read() {
            return pos < script.length ? script[pos++] : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (pos >= script.length) {
              return -1;
            }
            sentAtRead.add(ch.sent.toString(StandardCharsets.ISO_8859_1));
            int n = 0;
            while (n < len && pos < script.length) {
              b[off + n++] = script[pos++];
              if (b[off + n - 1] == '\n') {
                break;
              }
            }
            return n;
          }
        };
    SmtpClient client =
        new SmtpClient(
            new SmtpConnection(ch), RemoteSettingsTest.settings(""), "canned", null, false);
    client.open();
    OutgoingMessage one =
        OutgoingMessage.of(
            "ID1",
            new Address("a", "b.example"),
            List.of(new Address("c", "d.example")),
            List.of(),
            () -> new ByteArrayInputStream("1\n".getBytes(StandardCharsets.ISO_8859_1)),
            false,
            2);
    OutgoingMessage two =
        OutgoingMessage.of(
            "ID2",
            new Address("a", "b.example"),
            List.of(new Address("e", "d.example")),
            List.of(),
            () -> new ByteArrayInputStream("2\n".getBytes(StandardCharsets.ISO_8859_1)),
            false,
            2);
    List<RecipientResult> r1 = client.send(one, two);
    List<RecipientResult> r2 = client.send(two, null);
    client.quit();
    assertEquals("250 queued one", r1.get(0).reply());
    assertEquals("250 queued two", r2.get(0).reply());
    String both =
        "EHLO me.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n"
            + "\r\n1\r\n.\r\nRSET\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<e@d.example>\r\nDATA\r\n";
    assertEquals(both, sentAtRead.get(6), "when the reply to the first dot is read");
    assertEquals(both + "\r\n2\r\n.\r\nQUIT\r\n", ch.sent.toString(StandardCharsets.ISO_8859_1));
  }

  @Test
  void addressesWithControlCharactersAreNeverSent() throws Exception {
    Canned ch =
        new Canned(
            "220 hi\r\n250 hello\r\n250 sender\r\n250 rcpt\r\n"
                + "354 go\r\n250 queued\r\n221 bye\r\n");
    SmtpClient client =
        new SmtpClient(
            new SmtpConnection(ch), RemoteSettingsTest.settings(""), "canned", null, false);
    client.open();
    OutgoingMessage m =
        OutgoingMessage.of(
            "ID2",
            new Address("a", "b.example"),
            List.of(new Address("x\r\nRSET", "d.example"), new Address("c", "d.example")),
            List.of(),
            () -> new ByteArrayInputStream(new byte[0]),
            false,
            0);
    List<RecipientResult> rs = client.send(m);
    assertEquals(Outcome.FAILED, rs.get(0).outcome());
    assertEquals(Outcome.DELIVERED, rs.get(1).outcome());
    assertFalse(ch.sent.toString(StandardCharsets.ISO_8859_1).contains("RSET"));
    OutgoingMessage evil =
        OutgoingMessage.of(
            "ID3",
            new Address("a\nMAIL", "b.example"),
            List.of(new Address("c", "d.example")),
            List.of(),
            () -> new ByteArrayInputStream(new byte[0]),
            false,
            0);
    assertEquals(Outcome.FAILED, client.send(evil).get(0).outcome());
  }

  @Test
  void shellWords() {
    assertEquals(
        List.of("a", "b c", "d$e", "f\"g", "h i", "j\\k", "l"),
        masq.route.Words.split(" a 'b c' \"d$e\" \"f\\\"g\" h\\ i 'j\\k' l # comment"));
    assertEquals(List.of("", "x"), masq.route.Words.split("'' x"));
    assertThrows(IllegalArgumentException.class, () -> masq.route.Words.split("a 'b"));
    assertThrows(IllegalArgumentException.class, () -> masq.route.Words.split("a \"b"));
  }

  @Test
  void bodyAfterHeadersSkipsTheHeaderSection() throws IOException {
    byte[] whole = "A: 1\nB: 2\n folded\n\nbody\n\nmore\n".getBytes(StandardCharsets.ISO_8859_1);
    try (InputStream in = BodySource.afterHeaders(() -> new ByteArrayInputStream(whole)).open()) {
      assertEquals("body\n\nmore\n", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    }
    byte[] none = "A: 1\n".getBytes(StandardCharsets.ISO_8859_1);
    try (InputStream in = BodySource.afterHeaders(() -> new ByteArrayInputStream(none)).open()) {
      assertEquals(0, in.readAllBytes().length);
    }
  }
}
