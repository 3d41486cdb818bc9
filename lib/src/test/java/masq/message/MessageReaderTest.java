package masq.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import masq.Exit;
import org.junit.jupiter.api.Test;

class MessageReaderTest {
  /** Reads {@code input}; returns [headers joined, body]. */
  private static String[] read(String input, boolean dotEnds) throws Exception {
    return read(input.getBytes(StandardCharsets.ISO_8859_1), dotEnds);
  }

  private static String[] read(byte[] input, boolean dotEnds) throws Exception {
    MessageReader r = new MessageReader(new ByteArrayInputStream(input), dotEnds);
    List<Header> hs = r.readHeaders();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    long n = r.copyBody(body, 0);
    assertEquals(n, body.size());
    StringBuilder sb = new StringBuilder();
    hs.forEach(h -> sb.append(h.raw()));
    return new String[] {sb.toString(), body.toString(StandardCharsets.ISO_8859_1)};
  }

  @Test
  void lfAndCrlfInputGiveTheSameMessage() throws Exception {
    String[] lf = read("Subject: a\nX-Fold: one\n\ttwo\n\nbody\nline 2\n", true);
    String[] crlf = read("Subject: a\r\nX-Fold: one\r\n\ttwo\r\n\r\nbody\r\nline 2\r\n", true);
    assertArrayEquals(lf, crlf);
    assertEquals("Subject: a\nX-Fold: one\n\ttwo\n", lf[0]);
    assertEquals("body\nline 2\n", lf[1]);
  }

  @Test
  void loneDotEndsAndLeadingDotsAreRemovedUnlessDotsIgnored() throws Exception {
    String in = "Subject: d\n\n..leading\n.x\nend\n.\nafter the dot\n";
    assertEquals(".leading\nx\nend\n", read(in, true)[1]);
    assertEquals("..leading\n.x\nend\n.\nafter the dot\n", read(in, false)[1]);
    assertEquals("a\n", read("S: x\n\na\r\n.\r\nignored", true)[1]);
  }

  @Test
  void mboxFromLineIsDroppedAndNonHeaderLineStartsTheBody() throws Exception {
    String[] m =
        read("From someone Tue Mar  5 12:00:00 2024\nSubject: x\nthis is no header\nmore\n", true);
    assertEquals("Subject: x\n", m[0]);
    assertEquals("this is no header\nmore\n", m[1]);
    String[] n = read("no colon here\n\nbody\n", true);
    assertEquals("", n[0]);
    assertEquals("no colon here\n\nbody\n", n[1]);
  }

  @Test
  void onlyAnMboxSeparatorIsDroppedAndObsoleteFromFieldIsAHeader() throws Exception {
    for (String sep :
        new String[] {
          "From MAILER-DAEMON Fri Apr 06 16:46:09 2001",
          "From SRS0=aO/p=ON=bag.example@bounce.example  Fri Nov 26 21:40:36 2004",
          "From - Fri Jun  9 23:17:56 2000",
          "From joe@example.org Tue Mar  5 12:00 2024"
        }) {
      String[] m = read(sep + "\nSubject: x\n\nbody\n", true);
      assertEquals("Subject: x\n", m[0], sep);
      assertEquals("body\n", m[1], sep);
    }
    // RFC 2822 A.6.3: white space before the colon; the field keeps its bytes, named From
    MessageReader r =
        new MessageReader(
            new ByteArrayInputStream(
                "From  : John Doe <jdoe@machine.example>\nTo    : Mary <mary@example.net>\n\nhi\n"
                    .getBytes(StandardCharsets.ISO_8859_1)),
            true);
    List<Header> hs = r.readHeaders();
    assertEquals(List.of("From", "To"), hs.stream().map(Header::name).toList());
    assertEquals("From  : John Doe <jdoe@machine.example>\n", hs.get(0).raw());
    assertEquals("John Doe <jdoe@machine.example>", hs.get(0).value());
    assertEquals(0, r.cutShortAt());
    // "From " that is neither a separator nor a header: the body, as any line that is no header
    String[] n = read("From me to you\nSubject: x\n\nbody\n", true);
    assertEquals("", n[0]);
    assertEquals("From me to you\nSubject: x\n\nbody\n", n[1]);
  }

