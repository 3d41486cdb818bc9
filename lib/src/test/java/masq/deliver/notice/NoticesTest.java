package masq.deliver.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import masq.accept.Submission;
import masq.address.Address;
import masq.config.Config;
import masq.log.MailLog;
import masq.spool.Envelope;
import masq.spool.MessageLock;
import masq.spool.Spool;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notices masq writes (RFC 3464 over RFC 2045-2047): the returned part's transfer encoding and
 * the 8BITMIME mark, the delivery-status fields kept well-formed whatever a server said, template
 * fields encoded and unable to add a field.
 */
class NoticesTest {
  @TempDir Path dir;
  private Config cfg;
  private Spool spool;
  private MailLog log;

  /** A spool and log under the test's directory; {@code extra} is added to masq.conf. */
  private void setUp(String extra) throws Exception {
    String conf =
        String.join(
            "\n",
            "host_name = h.example",
            "run_as_user = true",
            "spool_dir = \"" + dir.resolve("spool") + "\"",
            "log_dir = \"" + dir.resolve("log") + "\"",
            extra);
    cfg = Config.parse(conf, dir.resolve("masq.conf"), Map.of(), true);
    spool = Spool.open(cfg.dirs().spoolDir(), Clock.systemUTC(), 4242);
    log = new MailLog(cfg.log().logDir(), Clock.systemUTC(), ZoneOffset.UTC, 4242);
  }

