package masq.deliver.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageCopyTest {
  private static String quote(String in, int chunk) throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    MessageCopy.FromQuoter q = new MessageCopy.FromQuoter(sink);
    byte[] b = in.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i += chunk) {
      q.write(b, i, Math.min(chunk, b.length - i));
    }
    q.flush();
    return sink.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theMboxFromLineIsWrittenAsCtimeWritesTheDate() {
    java.time.ZoneId utc = java.time.ZoneOffset.UTC;
    assertEquals(
        "From a_b@c Wed Jun 30 21:49:08 1993\n",
        MessageCopy.fromLine("a b@c", java.time.Instant.parse("1993-06-30T21:49:08Z"), utc));
    assertEquals(
        "From MAILER-DAEMON Sat Jan  2 03:04:05 2027\n",
        MessageCopy.fromLine("", java.time.Instant.parse("2027-01-02T03:04:05Z"), utc));
    assertEquals(
        "From x@y Sat Jan  2 05:04:05 2027\n",
        MessageCopy.fromLine(
            "x@y", java.time.Instant.parse("2027-01-02T03:04:05Z"), java.time.ZoneId.of("+02:00")));
  }

  @Test
  void quotesFromLinesWhateverTheChunking() throws Exception {
    String in = "From a\nx From b\nFrom\nFro\n>From c\nFromage\nFrom ";
    String want = ">From a\nx From b\nFrom\nFro\n>From c\nFromage\n>From ";
    for (int chunk : new int[] {1, 2, 3, 5, 7, 1000}) {
      assertEquals(want, quote(in, chunk), "chunk " + chunk);
    }
  }
}
