package masq.tests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import masq.tests.MimeCheck;
import masq.tests.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * Bounces as RFC 3464 delivery status notifications, produced by the real masq-inject and
 * masq-deliver and read back by Python's strict email parser and by mutt: an 8-bit original
 * returned as 8bit (and the bounce marked and sent as 8BITMIME), a hostile server reply folded and
 * cleaned, a template with a non-ASCII Subject encoded.
 */
class DsnTest extends WithPeers {

  /** An alias loop: a local recipient that always fails. */
  private Path loopAliases() throws Exception {
    return Files.writeString(tmp.resolve("aliases"), "loop1: loop2\nloop2: loop1\n");
  }

  /** The queued notice (the message with the null sender). */
  private static String noticeId(Sandbox box) throws Exception {
    List<String> n = box.noticeIds();
    if (n.isEmpty()) {
      throw new AssertionError("no notice queued: " + box.queuedIds() + "; log: " + box.log());
    }
    return n.get(0);
  }

  @Test
  void theBounceOfAnEightBitMessageReturnsIt8bitAndGoesOutAs8bitmime() throws Exception {
    int port = Peers.freePort();
    Path record = peers.aiosmtpd(port);
    Path route =
        Files.writeString(tmp.resolve("isp.route"), "mail_host = 127.0.0.1:" + port + "\n");
    Sandbox box =
        new Sandbox(
            tmp.resolve("box"),
            "alias_file = \"" + loopAliases() + "\"\nquery_routes.isp = \"" + route + "\"\n");
    box.run(
            "Subject: caf\u00e9\nContent-Type: text/plain; charset=utf-8\n"
                    .replace("caf\u00e9", "plain")
                + "Content-Transfer-Encoding: 8bit\n\nvoil\u00e0, d\u00e9j\u00e0 vu\n",
            "masq-inject",
            "-f",
            "alice@far.example",
            "loop1")
        .expect(0);
    String id = noticeId(box);
    assertTrue(
        box.envelope(id).contains("\nbodytype\t8BITMIME\n"),
        "the bounce is marked 8-bit in the spool: " + box.envelope(id));
    Path mbox = MimeCheck.mbox(tmp, box.message(id));
    MimeCheck.Report r = MimeCheck.clean("mbox", mbox);
    assertEquals(
        List.of(
            "multipart/report 8bit",
            "text/plain 7bit",
            "message/delivery-status ",
            "message/rfc822 8bit",
            "text/plain 8bit"),
        r.parts());
    assertTrue(r.statusFields().contains("Action: failed"), r.statusFields().toString());
    assertTrue(
        r.statusFields().contains("Final-Recipient: rfc822; loop1@test.example"),
        r.statusFields().toString());
    assertTrue(r.statusFields().contains("Reporting-MTA: dns; test.example"), r.toString());
    String mutt = MimeCheck.mutt(tmp, mbox);
    assertTrue(mutt.contains("voil\u00e0, d\u00e9j\u00e0 vu"), "mutt shows the original: " + mutt);

    // the bounce leaves with BODY=8BITMIME
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    String json = Files.readString(record.resolve("msg-1.json"));
    assertTrue(json.contains("\"mail_from\": \"<>\""), json);
    assertTrue(json.contains("BODY=8BITMIME"), json);
  }

  @Test
  void aHostileServerReplyIsFoldedAndCleanedInTheBounce() throws Exception {
    int port = Peers.freePort();
    peers.aiosmtpd(port);
    Path route =
        Files.writeString(tmp.resolve("isp.route"), "mail_host = 127.0.0.1:" + port + "\n");
    Sandbox box = new Sandbox(tmp.resolve("box"), "query_routes.isp = \"" + route + "\"\n");
    box.run("Subject: s\n\nhello\n", "masq-inject", "-odq", "-f", "joe", "hostile@far.example")
        .expect(0);
    box.run("", "masq-deliver", "--route", "isp").expect(0);
    Path mbox = box.mailDir.resolve("joe");
    assertTrue(Files.exists(mbox), "the bounce reached joe; log: " + box.log());
    MimeCheck.Report r = MimeCheck.clean("mbox", mbox);
    assertEquals(
        List.of(
            "multipart/report ",
            "text/plain 7bit",
            "message/delivery-status ",
            "message/rfc822 7bit",
            "text/plain "),
        r.parts());
    String diag =
        r.statusFields().stream()
            .filter(f -> f.startsWith("Diagnostic-Code: "))
            .findFirst()
            .orElseThrow(() -> new AssertionError(r.statusFields().toString()));
    // the SMTP client already shows the CR and the escape as '?'; the notice keeps the text
    assertTrue(diag.startsWith("Diagnostic-Code: smtp; 550 5.7.1 refused"), diag);
    assertTrue(diag.contains("X-Injected: yes; blah blah"), diag);
    // the 1,500 z's without a space arrive whole, broken every 70 so the field folds
    assertEquals(1500, diag.length() - diag.replace("z", "").length(), diag);
    assertTrue(diag.contains(" " + "z".repeat(70) + " ") && diag.endsWith("[31mred"), diag);
    assertTrue(r.statusFields().contains("Status: 5.7.1"), r.statusFields().toString());
    assertFalse(r.headers().containsKey("X-Injected"), r.headers().toString());
    String raw = Files.readString(mbox, java.nio.charset.StandardCharsets.ISO_8859_1);
    for (String line : raw.split("\n", -1)) {
      assertFalse(line.startsWith("X-Injected"), "an injected field: " + line);
      assertFalse(line.contains("\r") || line.contains("\u001b"), "a control character: " + line);
    }
    MimeCheck.mutt(tmp, mbox);
  }

  @Test
  void aTemplateWithANonAsciiSubjectAndFromIsEncoded() throws Exception {
    Path tpl =
        Files.writeString(
            tmp.resolve("fail.tpl"),
            """
            From: Zustelldienst M\u00fcller <MAILER-DAEMON@${host_name}>
            Subject: Nicht zustellbar: Gr\u00fc\u00dfe an ${return_path}

            Die Nachricht ${uid} konnte nicht zugestellt werden:

            @failed_rcpts
            @msg_headers
            """);
    Sandbox box =
        new Sandbox(
            tmp.resolve("box"),
            "alias_file = \"" + loopAliases() + "\"\nerrmsg_file = \"" + tpl + "\"\n");
    box.run("Subject: s\n\nhello\n", "masq-inject", "-f", "joe", "loop1").expect(0);
    Path mbox = box.mailDir.resolve("joe");
    assertTrue(Files.exists(mbox), "the bounce reached joe; log: " + box.log());
    String raw = Files.readString(mbox, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(raw.contains("\nSubject: =?UTF-8?"), raw);
    MimeCheck.Report r = MimeCheck.clean("mbox", mbox);
    assertEquals(
        "Nicht zustellbar: Gr\u00fc\u00dfe an joe@test.example", r.headers().get("Subject"));
    assertEquals("Zustelldienst M\u00fcller", r.fromName());
    assertEquals(MimeCheck.HEADERS_ONLY_NOTICE, r.parts());
    String mutt = MimeCheck.mutt(tmp, mbox);
    assertTrue(
        mutt.contains("Subject: Nicht zustellbar: Gr\u00fc\u00dfe an joe@test.example"), mutt);
  }
}