  private Envelope submit(String message) throws Exception {
    Submission.Request req =
        Submission.Request.local(
            new Address("alice", "far.example"), List.of(new Address("bob", "h.example")), "t", 1);
    return Submission.accept(
        new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), req, cfg, spool, log);
  }

  /** Sends a bounce about {@code env} with {@code reason}; returns the notice's envelope. */
  private Envelope bounce(Envelope env, String status, String reason) throws Exception {
    Notices n = new Notices(cfg, spool, log, ZoneId.systemDefault(), 1);
    String id;
    try (MessageLock lock = spool.lock(env.id())) {
      id =
          n.send(
              lock,
              env,
              List.of(new Notices.RecipientNote("bob@h.example", "", status, reason, 1)),
              true);
    }
    return spool.read(id);
  }

  private String text(Envelope e) throws Exception {
    try (InputStream in = spool.openMessage(e.id())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Every line within 998 octets and no CR; returns the lines. */
  private static List<String> lines(String message) {
    List<String> ls = List.of(message.split("\n", -1));
    for (String l : ls) {
      assertTrue(l.getBytes(StandardCharsets.UTF_8).length <= 998, "line over 998 octets: " + l);
      assertFalse(l.contains("\r"), l);
    }
    return ls;
  }

  private static String part(String message, String contentType) {
    int at = message.indexOf("\nContent-Type: " + contentType);
    assertTrue(at > 0, contentType + " in " + message);
    return message.substring(at + 1, message.indexOf("\n\n", at) + 1);
  }

  @Test
  void anEightBitOriginalIsReturnedAs8bitAndTheBounceIsMarked8bitmime() throws Exception {
    setUp("");
    Envelope orig = submit("Subject: Grüße\n\nvoilà, 8-bit\n");
    assertTrue(orig.eightBit(), "an accepted 8-bit message is marked");
    Envelope notice = bounce(orig, "5.1.1", "unknown user bob");
    assertTrue(notice.eightBit(), "the bounce carries 8-bit data: sent with BODY=8BITMIME");
    String m = text(notice);
    lines(m);
    assertTrue(
        part(m, "message/rfc822").contains("Content-Transfer-Encoding: 8bit\n"),
        "the returned message is 8bit: " + m);
    String top = m.substring(0, m.indexOf("\n\n"));
    assertTrue(top.contains("\nContent-Transfer-Encoding: 8bit\n"), "a multipart of 8bit: " + top);
    assertTrue(m.endsWith("voilà, 8-bit\n\n--" + boundary(m) + "--\n"), m);
  }

  @Test
  void aSevenBitOriginalIsReturnedAs7bitAndTheBounceIsNotMarked() throws Exception {
    setUp("");
    Envelope orig = submit("Subject: plain\n\nascii only\n");
    assertFalse(orig.eightBit());
    Envelope notice = bounce(orig, "5.1.1", "unknown user bob");
    assertFalse(notice.eightBit(), text(notice));
    String m = text(notice);
    assertTrue(part(m, "message/rfc822").contains("Content-Transfer-Encoding: 7bit\n"), m);
    assertTrue(part(m, "text/plain").contains("charset=us-ascii"), m);
    assertTrue(
        m.contains("Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\""),
        m);
    assertFalse(m.substring(0, m.indexOf("\n\n")).contains("Content-Transfer-Encoding"), m);
  }

  private static String boundary(String m) {
    int b = m.indexOf("boundary=\"") + 10;
    return m.substring(b, m.indexOf('"', b));
  }

  @Test
  void aHostileServerReplyIsFoldedCleanedAndCannotAddAField() throws Exception {
    setUp("");
    Envelope orig = submit("Subject: s\n\nb\n");
    String reason =
        "550 5.7.1 rejected \r\nX-Injected: yes\r\n"
            + "blah ".repeat(300)
            + "\u001b[31m"
            + "z".repeat(1500)
            + " Grüße";
    String m = text(bounce(orig, "5.7.1", reason));
    List<String> ls = lines(m);
    for (String l : ls) {
      assertFalse(l.startsWith("X-Injected"), "an injected field: " + m);
      assertFalse(l.contains("\u001b"), l);
    }
    String status = part(m, "message/delivery-status");
    String ds = m.substring(m.indexOf(status) + status.length() + 1);
    ds = ds.substring(0, ds.indexOf("\n--"));
    assertTrue(ds.startsWith("Reporting-MTA: dns; h.example\n"), ds);
    assertTrue(ds.contains("\nFinal-Recipient: rfc822; bob@h.example\nAction: failed\n"), ds);
    assertTrue(ds.contains("\nStatus: 5.7.1\n"), ds);
    assertTrue(ds.contains("\nDiagnostic-Code: smtp; 550 5.7.1 rejected   X-Injected: yes"), ds);
    assertTrue(ds.matches("(?s).*\nArrival-Date: [A-Z][a-z]{2}, \\d\\d [A-Z][a-z]{2} .*"), ds);
    assertTrue(
        ds.contains(" " + "z".repeat(70) + "\n " + "z".repeat(70)), "broken, not cut: " + ds);
    // counted in the Diagnostic-Code field only: a queue ID may hold a z too
    String diag = ds.substring(ds.indexOf("\nDiagnostic-Code:") + 1).split("\n(?=[^ \t])", 2)[0];
    assertEquals(
        1500, diag.length() - diag.replace("z", "").length(), "every z of the reply: " + ds);
    for (String l : ds.split("\n", -1)) {
      assertTrue(l.length() <= 78, "folded: " + l);
      assertTrue(
          l.isEmpty() || l.startsWith(" ") || l.startsWith("\t") || l.matches("[A-Za-z-]+: .*"),
          "a field or its continuation: " + l);
      assertTrue(l.chars().allMatch(c -> (c >= 0x20 && c < 0x7f) || c == '\t'), "ASCII: " + l);
    }
  }

  @Test
  void templateFieldsAreEncodedAndAVariableCannotAddAField() throws Exception {
    Path tpl = dir.resolve("fail.tpl");
    Files.writeString(
        tpl,
        """
        From: Zustelldienst Müller <MAILER-DAEMON@${host_name}>
        Subject: Unzustellbar: ${err_msg}
        X-Note: ok
        To: someone@else

        Nicht zugestellt.
        @failed_rcpts
        @msg_headers
        """);
    setUp("errmsg_file = \"" + tpl + "\"\n");
    Envelope orig = submit("Subject: s\n\nb\n");
    Envelope notice = bounce(orig, "5.0.0", "Größe\nBcc: victim@evil.example");
    String m = text(notice);
    lines(m);
    String head = m.substring(0, m.indexOf("\n\n") + 1);
    assertFalse(head.contains("\nBcc:"), head);
    assertFalse(head.contains("someone@else"), "masq addresses the notice: " + head);
    assertTrue(head.contains("\nX-Note: ok\n"), head);
    String subject = field(head, "Subject");
    assertTrue(subject.startsWith("=?UTF-8?"), subject);
    assertEquals(
        "Unzustellbar: Größe Bcc: victim@evil.example",
        DecoderUtil.decodeEncodedWords(subject, DecodeMonitor.STRICT));
    String from = field(head, "From");
    assertTrue(from.endsWith(" <MAILER-DAEMON@h.example>") && from.startsWith("=?UTF-8?"), from);
    assertTrue(part(m, "text/plain").contains("charset=utf-8"), m);
    assertTrue(part(m, "text/rfc822-headers").contains("Content-Transfer-Encoding: 7bit\n"), m);
  }

  /** The unfolded value of the first {@code name} field in {@code head}. */
  private static String field(String head, String name) {
    int at = head.indexOf("\n" + name + ": ");
    assertTrue(at >= 0, name + " in " + head);
    StringBuilder v = new StringBuilder();
    for (String l : head.substring(at + name.length() + 3).split("\n", -1)) {
      if (v.length() > 0 && !(l.startsWith(" ") || l.startsWith("\t"))) {
        break;
      }
      v.append(l);
    }
    return v.toString();
  }

  @Test
  void aDelayWarningSaysDelayedAndUntilWhenItRetries() throws Exception {
    setUp("");
    Envelope orig = submit("Subject: s\n\nb\n");
    Notices n = new Notices(cfg, spool, log, ZoneId.systemDefault(), 1);
    String id;
    try (MessageLock lock = spool.lock(orig.id())) {
      id =
          n.send(
              lock,
              orig,
              List.of(new Notices.RecipientNote("bob@h.example", "", "4.2.1", "451 4.2.1 busy", 1)),
              false);
    }
    String m = text(spool.read(id));
    lines(m);
    assertTrue(m.contains("\nSubject: Warning: message " + orig.id() + " delayed\n"), m);
    assertTrue(m.contains("\nAction: delayed\nStatus: 4.2.1\n"), m);
    assertTrue(m.contains("\nDiagnostic-Code: smtp; 451 4.2.1 busy\n"), m);
    assertTrue(m.contains("\nWill-Retry-Until: "), m);
    assertTrue(part(m, "text/rfc822-headers").contains("Content-Transfer-Encoding: 7bit\n"), m);
  }

  @Test
  void statusCodesAndDiagnosticTypes() {
    assertEquals("5.1.1", Notices.statusCode("5.1.1", true));
    assertEquals("4.4.7", Notices.statusCode("4.4.7", true));
    assertEquals("5.0.0", Notices.statusCode("550", true));
    assertEquals("4.0.0", Notices.statusCode("4.x.1", false));
    assertEquals("5.0.0", Notices.statusCode(null, true));
    assertTrue(Notices.isSmtpReply("550 5.1.1 no such user"));
    assertTrue(Notices.isSmtpReply("451"));
    assertFalse(Notices.isSmtpReply("unknown user bob"));
    assertFalse(Notices.isSmtpReply("5500 x"));
  }

  @Test
  void longTextLinesAreWrappedWithinTheLimits() {
    String in = "short\n" + "word ".repeat(100) + "\n" + "😀".repeat(700) + "\n";
    String w = Notices.wrap(in, Notices.LONGEST_TEXT_LINE);
    for (String l : w.split("\n", -1)) {
      assertTrue(l.length() <= Notices.LONGEST_TEXT_LINE, l);
      assertTrue(l.getBytes(StandardCharsets.UTF_8).length <= 998, l);
      assertFalse(l.endsWith("\uD83D"), "a split pair: " + l);
    }
    assertTrue(w.startsWith("short\nword word"), w);
    assertEquals(in.replaceAll("\\s", ""), w.replaceAll("\\s", ""), "only white space added");
    String narrow = Notices.wrap("a ".repeat(60).strip(), 70);
    assertTrue(narrow.contains("\n  a a"), narrow);
    assertEquals(
        "a line of 79 characters".repeat(3),
        Notices.wrap("a line of 79 characters".repeat(3), 330));
  }
}
