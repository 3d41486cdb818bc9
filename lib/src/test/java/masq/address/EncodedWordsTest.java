package masq.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.junit.jupiter.api.Test;

/** RFC 2047 encoded words: at most 75 characters, whole characters in each, decoding back. */
class EncodedWordsTest {
  /** Checks every word of {@code encoded} and that the words decode to {@code text}. */
  private static void check(String text, String encoded) {
    StringBuilder one = new StringBuilder();
    for (String w : encoded.split(" ", -1)) {
      assertTrue(w.length() <= 75, "word longer than 75: " + w);
      assertTrue(w.startsWith("=?UTF-8?B?") || w.startsWith("=?UTF-8?Q?"), w);
      // each word alone is whole UTF-8: decoded one by one, the words give the text back
      one.append(DecoderUtil.decodeEncodedWords(w, DecodeMonitor.STRICT));
    }
    assertEquals(text, one.toString(), "a character split between words: " + encoded);
    assertEquals(text, DecoderUtil.decodeEncodedWords(encoded, DecodeMonitor.STRICT));
  }

  @Test
  void aLongJapaneseAndEmojiNameIsSplitBetweenCharacters() {
    String name = ("日本語の名前😀テスト" + "🎉👍").repeat(20).substring(0, 200);
    if (Character.isHighSurrogate(name.charAt(199))) {
      name = name.substring(0, 199);
    }
    check(name, EncodedWords.encode(name, true));
    check(name, EncodedWords.encode(name, false));
  }

  @Test
  void mostlyAsciiTextUsesQAndStillSplitsBetweenSurrogates() {
    String text = "Jürgen Smith-Jones and Associates, ".repeat(6) + "😀 Ltd.";
    String phrase = EncodedWords.encode(text, true);
    assertTrue(phrase.startsWith("=?UTF-8?Q?"), phrase);
    check(text, phrase);
    // in a phrase the Q encoding leaves no special unencoded
    for (String w : phrase.split(" ", -1)) {
      String payload = w.substring(10, w.length() - 2);
      assertTrue(
          payload.chars().allMatch(c -> Character.isLetterOrDigit(c) || "=_!*+-/".indexOf(c) >= 0),
          w);
    }
  }

  @Test
  void randomTextsAlwaysDecodeBack() {
    Random r = new Random(13);
    int[] pool = {'a', ' ', '"', '=', '?', '_', 0xe4, 0x3042, 0x1F600, 0x1F468, 0x200D, 0x301};
    for (int n = 0; n < 300; n++) {
      StringBuilder sb = new StringBuilder();
      int len = 1 + r.nextInt(120);
      for (int i = 0; i < len; i++) {
        sb.appendCodePoint(pool[r.nextInt(pool.length)]);
      }
      String t = sb.toString();
      check(t, EncodedWords.encode(t, r.nextBoolean()));
    }
  }
}
