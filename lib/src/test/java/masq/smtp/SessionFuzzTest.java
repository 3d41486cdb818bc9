package masq.smtp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import masq.fuzz.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * masq-smtpd's session, in-process, on what a client (or an attacker) sends: commands of RFC 5321
 * with the extensions' parameters, then mutated; every reply is well formed (a code, a separator,
 * text, CRLF) and none is the 421 of an internal error.
 */
class SessionFuzzTest {
  private static final Pattern REPLY = Pattern.compile("[2-5]\\d\\d[ -][^\r\n]*\r\n");

  private static final List<String> COMMANDS =
      List.of(
          "EHLO c.example",
          "HELO c.example",
          "MAIL FROM:<a@c.example>",
          "MAIL FROM:<a@c.example> SIZE=100 BODY=8BITMIME",
          "MAIL FROM:<> RET=HDRS ENVID=x+2By SMTPUTF8",
          "MAIL FROM:<j\u00f6rg@c.example> SMTPUTF8",
          "RCPT TO:<b@mx.example>",
          "RCPT TO:<b@mx.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@mx.example",
          "RCPT TO:<postmaster>",
          "RCPT TO:<@r.example:b@mx.example>",
          "DATA",
          "RSET",
          "NOOP",
          "VRFY b",
          "ETRN mx.example",
          "AUTH PLAIN AGIAYw==",
          "STARTTLS",
          "HELP",
          "QUIT");

  private static String session(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + r.nextInt(8);
    for (int i = 0; i < n; i++) {
      String c = Fuzz.pick(r, COMMANDS);
      sb.append(r.nextInt(3) == 0 ? Fuzz.mutate(r, c) : c).append("\r\n");
      if (c.equals("DATA")) {
        sb.append("Subject: x\r\n\r\nbody\r\n.\r\n");
      }
    }
    return r.nextInt(4) == 0 ? Fuzz.mutate(r, sb.toString()) : sb.toString();
  }

  @Test
  void everyReplyIsWellFormedAndNoneAnInternalError() {
    Fuzz.forAll(
        "smtp session: well-formed replies, no internal error",
        SessionFuzzTest::session,
        s -> {
          String got =
              InProcessSessionTest.run(
                  new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
          assertTrue(REPLY.matcher(got).replaceAll("").isEmpty(), "replies: " + Fuzz.show(got));
          assertFalse(got.contains("internal error"), Fuzz.show(got));
        });
  }
}
