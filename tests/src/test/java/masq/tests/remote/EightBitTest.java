package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import masq.tests.Await;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * 8-bit mail over a route end to end (RFC 6152): messages queued by the real masq-inject and sent
 * by the real masq-deliver to Postfix's smtp-sink, with {@code -8} (no 8BITMIME: the message must
 * arrive as 7-bit MIME whose parts Python's email parser decodes to the original bytes) and without
 * (the message arrives unchanged, with BODY=8BITMIME). An 8-bit header cannot be converted: the
 * recipient fails with 5.6.3. A 30 MB attachment is converted by a masq-deliver whose heap is 32
 * MB.
 */
class EightBitTest extends WithPeers {

  static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** UTF-8 bytes as one char per byte, to be put in a latin-1 message text. */
  static String utf8(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /** Bytes 1 to 255: masq refuses a NUL byte anywhere in a message. */
  static String allBytes() {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < 256; i++) {
      sb.append((char) i);
    }
    return sb.toString();
  }

  static final String SINGLE =
      "From: joe@test.example\nTo: anna@far.example\nSubject: single\n\n"
          + utf8("Grüße aus Köln, with a trailing space \n")
          + utf8("é".repeat(120))
          + "\n.a dot line\nFrom the start\n";

  static final String MULTI =
      "From: joe@test.example\nTo: anna@far.example\nSubject: parts\nMIME-Version: 1.0\n"
          + "Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
          + "--b1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
          + utf8("Grüße — trailing tab\t\n")
          + utf8("ö".repeat(90))
          + "\n--b1\nContent-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
          + "<p>Caf\u00e9 cr\u00e8me</p>\n"
          + "--b1\nContent-Type: application/octet-stream\n"
          + "Content-Disposition: attachment; filename=\"all.bin\"\n"
          + "Content-Transfer-Encoding: binary\n\n"
          + allBytes()
          + "\n--b1\nContent-Type: message/rfc822\n\n"
          + "From: carl@far.example\nSubject: inner\n"
          + "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
          + "Inner text: na\u00efve\n"
          + "--b1--\n";

  /** A sandbox with the route {@code legacy} to 127.0.0.1:port. */
  Sandbox box(int port) throws Exception {
    Path route = tmp.resolve("legacy.route");
    Files.writeString(route, "mail_host = 127.0.0.1:" + port + "\n");
    return new Sandbox(tmp.resolve("box"), "query_routes.legacy = \"" + route + "\"\n");
  }

  /** smtp-sink without 8BITMIME ({@code -8}) as the server of the route legacy in {@code box}. */
  record Legacy(int port, Path dump, Sandbox box) {}

  Legacy legacy() throws Exception {
    int port = Peers.freePort();
    Path dump = peers.smtpSink("127.0.0.1", port, "-8");
    return new Legacy(port, dump, box(port));
  }

  static String queue(Sandbox box, byte[] message) throws Exception {
    box.run(message, "masq-inject", "-odq", "-i", "-f", "joe", "anna@far.example").expect(0);
    List<String> ids = box.queuedIds();
    return ids.get(ids.size() - 1);
  }

  /** The one dump file smtp-sink wrote, waited for. */
  static Path dumpFile(Path dump) throws Exception {
    Peers.waitDumps(dump, 1);
    try (var s = Files.list(dump)) {
      List<Path> files = s.toList();
      assertEquals(1, files.size(), files.toString());
      return files.get(0);
    }
  }

  static void assertSevenBit(byte[] dump) {
    int line = 1;
    for (int i = 0; i < dump.length; i++) {
      if (dump[i] == '\n') {
        line++;
      }
      int at = line;
      assertTrue(dump[i] >= 0, () -> "8-bit byte in line " + at);
    }
    for (String l : new String(dump, StandardCharsets.ISO_8859_1).split("\n")) {
      assertTrue(l.length() <= 998, "line of " + l.length());
    }
  }

  /** Python's email parser decodes each part of {@code received} to that of {@code original}. */
  void assertSameParts(byte[] original, Path received, int leaves) throws Exception {
    Path script = tmp.resolve("mimeparts.py");
    if (!Files.exists(script)) {
      try (var in = EightBitTest.class.getResourceAsStream("mimeparts.py")) {
        Files.copy(in, script);
      }
    }
    Path orig = Files.write(tmp.resolve("original.eml"), original);
    Sandbox.Run r =
        Sandbox.exec(
            List.of("/usr/bin/python3", script.toString(), orig.toString(), received.toString()),
            new byte[0],
            Map.of());
    assertEquals("OK " + leaves + "\n", r.out(), r.stderr());
    assertEquals(0, r.exit());
  }