  @Test
  void obsoleteWhiteSpaceBeforeTheColonKeepsTheHeaderAndACutShortSectionIsTold() throws Exception {
    String in =
        "Subject :The obsolete syntax\r\n       \r\n and an empty fold line.\r\n"
            + "Date    :     Malformed Date.\r\nHeaderWithWSP \t  \t:\t\tvalue.\r\n"
            + "X-Last: 1\r\nNot a header: the body starts here\r\nX-Too: 2\r\n\r\nbody\r\n";
    MessageReader r =
        new MessageReader(new ByteArrayInputStream(in.getBytes(StandardCharsets.ISO_8859_1)), true);
    List<Header> hs = r.readHeaders();
    assertEquals(
        List.of("Subject", "Date", "HeaderWithWSP", "X-Last"),
        hs.stream().map(Header::name).toList());
    assertEquals(
        "Subject :The obsolete syntax\n       \n and an empty fold line.\n", hs.get(0).raw());
    assertEquals("value.", hs.get(2).value());
    assertEquals(7, r.cutShortAt());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    r.copyBody(body, 0);
    assertEquals(
        "Not a header: the body starts here\nX-Too: 2\n\nbody\n",
        body.toString(StandardCharsets.ISO_8859_1));
    // the verbatim reader (the spool read back for delivery, masq-rewrite) splits it the same way
    MessageReader v =
        MessageReader.verbatim(new ByteArrayInputStream(in.getBytes(StandardCharsets.ISO_8859_1)));
    List<Header> vs = v.readHeaders();
    assertEquals(hs.stream().map(Header::name).toList(), vs.stream().map(Header::name).toList());
    assertEquals("Not a header: the body starts here\r\n", v.separator());
    String mbox = "From joe Tue Mar  5 12:00:00 2024\nFrom  : x\n\n";
    MessageReader w =
        MessageReader.verbatim(
            new ByteArrayInputStream(mbox.getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals("From", w.readHeaders().get(0).name());
    assertEquals("From joe Tue Mar  5 12:00:00 2024\n", w.prefix());
    // a message of no header at all is not cut short: it is all body
    MessageReader none =
        new MessageReader(
            new ByteArrayInputStream("just text\nX: y\n".getBytes(StandardCharsets.ISO_8859_1)),
            true);
    assertEquals(List.of(), none.readHeaders());
    assertEquals(0, none.cutShortAt());
  }

  @Test
  void unterminatedLastLineGetsANewline() throws Exception {
    assertEquals("abc\n", read("S: x\n\nabc", false)[1]);
    assertEquals("S: x\n", read("S: x", false)[0]);
  }

  @Test
  void eightBitAndBareCrInTheBodyAreKeptByteForByte() throws Exception {
    byte[] body = new byte[256 * 3];
    int k = 0;
    for (int rep = 0; rep < 3; rep++) {
      for (int i = 1; i < 256; i++) {
        if (i != '\n' && i != '\r') {
          body[k++] = (byte) i;
        }
      }
      body[k++] = '\r';
      body[k++] = 'x';
      body[k++] = '\n';
    }
    body = Arrays.copyOf(body, k);
    byte[] head = "Subject: =?UTF-8?B?w6Q=?= \u00e4\n\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] in = new byte[head.length + body.length];
    System.arraycopy(head, 0, in, 0, head.length);
    System.arraycopy(body, 0, in, head.length, body.length);
    String[] m = read(in, false);
    assertArrayEquals(body, m[1].getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void hostileInputIsRefusedWithTheRightCode() {
    Object[][] cases = {
      {"", Exit.NOINPUT},
      {"Subject: a\u0000b\n\nx\n", Exit.DATAERR},
      {"Subject: x\n\nnul \u0000 in body\n", Exit.DATAERR},
      {"Subject: a\rb\n\nx\n", Exit.DATAERR},
      {"X-Long: " + "a".repeat(MessageReader.MAX_HEADER_LINE) + "\n\nx\n", Exit.DATAERR},
    };
    for (Object[] c : cases) {
      MessageFormatException e =
          assertThrows(
              MessageFormatException.class,
              () -> read((String) c[0], true),
              () -> "case " + ((String) c[0]).length());
      assertEquals(c[1], e.exitCode());
    }
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 30_000; i++) {
      many.append("X-H").append(i).append(": ").append("v".repeat(40)).append('\n');
    }
    MessageFormatException e =
        assertThrows(MessageFormatException.class, () -> read(many + "\nb\n", true));
    assertTrue(e.getMessage().contains("header section"));
  }

  @Test
  void tooLargeBodyIsRefused() throws Exception {
    MessageReader r =
        new MessageReader(new ByteArrayInputStream("S: x\n\n0123456789\n".getBytes()), true);
    r.readHeaders();
    MessageFormatException e =
        assertThrows(
            MessageFormatException.class, () -> r.copyBody(OutputStream.nullOutputStream(), 5));
    assertEquals(Exit.DATAERR, e.exitCode());
  }

  @Test
  void aTenMegabyteLineStreamsThroughWithoutBeingHeld() throws Exception {
    long size = 10L << 20;
    InputStream in =
        new InputStream() {
          final byte[] head = "Subject: big\n\n".getBytes();
          long pos;

          @Override
          public int read() {
            if (pos < head.length) {
              return head[(int) pos++];
            }
            if (pos < head.length + size) {
              pos++;
              return 'y';
            }
            if (pos == head.length + size) {
              pos++;
              return '\n';
            }
            return -1;
          }
        };
    MessageReader r = new MessageReader(in, true);
    r.readHeaders();
    long[] count = {0};
    long n =
        r.copyBody(
            new OutputStream() {
              @Override
              public void write(int b) {
                count[0]++;
              }

              @Override
              public void write(byte[] b, int off, int len) {
                count[0] += len;
              }
            },
            0);
    assertEquals(size + 1, n);
    assertEquals(size + 1, count[0]);
  }
}
