package masq.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpInputTest {
  private static SmtpInput input(String s) {
    return new SmtpInput(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** An input that hands out one byte per read, to cross every buffer boundary. */
  private static SmtpInput trickle(String s) {
    InputStream in =
        new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1));
          }
        };
    return new SmtpInput(in);
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void linesEndWithCrLfOrLf() throws IOException {
    SmtpInput in = input("EHLO a\r\nNOOP\nQUIT");
    assertEquals("EHLO a", in.readLine(512).text());
    assertEquals("NOOP", in.readLine(512).text());
    assertEquals("QUIT", in.readLine(512).text());
    assertNull(in.readLine(512));
  }

  @Test
  void linesAreStrictUtf8AndABadByteIsKeptNotReplaced() throws IOException {
    byte[] b = "RCPT TO:<twin?@x> j\u00f8\r\n".getBytes(StandardCharsets.UTF_8);
    b[13] = (byte) 0xff;
    String text = new SmtpInput(new ByteArrayInputStream(b)).readLine(512).text();
    assertEquals(13, masq.address.Utf8.invalidAt(text), "the escape of \\xff, no U+FFFD");
    assertEquals(0xff, masq.address.Utf8.escapedByte(text, 13));
    assertTrue(text.endsWith("> j\u00f8"), "valid UTF-8 as itself: " + text);
  }

  @Test
  void overlongLineIsDiscardedAndTheNextOneRead() throws IOException {
    SmtpInput in = input("X".repeat(1_000_000) + "\r\nNOOP\r\n");
    SmtpInput.Line l = in.readLine(512);
    assertTrue(l.tooLong());
    assertEquals("NOOP", in.readLine(512).text());
  }

  @Test
  void lineOfExactly512OctetsIsAccepted() throws IOException {
    SmtpInput in = input("A".repeat(510) + "\r\n" + "B".repeat(511) + "\r\n");
    assertFalse(in.readLine(512).tooLong());
    assertTrue(in.readLine(512).tooLong());
  }

  @Test
  void dataIsUnstuffedAndEndsAtTheLoneDot() throws IOException {
    for (SmtpInput in :
        new SmtpInput[] {
          input("a\r\n..b\r\n.c\r\n\r\n.\r\nQUIT\r\n"),
          trickle("a\r\n..b\r\n.c\r\n\r\n.\r\nQUIT\r\n")
        }) {
      SmtpInput.Data d = in.data(0);
      assertEquals("a\r\n.b\r\nc\r\n\r\n", readAll(d));
      assertTrue(d.done());
      assertEquals("QUIT", in.readLine(512).text(), "commands pipelined after the data survive");
    }
  }

  @Test
  void emptyData() throws IOException {
    SmtpInput.Data d = input(".\r\n").data(0);
    assertEquals("", readAll(d));
    assertTrue(d.done());
  }

  /** SMTP smuggling: none of these is an end of data; each refuses the message. */
  @ParameterizedTest
  @ValueSource(strings = {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\n.\r"})
  void smuggledEndsAreNeverTheEnd(String fake) throws IOException {
    String wire =
        "body" + fake + "MAIL FROM:<evil@x>\r\nRCPT TO:<v@y>\r\nDATA\r\nsmuggled\r\n.\r\nNOOP\r\n";
    for (SmtpInput in : new SmtpInput[] {input(wire), trickle(wire)}) {
      SmtpInput.Data d = in.data(0);
      IOException e = assertThrows(IOException.class, () -> readAll(d));
      assertNotNull(d.refused(), e.toString());
      assertEquals(554, d.refused().reply().code());
      d.drain();
      assertEquals("NOOP", in.readLine(512).text(), "the real end is CRLF.CRLF after 'smuggled'");
    }
  }

  @Test
  void longDataLineIsRefused() throws IOException {
    SmtpInput in = input("x".repeat(999) + "\r\n" + "y".repeat(1000) + "\r\n.\r\nNOOP\r\n");
    SmtpInput.Data d = in.data(0);
    assertThrows(IOException.class, () -> readAll(d));
    assertEquals(554, d.refused().reply().code());
    d.drain();
    assertEquals("NOOP", in.readLine(512).text());
  }

  @Test
  void oversizeDataIsRefusedWith552() throws IOException {
    SmtpInput in = input("0123456789\r\n".repeat(20) + ".\r\nNOOP\r\n");
    SmtpInput.Data d = in.data(100);
    assertThrows(IOException.class, () -> readAll(d));
    assertEquals(552, d.refused().reply().code());
    d.drain();
    assertEquals("NOOP", in.readLine(512).text());
  }

  @Test
  void endOfInputInDataIsReported() {
    SmtpInput.Data d = input("half a message\r\n").data(0);
    assertThrows(EOFException.class, () -> readAll(d));
    assertTrue(d.endedEarly());
  }

  @Test
  void replyEncoding() {
    Reply r = new Reply(250, java.util.List.of("host Hello", "SIZE 100", "PIPELINING"));
    String wire = new String(r.encode(), StandardCharsets.US_ASCII);
    assertEquals("250-host Hello\r\n250-SIZE 100\r\n250 PIPELINING\r\n", wire);
    assertEquals(
        "550 5.1.1 bad user\r\n",
        new String(Reply.of(550, "5.1.1", "bad\0user").encode(), StandardCharsets.US_ASCII));
  }

  @Test
  void commandParsing() {
    Command c = Command.parse("mail FROM: <a@b> SIZE=10");
    assertEquals("MAIL", c.verb());
    assertEquals("<a@b> SIZE=10", c.after("FROM:"));
    assertNull(c.after("TO:"));
  }
}