  @Test
  void aSinglePartTextMessageBecomesQuotedPrintableTextPlain() throws Exception {
    Legacy l = legacy();
    Sandbox box = l.box();
    String id = queue(box, latin1(SINGLE));
    box.run("", "masq-deliver", "--route", "legacy").expect(0);
    Path f = dumpFile(l.dump());
    byte[] got = Files.readAllBytes(f);
    assertSevenBit(got);
    String text = new String(got, StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("X-Mail-Args: <joe@test.example>\n"), "no BODY= " + text);
    assertTrue(
        text.contains(
            "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                + "Content-Transfer-Encoding: quoted-printable\n\n"
                + "Gr=C3=BC=C3=9Fe aus K=C3=B6ln, with a trailing space=20\n"),
        text);
    assertSameParts(latin1(SINGLE), f, 1);
    assertTrue(box.log().contains(id + " => anna@far.example route=legacy"), box.log());
    assertEquals(List.of(), box.queuedIds());
  }

  @Test
  void aMultipartMessageIsConvertedPartByPartAndDecodesToTheOriginalParts() throws Exception {
    Legacy l = legacy();
    Sandbox box = l.box();
    queue(box, latin1(MULTI));
    box.run("", "masq-deliver", "--route", "legacy").expect(0);
    Path f = dumpFile(l.dump());
    byte[] got = Files.readAllBytes(f);
    assertSevenBit(got);
    String text = new String(got, StandardCharsets.ISO_8859_1);
    assertTrue(
        text.contains(
            "Content-Type: application/octet-stream\n"
                + "Content-Disposition: attachment; filename=\"all.bin\"\n"
                + "Content-Transfer-Encoding: base64\n\n"),
        text);
    assertTrue(
        text.contains(
            "Content-Type: message/rfc822\n\nFrom: carl@far.example\nSubject: inner\n"
                + "Content-Type: text/plain; charset=iso-8859-1\n"
                + "Content-Transfer-Encoding: quoted-printable\n\nInner text: na=EFve\n"),
        text);
    // text/plain, text/html, the binary part and the attached message's text
    assertSameParts(latin1(MULTI), f, 4);
  }

  @Test
  void anEightBitHeaderFailsTheRecipientWith563() throws Exception {
    Legacy l = legacy();
    Sandbox box = l.box();
    String id =
        queue(
            box,
            latin1(
                "From: joe@test.example\nTo: anna@far.example\nSubject: caf\u00e9\n\nbody\u00e9\n"));
    box.run("", "masq-deliver", "--route", "legacy").expect(0);
    String log = box.log();
    assertTrue(
        log.contains(
            id
                + " ** anna@far.example route=legacy link=legacy host=[127.0.0.1]:"
                + l.port()
                + " tls=none 5.6.3 [127.0.0.1]:"
                + l.port()
                + " does not offer 8BITMIME and the message cannot be converted to 7-bit:"
                + " 8-bit byte in the header field Subject:"),
        log);
    assertEquals(List.of(), box.queuedIds(), "failed and bounced");
    String bounce = Files.readString(box.mailDir.resolve("joe"), StandardCharsets.ISO_8859_1);
    assertTrue(bounce.contains("Final-Recipient: rfc822; anna@far.example"), bounce);
    assertTrue(bounce.contains("Status: 5.6.3"), bounce);
    // the notice folds and wraps the reason: read it as one line
    assertTrue(
        bounce.replaceAll("\\s*\n\\s*", " ").contains("8-bit byte in the header field Subject:"),
        bounce);
    assertEquals(List.of(), Peers.dumps(l.dump()), "nothing was sent");
  }

  /** What the aiosmtpd recorder got in {@code msg-N.json}: its data, and its MAIL parameters. */
  record Recorded(byte[] data, String mailOptions) {}

  Recorded recorded(Path record, int n) throws Exception {
    Path json = record.resolve("msg-" + n + ".json");
    Await.until("the recorder's " + json.getFileName(), () -> Files.exists(json));
    Path data = tmp.resolve("data-" + n);
    Sandbox.Run r =
        Sandbox.exec(
            List.of(
                "/usr/bin/python3",
                "-c",
                "import json, sys; d = json.load(open(sys.argv[1]));"
                    + " open(sys.argv[2], 'wb').write(d['data'].encode('latin-1'));"
                    + " print(' '.join(d['mail_options']))",
                json.toString(),
                data.toString()),
            new byte[0],
            Map.of());
    assertEquals(0, r.exit(), r.stderr());
    return new Recorded(Files.readAllBytes(data), r.out().strip());
  }

