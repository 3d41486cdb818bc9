package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import masq.tests.Await;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * Real mail of other projects, as it is: the test messages of Python's email package (Debian's
 * libpython3.11-testsuite, PSF licence) and of Apache Mime4j (its test-jar from Maven Central,
 * Apache licence), read where they are installed, never copied. All are injected in one SMTP
 * session of the real masq-smtpd (one more, with bare CRs and a smuggling attempt, by masq-inject,
 * since masq-smtpd refuses a bare CR), then delivered by the real masq-deliver into a Maildir, to
 * smtp-sink without 8BITMIME and to aiosmtpd, which refuses a line over 998 octets. {@code
 * corpuscheck.py} then reads every copy with Python's email parser: the same leaves as the
 * original, the original's header fields (obsolete syntax included) still header fields, and on the
 * wire no CR or LF alone and no line over 998 octets.
 */
class RealMailTest extends WithPeers {
  static final Path PYTHON_CORPUS = Path.of("/usr/lib/python3.11/test/test_email/data");

  /** The corpus, copied into {@code dir} one file a message (name: where it comes from). */
  List<Path> corpus(Path dir) throws Exception {
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    assertTrue(
        Files.isDirectory(PYTHON_CORPUS),
        PYTHON_CORPUS + " is missing: tests/install-deps.sh installs libpython3.11-testsuite");
    try (Stream<Path> s = Files.list(PYTHON_CORPUS)) {
      for (Path p : s.filter(p -> p.getFileName().toString().matches("msg_.*\\.txt")).toList()) {
        out.add(Files.copy(p, dir.resolve("python-" + p.getFileName())));
      }
    }
    URI jar = RealMailTest.class.getResource("/testmsgs/").toURI();
    try (FileSystem fs = FileSystems.newFileSystem(jar, Map.of())) {
      for (String folder : List.of("/testmsgs", "/mimetools-testmsgs")) {
        try (Stream<Path> s = Files.list(fs.getPath(folder))) {
          for (Path p : s.filter(p -> p.toString().endsWith(".msg")).toList()) {
            String name = "mime4j-" + folder.substring(1) + "-" + p.getFileName();
            out.add(Files.copy(p, dir.resolve(name)));
          }
        }
      }
    }
    return out;
  }

