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
    for (String line : from.split("\n")) {
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
    }
    // the check can fail: a name that needs encoding does load it
    List<String> classes = loaded(box, "-F", "Jörg", "-odq", "bob");
    assertTrue(classes.stream().anyMatch(l -> l.contains("org.apache.james.mime4j.codec")));
  }
}
