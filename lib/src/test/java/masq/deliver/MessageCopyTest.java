package masq.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
  void quotesFromLinesWhateverTheChunking() throws Exception {
    String in = "From a\nx From b\nFrom\nFro\n>From c\nFromage\nFrom ";
    String want = ">From a\nx From b\nFrom\nFro\n>From c\nFromage\n>From ";
    for (int chunk : new int[] {1, 2, 3, 5, 7, 1000}) {
      assertEquals(want, quote(in, chunk), "chunk " + chunk);
    }
  }

  @Test
  void variablesExpandAndUnknownOnesAreErrors() throws Exception {
    Map<String, String> v = Map.of("rcpt_local", "bob", "host_name", "h");
    assertEquals("/m/bob/ h $ $", Variables.expand("/m/${rcpt_local}/ $host_name $$ $", v));
    assertEquals("a-h.", Variables.expand("a-$host_name.", v));
    assertThrows(Variables.UnknownVariable.class, () -> Variables.expand("${nope}", v));
  }
}