  @Test
  void aServerWithEightBitMimeGetsTheMessageUnchangedWithBody8BitMime() throws Exception {
    int port = Peers.freePort();
    Path record = peers.aiosmtpd(port);
    Sandbox box = box(port);
    String id = queue(box, latin1(MULTI));
    String stored = box.message(id);
    queue(box, latin1("From: joe@test.example\nTo: anna@far.example\nSubject: ascii\n\nhi\n"));
    box.run("", "masq-deliver", "--route", "legacy").expect(0);
    Recorded eight = recorded(record, 1);
    Recorded ascii = recorded(record, 2);
    if (!new String(eight.data(), StandardCharsets.ISO_8859_1).contains("Subject: parts")) {
      Recorded t = eight;
      eight = ascii;
      ascii = t;
    }
    assertTrue(
        eight.mailOptions().matches("SIZE=\\d+ BODY=8BITMIME"), "marked: " + eight.mailOptions());
    assertTrue(
        ascii.mailOptions().matches("SIZE=\\d+"), "7-bit: not marked: " + ascii.mailOptions());
    // 8-bit parts go as they are; only the binary part, whose bare CR no SMTP line may hold,
    // goes as base64 (masq-deliver(8)), so that its bytes arrive unchanged
    String got = new String(eight.data(), StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
    String binary = "Content-Disposition: attachment; filename=\"all.bin\"\n";
    int cut = stored.indexOf(binary) + binary.length();
    assertEquals(
        stored.substring(0, cut), got.substring(0, cut), "unchanged up to the binary part");
    assertTrue(got.startsWith("Content-Transfer-Encoding: base64\n\nAQIDBAUG", cut), got);
    assertTrue(got.contains(utf8("Grüße — trailing tab\t\n")), got);
    assertSameParts(latin1(MULTI), Files.write(tmp.resolve("eight.eml"), eight.data()), 4);
    assertEquals(List.of(), box.queuedIds());
  }

  @Test
  void theBounceOfAnEightBitMessageGoesOutWithBody8BitMime() throws Exception {
    int port = Peers.freePort();
    Path record = peers.aiosmtpd(port);
    Sandbox box = box(port);
    box.run(
            latin1("From: joe@far.example\nSubject: to bad\n\nna\u00efve\n"),
            "masq-inject",
            "-odq",
            "-i",
            "-f",
            "joe@far.example",
            "bad@far.example")
        .expect(0);
    box.run("", "masq-deliver", "--route", "legacy").expect(0); // 550 at RCPT: bounced
    box.run("", "masq-deliver", "--route", "legacy").expect(0); // the bounce, if still queued
    Recorded bounce = recorded(record, 1);
    String text = new String(bounce.data(), StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("Status: 5.1.1") && text.contains("na\u00efve"), text);
    assertTrue(bounce.mailOptions().endsWith(" BODY=8BITMIME"), bounce.mailOptions());
    assertEquals(List.of(), box.queuedIds());
  }

  @Test
  void aThirtyMegabyteAttachmentIsConvertedWithA32MegabyteHeap() throws Exception {
    Legacy l = legacy();
    Sandbox box = l.box();
    byte[] blob = new byte[30 * 1024 * 1024];
    new Random(6152).nextBytes(blob);
    for (int i = 0; i < blob.length; i++) {
      // masq refuses NUL, and stores a CR LF pair as LF, as every line end: neither is for here
      blob[i] = blob[i] == 0 || blob[i] == '\r' ? 1 : blob[i];
    }
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    m.writeBytes(
        latin1(
            "From: joe@test.example\nTo: anna@far.example\nSubject: big\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/mixed; boundary=\"big\"\n\n--big\n"
                + "Content-Type: text/plain; charset=utf-8\n\n"
                + utf8("Anbei die Datei, grüße\n")
                + "--big\nContent-Type: application/octet-stream\n"
                + "Content-Transfer-Encoding: binary\n\n"));
    m.writeBytes(blob);
    m.writeBytes(latin1("\n--big--\n"));
    byte[] original = m.toByteArray();
    queue(box, original);
    Sandbox.Run r =
        Sandbox.exec(
            List.of(
                Sandbox.bin("masq-deliver").toString(),
                "-C",
                box.conf.toString(),
                "--route",
                "legacy"),
            new byte[0],
            Map.of("JAVA_TOOL_OPTIONS", "-Xmx32m"));
    r.expect(0);
    assertTrue(r.stderr().contains("Picked up JAVA_TOOL_OPTIONS: -Xmx32m"), r.stderr());
    assertEquals(List.of(), box.queuedIds(), box.log());
    Path f = dumpFile(l.dump());
    assertSevenBit(Files.readAllBytes(f));
    assertSameParts(original, f, 2);
  }
}
