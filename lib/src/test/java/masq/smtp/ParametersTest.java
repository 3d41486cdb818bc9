package masq.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ParametersTest {
  /** The reply line the client gets for {@code text}, without its CRLF. */
  private static String mailRefused(String text, long max) {
    return reply(assertThrows(Parameters.Refused.class, () -> Parameters.mail(text, max)));
  }

  private static String rcptRefused(String text) {
    return reply(assertThrows(Parameters.Refused.class, () -> Parameters.rcpt(text)));
  }

  private static String reply(Parameters.Refused e) {
    return e.reply().toString();
  }

  @Test
  void pathAndParametersAreSplit() {
    assertArrayEquals(
        new String[] {"<a@b>", "SIZE=10  BODY=8BITMIME"},
        Parameters.splitPath("<a@b>   SIZE=10  BODY=8BITMIME"));
    assertArrayEquals(new String[] {"<>", ""}, Parameters.splitPath("<>"));
    assertArrayEquals(new String[] {"a@b", "SMTPUTF8"}, Parameters.splitPath("a@b SMTPUTF8"));
    assertArrayEquals(new String[] {"a@b", ""}, Parameters.splitPath("a@b"));
    assertNull(Parameters.splitPath("<a@b"));
    assertNull(Parameters.splitPath(""));
  }

  @Test
  void mailParametersAreRead() throws Parameters.Refused {
    assertEquals(new Parameters(false, "", "", "", ""), Parameters.mail("", 0));
    assertEquals(
        new Parameters(true, "HDRS", "QQ+abc", "", ""),
        Parameters.mail("size=100 BODY=7bit smtputf8 RET=hdrs ENVID=QQ+2Babc", 100));
    assertEquals(new Parameters(false, "", "", "", ""), Parameters.mail("BODY=8BITMIME", 0));
  }

  @Test
  void mailSizeBeyondTheLimitIsRefused() throws Parameters.Refused {
    assertEquals(
        "552 5.3.4 message size 101 exceeds the limit of 100 octets", mailRefused("SIZE=101", 100));
    assertEquals(new Parameters(false, "", "", "", ""), Parameters.mail("SIZE=101", 0));
  }

  @Test
  void malformedOrRepeatedMailParametersAreRefused() {
    assertEquals("501 5.5.4 syntax: RET=FULL or RET=HDRS", mailRefused("RET=ALL", 0));
    assertEquals(
        "501 5.5.4 syntax: ENVID=xtext of printable ASCII, at most 100 characters",
        mailRefused("ENVID=" + "x".repeat(101), 0));
    assertEquals(
        "501 5.5.4 syntax: RET repeated or malformed", mailRefused("RET=FULL RET=HDRS", 0));
    assertEquals("501 5.5.4 syntax: RET repeated or malformed", mailRefused("RET", 0));
    assertEquals(
        "501 5.5.4 syntax: SMTPUTF8 repeated or malformed", mailRefused("SMTPUTF8 SMTPUTF8", 0));
    assertEquals(
        "501 5.5.4 syntax: ENVID repeated or malformed", mailRefused("ENVID=a ENVID=b", 0));
  }

  @Test
  void unknownMailParametersAreUnsupported() {
    assertEquals("555 5.5.4 unsupported MAIL parameter SIZE=ten", mailRefused("SIZE=ten", 0));
    assertEquals(
        "555 5.5.4 unsupported MAIL parameter BODY=BINARYMIME", mailRefused("BODY=BINARYMIME", 0));
    assertEquals(
        "555 5.5.4 unsupported MAIL parameter NOTIFY=NEVER", mailRefused("NOTIFY=NEVER", 0));
    assertEquals("555 5.5.4 unsupported MAIL parameter AUTH=<>", mailRefused("AUTH=<>", 0));
  }

  @Test
  void rcptParametersAreRead() throws Parameters.Refused {
    assertEquals(new Parameters(false, "", "", "", ""), Parameters.rcpt(""));
    Parameters p = Parameters.rcpt("notify=success,delay ORCPT=rfc822;bob@example.org");
    assertEquals("", p.ret());
    assertEquals(new Parameters(false, "", "", p.notifyWhen(), p.orcpt()), p);
    assertEquals("SUCCESS,DELAY", p.notifyWhen());
    assertEquals("rfc822;bob@example.org", p.orcpt());
  }

  @Test
  void malformedRepeatedOrUnknownRcptParametersAreRefused() {
    assertEquals(
        "501 5.5.4 syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY (any of them)",
        rcptRefused("NOTIFY=NEVER,SUCCESS"));
    assertEquals("501 5.5.4 syntax: ORCPT=addr-type;xtext, of UTF-8 bytes", rcptRefused("ORCPT=x"));
    assertEquals(
        "501 5.5.4 syntax: NOTIFY repeated or malformed", rcptRefused("NOTIFY=NEVER NOTIFY=NEVER"));
    assertEquals("501 5.5.4 syntax: ORCPT repeated or malformed", rcptRefused("ORCPT"));
    assertEquals("555 5.5.4 unsupported RCPT parameter RET=FULL", rcptRefused("RET=FULL"));
    assertEquals("555 5.5.4 unsupported RCPT parameter X=\\x01", rcptRefused("X=\u0001"));
  }
}