  /** An SMTP session that sends each message to the three recipients. */
  static byte[] session(List<Path> messages) throws Exception {
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.writeBytes("EHLO corpus.example\r\n".getBytes(StandardCharsets.US_ASCII));
    for (Path m : messages) {
      s.writeBytes(
          ("MAIL FROM:<joe@test.example>\r\nRCPT TO:<md@test.example>\r\n"
                  + "RCPT TO:<bob@legacy.example>\r\nRCPT TO:<carl@strict.example>\r\nDATA\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      String text =
          new String(Files.readAllBytes(m), StandardCharsets.ISO_8859_1)
              .replaceFirst("\r?\n\\z", "");
      StringBuilder data = new StringBuilder();
      for (String line : text.split("\r?\n", -1)) {
        data.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
      }
      s.writeBytes(data.append(".\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }
    s.writeBytes("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
    return s.toByteArray();
  }

  static boolean hasLongLine(Path p) throws Exception {
    return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)
        .lines()
        .anyMatch(l -> l.length() > 998);
  }

  static final Pattern ID = Pattern.compile("\n\tid ([0-9A-Za-z-]+)");

  /** Each file of {@code dir} (and below) by the spool ID in masq's Received: field. */
  static Map<String, Path> byId(Path dir) throws Exception {
    Map<String, Path> out = new HashMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(p, StandardCharsets.ISO_8859_1).replace("\\t", "\t");
        Matcher m = ID.matcher(text.replace("\\n", "\n").replace("\r\n", "\n"));
        if (m.find()) {
          out.put(m.group(1), p);
        }
      }
    }
    return out;
  }

  @Test
  void everyMessageArrivesWholeInAMaildirAtASevenBitSinkAndAtAStrictServer() throws Exception {
    long started = System.nanoTime();
    List<Path> originals = corpus(tmp.resolve("corpus"));
    int sinkPort = Peers.freePort();
    Path sink = peers.smtpSink("127.0.0.1", sinkPort, "-8");
    int strictPort = Peers.freePort();
    Path strict = peers.aiosmtpd(strictPort);
    Path legacyRoute = tmp.resolve("legacy.route");
    Files.writeString(
        legacyRoute,
        "mail_host = 127.0.0.1:" + sinkPort + "\nallowed_recipients = \"*@legacy.example\"\n");
    Path strictRoute = tmp.resolve("strict.route");
    Files.writeString(
        strictRoute,
        "mail_host = 127.0.0.1:" + strictPort + "\nallowed_recipients = \"*@strict.example\"\n");
    Sandbox box =
        new Sandbox(
            tmp.resolve("box"),
            "maildir_users = md\nquery_routes.legacy = \""
                + legacyRoute
                + "\"\nquery_routes.strict = \""
                + strictRoute
                + "\"\n");
    // masq-smtpd refuses a line over 1000 octets, as a strict server does: such messages, and
    // one with bare CRs (which masq-smtpd refuses too), come in by masq-inject
    List<Path> bySmtp = new ArrayList<>();
    List<Path> byInject = new ArrayList<>();
    for (Path p : originals) {
      (hasLongLine(p) ? byInject : bySmtp).add(p);
    }
    assertTrue(byInject.size() >= 2, "the corpus has messages with long lines: " + byInject);
    byInject.add(
        Files.write(
            tmp.resolve("corpus").resolve("masq-bare-cr.txt"),
            ("From  : John Doe <jdoe@machine.example>\nSubject : bare CRs\n\n"
                    + "one\rtwo\r.\r\nQUIT\r\r\n.\rthree\n")
                .getBytes(StandardCharsets.ISO_8859_1)));
    Map<String, Path> original = new HashMap<>();
    Matcher queued =
        Pattern.compile("(?m)^250 2\\.0\\.0 OK id=(\\S+)\r?$")
            .matcher(box.run(session(bySmtp), "masq-smtpd").expect(0).out());
    for (Path p : bySmtp) {
      assertTrue(queued.find(), "not accepted by masq-smtpd: " + p.getFileName());
      original.put(queued.group(1), p);
    }
    for (Path p : byInject) {
      List<String> before = box.queuedIds();
      box.run(
              Files.readAllBytes(p),
              "masq-inject",
              "-odq",
              "-i",
              "-f",
              "joe",
              "md@test.example",
              "bob@legacy.example",
              "carl@strict.example")
          .expect(0);
      List<String> now = new ArrayList<>(box.queuedIds());
      now.removeAll(before);
      assertEquals(1, now.size());
      original.put(now.get(0), p);
    }
    List<String> ids = box.queuedIds();
    assertEquals(original.keySet().stream().sorted().toList(), ids);
    box.run("", "masq-deliver", "--route", "legacy").expect(0);
    box.run("", "masq-deliver", "--route", "strict").expect(0);

    Map<String, Path> maildir = byId(box.mailDir.resolve("md"));
    // smtp-sink may write its last dump after its reply
    Map<String, Path> sunk =
        Await.until("every message at smtp-sink", () -> byId(sink), m -> m.size() >= ids.size());
    Map<String, Path> wire = byId(strict);
    StringBuilder pairs = new StringBuilder();
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      Path orig = original.get(id);
      for (var e :
          List.of(
              Map.entry("maildir", maildir), Map.entry("sink", sunk), Map.entry("wire", wire))) {
        Path copy = e.getValue().get(id);
        if (copy == null) {
          missing.add(e.getKey() + " " + orig.getFileName());
        } else {
          pairs.append(e.getKey()).append('\t').append(orig).append('\t').append(copy).append('\n');
        }
      }
    }
    // its boundary has 7,000 characters (RFC 2046 allows 70): its delimiter lines cannot be
    // changed, and the strict server refuses them; the bounce says so
    assertEquals(List.of("wire mime4j-testmsgs-very-very-long-boundary.msg"), missing, box.log());
    assertTrue(box.log().contains(" ** carl@strict.example route=strict"), box.log());
    assertTrue(box.log().contains("500 Line too long"), box.log());
    Path list = Files.writeString(tmp.resolve("pairs.tsv"), pairs);
    Path script = tmp.resolve("corpuscheck.py");
    try (var in = RealMailTest.class.getResourceAsStream("corpuscheck.py")) {
      Files.copy(in, script);
    }
    Sandbox.Run r =
        Sandbox.exec(
            List.of("/usr/bin/python3", script.toString(), list.toString()), null, Map.of());
    assertEquals("CHECKED " + (3 * ids.size() - missing.size()) + "\n", r.out(), r.stderr());
    assertEquals(0, r.exit());
    // the header sections that a line that is no header cut short are told in the log
    assertTrue(box.log().contains(" header section cut short: line "), box.log());
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    assertTrue(seconds < 120, "took " + seconds + " s");
  }
}
