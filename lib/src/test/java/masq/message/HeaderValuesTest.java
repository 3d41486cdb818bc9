package masq.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.junit.jupiter.api.Test;

/** The header text masq writes: folding, the 998-octet limit, display names, unstructured text. */
class HeaderValuesTest {
  /** Each physical line of a raw field (one char per octet), checked against the limits. */
  private static String[] lines(String raw) {
    assertTrue(raw.endsWith("\n"), raw);
    String[] ls = raw.substring(0, raw.length() - 1).split("\n", -1);
    for (int i = 0; i < ls.length; i++) {
      assertTrue(ls[i].length() <= HeaderValues.HARD_LIMIT, "line " + i + " too long: " + raw);
      assertFalse(ls[i].contains("\r"), raw);
      if (i > 0) {
        assertTrue(ls[i].startsWith(" ") || ls[i].startsWith("\t"), "a continuation: " + raw);
      }
    }
    return ls;
  }

  private static String unfold(String raw) {
    return raw.substring(0, raw.length() - 1).replace("\n", "");
  }

  @Test
  void shortValuesStayOnOneLine() {
    assertEquals("Subject: hi there\n", Header.of("Subject", "hi there").raw());
    assertEquals("X-Empty: \n", Header.of("X-Empty", "").raw());
  }

  @Test
  void longValuesFoldAtWhiteSpaceWithin78AndUnfoldBackToTheSameText() {
    StringBuilder v = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      v.append("word").append(i).append(i % 7 == 0 ? "\t" : " ");
    }
    String value = v.toString().strip();
    String raw = Header.of("X-Long", value).raw();
    for (String l : lines(raw)) {
      assertTrue(l.length() <= 78, l);
    }
    assertEquals("X-Long: " + value, unfold(raw));
  }

  @Test
  void aFoldInTheValueIsKept() {
    assertEquals(
        "Received: from a\n\tby b; date\n", Header.of("Received", "from a\n\tby b; date").raw());
  }

  @Test
  void lineBreaksAndControlCharactersCannotStartAField() {
    String raw = Header.of("Subject", "one\r\nBcc: victim@x\nTwo\u0007three\rfour").raw();
    String[] ls = lines(raw);
    assertEquals(1, ls.length, raw);
    assertEquals("Subject: one  Bcc: victim@x Two three four\n", raw);
  }

  @Test
  void aWordTooLongForAnyLineIsCutBetweenCharactersToStayWithin998Octets() {
    String word = "ä".repeat(1200); // 2400 octets, no white space
    String raw = Header.of("Message-ID", "<" + word + "@x>").raw();
    String[] ls = lines(raw);
    assertEquals(1, ls.length);
    assertEquals(HeaderValues.HARD_LIMIT - 1, ls[0].length(), "cut before a split ä");
    String decoded = new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    assertFalse(decoded.contains("\uFFFD"), "no broken UTF-8 sequence");
  }

  @Test
  void aRenamedUserFieldIsFoldedOnlyWhereItWouldPass998() {
    String user = "X-Orig-Envelope-To: " + "a@b.example ".repeat(90).strip() + "\n";
    String out = HeaderValues.refold(user);
    lines(out);
    assertEquals(unfold(user), unfold(out), "only line breaks added");
    String noSpace = "X-Orig-Envelope-To: " + "x".repeat(1200) + "\n";
    assertEquals(noSpace, HeaderValues.refold(noSpace), "the user's text as written");
    String folded = "X-Orig-Envelope-To: a\n\tb\n";
    assertEquals(folded, HeaderValues.refold(folded));
  }

  @Test
  void asciiDisplayNamesAreQuotedAsMasqmailWritesThem() {
    assertEquals("\"John Smith\"", HeaderValues.displayName("John Smith"));
    assertEquals("\"Doe, John (IT) <x>\"", HeaderValues.displayName("Doe, John (IT) <x>"));
    assertEquals("\"a \\\"b\\\" \\\\ c\"", HeaderValues.displayName("a \"b\" \\ c"));
    assertEquals("\"a  b\"", HeaderValues.displayName("a\r\nb"));
    assertEquals("", HeaderValues.displayName(" \r\n "));
  }

  @Test
  void nonAsciiOrUnfoldableNamesBecomeEncodedWordsThatDecodeBack() {
    for (String name :
        new String[] {"Jörg Müller", "x".repeat(200), "山田 太郎", "a\"b\\c, d <e> 😀"}) {
      String phrase = HeaderValues.displayName(name);
      assertTrue(phrase.startsWith("=?UTF-8?"), phrase);
      assertEquals(name, DecoderUtil.decodeEncodedWords(phrase, DecodeMonitor.STRICT));
      for (String w : phrase.split(" ", -1)) {
        assertTrue(w.length() <= 75, w); // RFC 2047 section 2
      }
    }
  }

  @Test
  void unstructuredTextIsKeptWhenPlainAndEncodedWhenNot() {
    assertEquals("Mail delivery failed", HeaderValues.text("Mail delivery failed"));
    assertEquals("=?UTF-8?B?x?= stays", HeaderValues.text("=?UTF-8?B?x?= stays"));
    String s = HeaderValues.text("Zustellung fehlgeschlagen: Grüße");
    assertTrue(s.startsWith("=?UTF-8?Q?"), s);
    assertEquals(
        "Zustellung fehlgeschlagen: Grüße",
        DecoderUtil.decodeEncodedWords(s, DecodeMonitor.STRICT));
  }

  @Test
  void templateAddressFieldsGetTheirNameEncoded() {
    assertEquals("Postmaster <pm@x>", HeaderValues.nameAddr("Postmaster <pm@x>"));
    String v = HeaderValues.nameAddr("\"Zustelldienst Müller\" <pm@x>");
    assertTrue(v.startsWith("=?UTF-8?") && v.endsWith(" <pm@x>"), v);
    assertEquals(
        "Zustelldienst Müller",
        DecoderUtil.decodeEncodedWords(v.substring(0, v.indexOf(" <")), DecodeMonitor.STRICT));
  }
}
