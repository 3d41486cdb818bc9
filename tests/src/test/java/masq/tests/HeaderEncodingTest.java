package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header fields masq-inject writes, read back by Python's strict email parser and by mutt: a
 * long non-ASCII -F name as RFC 2047 encoded words, and Mime4j kept off the plain path.
 */
class HeaderEncodingTest {
  @TempDir Path tmp;

  /** 200 characters of Japanese and emoji (each emoji a surrogate pair in Java, 4 UTF-8 octets). */
  static final String NAME;

  static {
    StringBuilder sb = new StringBuilder();
    String[] parts = {"山田", "😀", " 太郎", "🎉", "テスト", "👍🏽", "名前"};
    for (int i = 0; sb.length() < 200; i++) {
      sb.append(parts[i % parts.length]);
    }
    String s = sb.substring(0, 200);
    NAME = Character.isHighSurrogate(s.charAt(199)) ? s.substring(0, 199) + "x" : s;
  }

  private static final Pattern WORD = Pattern.compile("=\\?[^?\\s]+\\?[BbQq]\\?[^?\\s]*\\?=");

  @Test
  void aLongNonAsciiFullNameBecomesEncodedWordsThatPythonAndMuttDecode() throws Exception {
    Sandbox box = new Sandbox(tmp.resolve("box"), "");
    box.run("Subject: hi\n\nbody\n", "masq-inject", "-f", "joe", "-F", NAME, "bob").expect(0);
    Path mbox = box.mailDir.resolve("bob");
    String raw = Files.readString(mbox, StandardCharsets.ISO_8859_1);
    String head = raw.substring(0, raw.indexOf("\n\n"));
    String from = head.substring(head.indexOf("\nFrom: ") + 1);
    from = from.substring(0, from.indexOf("\n", from.indexOf("<joe@test.example>")));
    Matcher m = WORD.matcher(from);
    List<String> words = new ArrayList<>();
    while (m.find()) {
      words.add(m.group());
    }
    assertTrue(words.size() > 10, from);
    for (String w : words) {
      assertTrue(w.length() <= 75, "encoded word over 75 characters: " + w);
    }
    for (String line : from.split("\n", -1)) {
      assertTrue(line.length() <= 78, "folded: " + line);
    }
    MimeCheck.Report r = MimeCheck.python("mbox", mbox).get(0);
    assertEquals(List.of(), r.problems());
    assertEquals(NAME, r.fromNameRfc2047(), "Python's RFC 2047 decoder gives the name back");
    // Python 3.11's address parser keeps a space between adjacent encoded words (see MimeCheck)
    assertEquals(NAME.replace(" ", ""), r.fromName().replace(" ", ""));
    String mutt = MimeCheck.mutt(tmp, mbox);
    assertTrue(
        mutt.replaceAll("\\s", "").contains("From:" + NAME.replaceAll("\\s", "") + "<joe@"),
        "mutt shows the name: " + mutt);
  }

  @Test
  void anAsciiNameWithSpecialsIsQuoted() throws Exception {
    Sandbox box = new Sandbox(tmp.resolve("box"), "");
    box.run("Subject: hi\n\nbody\n", "masq-inject", "-f", "joe", "-F", "Doe, J. \"Q\" <x>", "bob")
        .expect(0);
    Path mbox = box.mailDir.resolve("bob");
    assertTrue(
        Files.readString(mbox).contains("\nFrom: \"Doe, J. \\\"Q\\\" <x>\" <joe@test.example>\n"));
    MimeCheck.Report r = MimeCheck.python("mbox", mbox).get(0);
    assertEquals(List.of(), r.problems());
    assertEquals("Doe, J. \"Q\" <x>", r.fromName());
  }

  @Test
  void aReceivedFieldWithALongHeloAndASavedEnvelopeToStayWithinTheLimits() throws Exception {
    Sandbox box = new Sandbox(tmp.resolve("box"), "do_queue = true\ndo_save_envelope_to = true\n");
    String helo = ("a".repeat(60) + ".").repeat(4) + "example";
    // 997 octets with its name: within SMTP's limit, but over 998 once renamed X-Orig-Envelope-To
    String envelopeTo = "x@y.example, ".repeat(75).strip() + ", abcdefgh";
    assertEquals(997, ("Envelope-To: " + envelopeTo).length());
    String session =
        "EHLO "
            + helo
            + "\r\nMAIL FROM:<joe@test.example>\r\nRCPT TO:<bob@test.example>\r\nDATA\r\n"
            + "Envelope-To: "
            + envelopeTo
            + "\r\nSubject: long\r\n\r\nbody\r\n.\r\nQUIT\r\n";
    // as tcpserver runs it: the client address in TCPREMOTEIP, so the HELO name is recorded
    Sandbox.exec(
            List.of(Sandbox.bin("masq-smtpd").toString(), "-C", box.conf.toString()),
            session.getBytes(StandardCharsets.UTF_8),
            Map.of("TCPREMOTEIP", "192.0.2.7"))
        .expect(0);
    List<String> ids = box.queuedIds();
    assertEquals(1, ids.size(), box.log());
    String stored = box.message(ids.get(0));
    // folded before the name, as it does not fit on the first line
    assertTrue(stored.startsWith("Received: from\n " + helo + "\n ([192.0.2.7])\n\tby "), stored);
    MimeCheck.Report r = MimeCheck.clean("message", MimeCheck.mbox(tmp, stored));
    assertTrue(stored.contains("\nX-Orig-Envelope-To: x@y.example,"), stored);
    assertEquals(envelopeTo, r.headers().get("X-Orig-Envelope-To"), "only folded: " + stored);
    assertTrue(r.headers().get("Received").contains(helo), r.headers().toString());
  }

  /** The classes the JVM loaded for one masq-inject run, from its class+load log. */
  private List<String> loaded(Sandbox box, String... args) throws Exception {
    Path logFile = tmp.resolve("classes-" + System.nanoTime() + ".txt");
    List<String> cmd = new ArrayList<>(List.of(Sandbox.bin("masq-inject").toString(), "-C"));
    cmd.add(box.conf.toString());
    cmd.addAll(List.of(args));
    Sandbox.exec(
            cmd,
            "Subject: hi\n\nbody\n".getBytes(StandardCharsets.UTF_8),
            Map.of("jvm_flags", "-Xlog:class+load=info:file=" + logFile))
        .expect(0);
    List<String> lines = Files.readAllLines(logFile);
    assertTrue(lines.size() > 100 && lines.stream().anyMatch(l -> l.contains("masq.")), "a log");
    return lines;
  }

  @Test
  void plainInjectionNeverLoadsMime4j() throws Exception {
    Sandbox box = new Sandbox(tmp.resolve("box"), "do_queue = true\n");
    for (List<String> args :
        List.of(List.of("-odq", "bob"), List.of("-F", "John Smith", "-odq", "bob@far.example"))) {
      List<String> classes = loaded(box, args.toArray(String[]::new));
      assertFalse(
          classes.stream().anyMatch(l -> l.contains("org.apache.james")),
          "Mime4j loaded by masq-inject " + args);
      // nor Commons CLI: masq-inject's command line is sendmail's, hand-parsed (Inject.parse)
      assertFalse(
          classes.stream().anyMatch(l -> l.contains("org.apache.commons.cli")),
          "Commons CLI loaded by masq-inject " + args);
    }
    // the check can fail: a name that needs encoding does load it
    List<String> classes = loaded(box, "-F", "Jörg", "-odq", "bob");
    assertTrue(classes.stream().anyMatch(l -> l.contains("org.apache.james.mime4j.codec")));
  }
}
