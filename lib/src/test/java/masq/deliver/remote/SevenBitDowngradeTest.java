package masq.deliver.remote;

import static java.util.stream.Collectors.joining;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import masq.address.Address;
import masq.message.Header;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.junit.jupiter.api.Test;

/**
 * The 7-bit conversion: the quoted-printable encoder's lines, whitespace and line ends; base64
 * lines; the MIME walk (boundaries, preamble, epilogue, nesting, attached messages, headers left as
 * they were) checked by decoding every part again with Mime4j and comparing it with the original's.
 */
class SevenBitDowngradeTest {
  static final String L1 = "latin-1 caf\u00e9";

  static String qp(String in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    QuotedPrintableEncoder e = new QuotedPrintableEncoder(out);
    byte[] b = in.getBytes(StandardCharsets.ISO_8859_1);
    e.write(b, 0, b.length);
    e.finish();
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  static byte[] unqp(String s) throws IOException {
    return new QuotedPrintableInputStream(
            new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)))
        .readAllBytes();
  }

  static void assertSevenBitLines(String s, int max) {
    for (String line : s.split("\n", -1)) {
      assertTrue(line.length() <= max, () -> "line of " + line.length() + ": " + line);
      for (char c : line.toCharArray()) {
        assertTrue(c >= 0x20 && c < 0x7f || c == '\t', () -> "not 7-bit text: " + line);
      }
    }
  }

  @Test
  void quotedPrintableEscapesWhatItMustAndNothingElse() throws IOException {
    assertEquals("caf=E9 =3D ok", qp("caf\u00e9 = ok"));
    assertEquals(
        "a=20\nb=09\nc=20", qp("a \nb\t\r\nc "), "whitespace before a line end or at the end");
    assertEquals("a b\tc", qp("a b\tc"), "whitespace inside a line stays");
    assertEquals("one\ntwo\n", qp("one\r\ntwo\n"), "LF and CRLF are line ends");
    assertEquals("a=0Db\nc=0D", qp("a\rb\nc\r"), "a bare CR is data");
    assertEquals("x =0D\n", qp("x \r\r\n"), "a space before a bare CR is inside the line");
    assertEquals("=2Edot\n=46rom x\n", qp(".dot\nFrom x\n"), "no line needs dot-stuffing or >From");
    assertEquals("=00=1F=7F", qp("\0\u001f\u007f"));
  }

  @Test
  void quotedPrintableLinesAreAtMost76AndDecodeBack() throws IOException {
    Random r = new Random(6152);
    for (int round = 0; round < 200; round++) {
      StringBuilder sb = new StringBuilder();
      int len = r.nextInt(600);
      for (int i = 0; i < len; i++) {
        int k = r.nextInt(10);
        sb.append(
            switch (k) {
              case 0 -> ' ';
              case 1 -> '\t';
              case 2 -> '\n';
              case 3 -> (char) (0x80 + r.nextInt(128));
              case 4 -> '=';
              case 5 -> '\r';
              default -> (char) ('a' + r.nextInt(26));
            });
      }
      String in = sb.toString();
      String out = qp(in);
      assertSevenBitLines(out, QuotedPrintableEncoder.MAX_LINE);
      for (String line : out.split("\n", -1)) {
        assertTrue(
            !line.endsWith(" ") && !line.endsWith("\t"), () -> "trailing whitespace: " + out);
      }
      // the decoder gives CRLF for a hard line break
      String want = in.replace("\r\n", "\n");
      String got = new String(unqp(out.replace("\n", "\r\n")), StandardCharsets.ISO_8859_1);
      assertEquals(want, got.replace("\r\n", "\n"), "round " + round + ": " + out);
    }
    String longLine = "\u00e9".repeat(100) + "x".repeat(200);
    String out = qp(longLine);
    assertSevenBitLines(out, 76);
    assertTrue(out.lines().anyMatch(l -> l.length() == 76), out);
  }

  // --- the MIME walk

  /** A message as the spool holds it: header fields (LF ends) and the body. */
  record Msg(List<Header> headers, byte[] body) {
    byte[] whole() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Header h : headers) {
        out.writeBytes(h.bytes());
      }
      out.write('\n');
      out.writeBytes(body);
      return out.toByteArray();
    }
  }

  static Msg msg(String text) {
    return msg(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  static Msg msg(byte[] all) {
    String s = new String(all, StandardCharsets.ISO_8859_1);
    int end = s.indexOf("\n\n");
    List<Header> hs = new ArrayList<>();
    for (String line : s.substring(0, end + 1).split("(?<=\n)(?=[^ \t])")) {
      hs.add(new Header(line.substring(0, line.indexOf(':')), line));
    }
    byte[] body = new byte[all.length - end - 2];
    System.arraycopy(all, end + 2, body, 0, body.length);
    return new Msg(hs, body);
  }

  static String convert(Msg m) throws Exception {
    BodySource src = () -> new ByteArrayInputStream(m.body());
    SevenBitDowngrade d = SevenBitDowngrade.plan(m.headers(), src);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = src.open()) {
      d.write(in, out);
    }
    assertEquals(out.size(), d.size(), "size() counts what write() writes");
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** Every leaf of a message decoded (attached messages walked), text with LF line ends. */
  static List<String> leaves(byte[] message) throws Exception {
    MimeTokenStream ts = new MimeTokenStream(MimeConfig.PERMISSIVE);
    ts.setRecursionMode(RecursionMode.M_RECURSE);
    ts.parse(new ByteArrayInputStream(message));
    List<String> out = new ArrayList<>();
    for (EntityState s = ts.getState(); s != EntityState.T_END_OF_STREAM; s = ts.next()) {
      if (s == EntityState.T_BODY) {
        byte[] b = ts.getDecodedInputStream().readAllBytes();
        String t = new String(b, StandardCharsets.ISO_8859_1);
        out.add(ts.getBodyDescriptor().getMimeType() + ": " + t.replace("\r\n", "\n"));
      }
    }
    return out;
  }

  /** Every byte value, NUL to 255. */
  static String binary() {
    return IntStream.range(0, 256).mapToObj(i -> String.valueOf((char) i)).collect(joining());
  }

  static final String MULTI =
      "From: a@b.example\n"
          + "Subject: mixed\n"
          + "MIME-Version: 1.0\n"
          + "Content-Type: multipart/mixed;\n boundary=\"outer\"\n"
          + "Content-Transfer-Encoding: 8bit\n"
          + "\n"
          + "This is a preamble.\n"
          + "--outer\n"
          + "Content-Type: text/plain; charset=utf-8\n"
          + "Content-Transfer-Encoding: 8bit\n"
          + "X-Note: stays\n"
          + "\n"
          + "gr\u00c3\u00bc\u00c3\u009fe trailing \n.line\n"
          + "--outer\n"
          + "Content-Type: text/plain\n"
          + "\n"
          + "plain 7-bit part, left as it is  \n"
          + "--outer\n"
          + "Content-Type: multipart/alternative; boundary=inner\n"
          + "\n"
          + "--inner\n"
          + "Content-Type: text/html; charset=iso-8859-1\n"
          + "\n"
          + "<p>"
          + L1
          + "</p>\n"
          + "--inner\n"
          + "Content-Type: application/octet-stream\n"
          + "Content-Transfer-Encoding: binary\n"
          + "\n"
          + binary()
          + "\n"
          + "--inner--\n"
          + "inner epilogue\n"
          + "--outer\n"
          + "Content-Type: message/rfc822\n"
          + "\n"
          + "From: c@d.example\n"
          + "Subject: attached\n"
          + "Content-Type: text/plain; charset=iso-8859-1\n"
          + "\n"
          + "attached "
          + L1
          + "\n"
          + "--outer--\n"
          + "epilogue\n";

  @Test
  void multipartIsConvertedPartByPartAndDecodesToTheSameParts() throws Exception {
    Msg m = msg(MULTI);
    String out = convert(m);
    assertSevenBitLines(out, 998);
    for (String line : out.split("\n")) {
      if (!line.startsWith("Content-Type") && !line.startsWith(" boundary")) {
        assertTrue(line.length() <= 76, line);
      }
    }
    assertEquals(leaves(m.whole()), leaves(out.getBytes(StandardCharsets.ISO_8859_1)));
    // the headers that were not re-encoded went out byte for byte, the top label is 7bit now
    assertTrue(
        out.startsWith(
            "From: a@b.example\nSubject: mixed\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/mixed;\n boundary=\"outer\"\n"
                + "Content-Transfer-Encoding: 7bit\n\nThis is a preamble.\n--outer\n"
                + "Content-Type: text/plain; charset=utf-8\n"
                + "Content-Transfer-Encoding: quoted-printable\nX-Note: stays\n\n"
                + "gr=C3=BC=C3=9Fe trailing=20\n=2Eline\n--outer\n"),
        out);
    assertTrue(
        out.contains(
            "--outer\nContent-Type: text/plain\n\nplain 7-bit part, left as it is  \n--outer\n"),
        out);
    assertTrue(
        out.contains(
            "Content-Type: text/html; charset=iso-8859-1\n"
                + "Content-Transfer-Encoding: quoted-printable\n\n<p>latin-1 caf=E9</p>\n--inner"),
        out);
    assertTrue(
        out.contains(
            "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"),
        out);
    assertTrue(out.contains("\n--inner--\ninner epilogue\n--outer\n"), out);
    assertTrue(
        out.contains(
            "Content-Type: message/rfc822\n\nFrom: c@d.example\nSubject: attached\n"
                + "Content-Type: text/plain; charset=iso-8859-1\n"
                + "Content-Transfer-Encoding: quoted-printable\n\nattached latin-1 caf=E9\n"
                + "--outer--\nepilogue\n"),
        out);
  }

  @Test
  void aMessageWithoutContentTypeBecomesTextPlainWithTheBestKnownCharset() throws Exception {
    String utf8 =
        new String(
            "h\u00e9 \u20ac\n".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    String out = convert(msg("From: a@b.example\nSubject: x\n\n" + utf8));
    assertEquals(
        "From: a@b.example\nSubject: x\nMIME-Version: 1.0\n"
            + "Content-Type: text/plain; charset=utf-8\n"
            + "Content-Transfer-Encoding: quoted-printable\n\nh=C3=A9 =E2=82=AC\n",
        out);
    out = convert(msg("MIME-Version: 1.0\nContent-Transfer-Encoding: 8bit\n\nh\u00e9\n"));
    assertEquals(
        "MIME-Version: 1.0\nContent-Transfer-Encoding: quoted-printable\n"
            + "Content-Type: text/plain; charset=unknown-8bit\n\nh=E9\n",
        out);
  }

  @Test
  void eightBitInAHeaderOrAPreambleCannotBeConverted() {
    for (String[] c :
        new String[][] {
          {"Subject: caf\u00e9\n\nbody\u00e9\n", "header field Subject:"},
          {
            "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n"
                + "X-Name: \u00e9\n\nx\u00e9\n--b--\n",
            "header field X-Name: of a MIME part"
          },
          {"Content-Type: message/rfc822\n\nSubject: \u00e9\n\nx\n", "of an attached message"},
          {"Content-Type: multipart/mixed; boundary=b\n\npre\u00e9\n--b\n\nx\n--b--\n", "preamble"},
          {"Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\nepi\u00e9\n", "epilogue"},
          {"Content-Transfer-Encoding: x-uuencode\n\nx\u00e9\n", "encoded as x-uuencode"},
          {
            "Content-Type: multipart/mixed; boundary=b\n\n--b\nX-Big: "
                + "a".repeat(2 << 20)
                + "\n\nx\u00e9\n--b--\n",
            "cannot read its MIME structure"
          },
        }) {
      SevenBitDowngrade.NotConvertible e =
          assertThrows(SevenBitDowngrade.NotConvertible.class, () -> convert(msg(c[0])), c[0]);
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
    }
  }

  @Test
  void aPartDeclaredQuotedPrintableOrBase64ThatHolds8BitIsDecodedAndEncodedAgain()
      throws Exception {
    Msg m =
        msg(
            "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                + "Content-Type: text/plain; charset=iso-8859-1\n"
                + "Content-Transfer-Encoding: quoted-printable\n\nraw \u00e9 and =E9 esc=\nsoft\n"
                + "--b\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n"
                + "aGVsbG8=\u00ff\n--b--\n");
    String out = convert(m);
    assertSevenBitLines(out, 76);
    assertTrue(out.contains("\n\nraw =E9 and =E9 escsoft\n--b"), out);
    assertEquals(leaves(m.whole()), leaves(out.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void boundariesArePlacedAsMimeReadsThem() throws Exception {
    // no preamble, no epilogue, a part without a final line end, an empty part
    Msg m =
        msg(
            "Content-Type: multipart/mixed; boundary=\"=_b\"\n\n--=_b\n\nA\u00e9\n--=_b\n\n"
                + "\n--=_b\nContent-Type: application/x\n\n\u0080\u0081\n--=_b--");
    String out = convert(m);
    assertEquals(
        "Content-Type: multipart/mixed; boundary=\"=_b\"\nMIME-Version: 1.0\n\n"
            + "--=_b\nContent-Transfer-Encoding: quoted-printable\n\nA=E9\n--=_b\n\n\n--=_b\n"
            + "Content-Type: application/x\nContent-Transfer-Encoding: base64\n\ngIE=\n--=_b--",
        out);
    assertEquals(leaves(m.whole()), leaves(out.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void anEmptyPartBetweenAdjacentDelimitersStaysEmpty() throws Exception {
    String body =
        "--b\nContent-Type: text/plain\n\nfirst\u00e9\n--b\n--b\n\n\n--b\n"
            + "Content-Type: text/plain\n\nx\u00e9\n--b--\n";
    Msg m = msg("Content-Type: multipart/mixed; boundary=b\n\n" + body);
    String out = convert(m);
    assertTrue(out.contains("first=E9\n--b\n--b\n\n\n--b\nContent-Type"), out);
    assertEquals(leaves(m.whole()), leaves(out.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void linesOver998OctetsAreReEncodedEvenWhereEightBitMayGo() throws Exception {
    String longText = "word ".repeat(400) + "end";
    String longHeader = "X-Long: " + "v".repeat(600) + " " + "w".repeat(600) + "\n";
    String mixed =
        "Content-Type: multipart/mixed; boundary=b\n"
            + longHeader
            + "\n--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
            + "X-Part: "
            + "p".repeat(700)
            + " "
            + "q".repeat(700)
            + "\n\n"
            + longText
            + "\ncaf\u00c3\u00a9\n--b\nContent-Type: text/plain; charset=utf-8\n"
            + "Content-Transfer-Encoding: 8bit\n\nshort caf\u00c3\u00a9\n--b\n"
            + "Content-Type: application/x-data\n\n"
            + "z".repeat(1200)
            + "\n--b--\n";
    Msg m = msg(mixed);
    BodySource src = () -> new ByteArrayInputStream(m.body());
    SevenBitDowngrade d = SevenBitDowngrade.plan(m.headers(), src, true);
    assertTrue(d.converts());
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try (InputStream in = src.open()) {
      d.write(in, o);
    }
    String out = o.toString(StandardCharsets.ISO_8859_1);
    for (String line : out.split("\n")) {
      assertTrue(line.length() <= WireLines.MAX, () -> "line of " + line.length());
    }
    // the long text part becomes quoted-printable, the short 8-bit one stays 8bit, the long
    // application part base64; the long header fields are folded at their white space
    assertTrue(out.contains("quoted-printable\nX-Part: "), out);
    assertTrue(out.contains("q".repeat(700) + "\n\nword word word"), out);
    assertTrue(out.contains("8bit\n\nshort caf\u00c3\u00a9\n--b"), out);
    assertTrue(out.contains("application/x-data\nContent-Transfer-Encoding: base64\n"), out);
    assertTrue(out.contains("X-Long: " + "v".repeat(600) + "\n " + "w".repeat(600) + "\n"), out);
    assertTrue(out.contains("X-Part: " + "p".repeat(700) + "\n " + "q".repeat(700) + "\n"), out);
    assertEquals(leaves(m.whole()), leaves(out.getBytes(StandardCharsets.ISO_8859_1)));

    // a run without white space cannot be folded; a header with no line too long stays as it was
    Header h = new Header("X", "X:" + "a".repeat(1200) + "\n");
    assertEquals(h.raw(), WireLines.fold(h).raw());
    Header q = new Header("X", "X: b=\"" + "a ".repeat(700) + "\"; c=d\n");
    assertTrue(
        WireLines.fold(q).raw().contains("\n b=\"" + "a ".repeat(700) + "\";\n c=d\n"),
        "folded outside the quoted string only");
    Header shortOne = new Header("X", "X: a\n b\n");
    assertTrue(WireLines.fold(shortOne) == shortOne);
    Header two = new Header("X", "X: " + "a ".repeat(700) + "\n");
    String folded = WireLines.fold(two).raw();
    assertEquals(two.raw().replace("\n", ""), folded.replace("\n", ""), "only line ends added");
    assertTrue(folded.lines().allMatch(l -> l.length() <= WireLines.MAX), folded);
    assertTrue(WireLines.unfit(new ByteArrayInputStream(("." + "x".repeat(998)).getBytes())));
    assertTrue(!WireLines.unfit(new ByteArrayInputStream(("x".repeat(998) + "\r\ny").getBytes())));
    assertTrue(WireLines.unfit(new ByteArrayInputStream("a\rb\n".getBytes())), "a bare CR");
  }

  @Test
  void overEightBitMimeALongLineGoesOutQuotedPrintable() throws Exception {
    String longText = "long ".repeat(300) + "\n";
    String got =
        session(
            "220 hi\r\n250-me\r\n250 8BITMIME\r\n250 ok\r\n250 ok\r\n354 go\r\n250 sent\r\n"
                + "221 bye\r\n",
            out("M1", "s", longText));
    assertTrue(
        got.contains(
            "DATA\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain;"
                + " charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nlong"),
        got);
    for (String line : got.split("\r\n")) {
      assertTrue(line.length() <= 76, () -> "line of " + line.length());
    }
  }

  @Test
  void aPartWithABareCrIsEncodedSoThatItsBytesArrive() throws Exception {
    String got =
        session(
            "220 hi\r\n250-me\r\n250 8BITMIME\r\n250 ok\r\n250 ok\r\n354 go\r\n250 sent\r\n"
                + "221 bye\r\n",
            out("M1", "s", "one\rtwo\r.\r\n"));
    assertTrue(
        got.contains("Content-Transfer-Encoding: quoted-printable\r\n\r\none=0Dtwo=0D.\r\n.\r\n"),
        got);
  }

  @Test
  void base64LinesAreAtMost76AndNestingIsBounded() throws Exception {
    byte[] big = new byte[100_000];
    new Random(1).nextBytes(big);
    String head = "Content-Type: application/octet-stream\n\n";
    byte[] all = new byte[head.length() + big.length];
    System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, all, 0, head.length());
    System.arraycopy(big, 0, all, head.length(), big.length);
    String out = convert(msg(all));
    String b64 = out.substring(out.indexOf("\n\n") + 2);
    assertSevenBitLines(b64, 76);
    List<String> lines = b64.lines().toList();
    assertTrue(lines.subList(0, lines.size() - 1).stream().allMatch(l -> l.length() == 76), b64);
    assertArrayEquals(big, java.util.Base64.getMimeDecoder().decode(b64));

    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < SevenBitDowngrade.MAX_DEPTH + 1; i++) {
      deep.append("Content-Type: multipart/mixed; boundary=b")
          .append(i)
          .append("\n\n--b")
          .append(i)
          .append('\n');
    }
    deep.append("\nx\u00e9\n");
    SevenBitDowngrade.NotConvertible e =
        assertThrows(
            SevenBitDowngrade.NotConvertible.class,
            () -> convert(msg("MIME-Version: 1.0\n" + deep)));
    assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
  }

  // --- in the SMTP client

  /** A message whose 8-bit flag is found as masq.deliver.RemoteRun finds it. */
  static OutgoingMessage out(String id, String subject, String body) {
    return out(
        id, subject, body, OutgoingMessage.eightBit(subject) || OutgoingMessage.eightBit(body));
  }

  static OutgoingMessage out(String id, String subject, String body, boolean eightBit) {
    byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
    return OutgoingMessage.of(
        id,
        new Address("a", "b.example"),
        List.of(new Address("c", "d.example")),
        List.of(new Header("Subject", "Subject: " + subject + "\n")),
        () -> new ByteArrayInputStream(b),
        eightBit,
        b.length + 12);
  }

  static String session(String server, OutgoingMessage... ms) throws Exception {
    CodecTest.Canned ch = new CodecTest.Canned(server);
    RemoteSettings s = RemoteSettingsTest.settings("do_pipelining = false\n");
    SmtpClient client = new SmtpClient(new SmtpConnection(ch), s, "canned", null, false);
    client.open();
    List<String> results = new ArrayList<>();
    for (OutgoingMessage m : ms) {
      for (RecipientResult r : client.send(m)) {
        results.add(r.outcome() + " " + r.reply());
      }
    }
    client.quit();
    return String.join("\n", results) + "\n" + ch.sent.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void withoutEightBitMimeTheClientSendsTheConvertedMessageAndItsSize() throws Exception {
    String converted =
        "Subject: s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
            + "Content-Transfer-Encoding: quoted-printable\n\ncaf=C3=A9\n";
    String got =
        session(
            "220 hi\r\n250-me\r\n250 SIZE 1000\r\n250 ok\r\n250 ok\r\n354 go\r\n250 sent\r\n"
                + "221 bye\r\n",
            out("M1", "s", "caf\u00c3\u00a9\n"),
            out("M2", "caf\u00e9", "x\n"));
    assertEquals(
        "DELIVERED 250 sent\n"
            + "FAILED 5.6.3 canned does not offer 8BITMIME and the message cannot be converted to"
            + " 7-bit: 8-bit byte in the header field Subject:\n"
            + "EHLO me.example\r\nMAIL FROM:<a@b.example> SIZE="
            + converted.length()
            + "\r\nRCPT TO:<c@d.example>\r\nDATA\r\n"
            + converted.replace("\n", "\r\n")
            + ".\r\nQUIT\r\n",
        got);
  }

  @Test
  void withEightBitMimeOnlyAnEightBitMessageIsMarked() throws Exception {
    String got =
        session(
            "220 hi\r\n250-me\r\n250 8BITMIME\r\n"
                + "250 ok\r\n250 ok\r\n354 go\r\n250 sent\r\n"
                + "250 reset\r\n250 ok\r\n250 ok\r\n354 go\r\n250 sent\r\n"
                + "221 bye\r\n",
            out("M1", "s", "caf\u00e9\n"),
            out("M2", "s", "cafe\n"));
    assertTrue(
        got.contains(
            "MAIL FROM:<a@b.example> BODY=8BITMIME\r\nRCPT TO:<c@d.example>\r\nDATA\r\n"
                + "Subject: s\r\n\r\ncaf\u00e9\r\n.\r\nRSET\r\nMAIL FROM:<a@b.example>\r\n"),
        got);
  }

  @Test
  void aMessageMarkedEightBitThatIsNotGoesOutUnchanged() throws Exception {
    OutgoingMessage m = out("M3", "s", "plain\n", true);
    String got =
        session(
            "220 hi\r\n250-me\r\n250 SIZE 1000\r\n250 ok\r\n250 ok\r\n354 go\r\n250 sent\r\n"
                + "221 bye\r\n",
            m);
    assertTrue(
        got.endsWith(
            "MAIL FROM:<a@b.example> SIZE=18\r\nRCPT TO:<c@d.example>\r\nDATA\r\n"
                + "Subject: s\r\n\r\nplain\r\n.\r\nQUIT\r\n"),
        got);
  }
}
