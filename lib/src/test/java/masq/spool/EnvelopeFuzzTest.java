package masq.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import masq.fuzz.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * The envelope reader on damaged envelopes (a disk fault, a hand edit, an older or newer masq):
 * read, or refused as corrupt (check moves it to corrupt/); what it reads writes and reads back the
 * same.
 */
class EnvelopeFuzzTest {
  private static String envelope(Random r) {
    int n = 1 + r.nextInt(3);
    String[] rcpts = new String[n];
    for (int i = 0; i < n; i++) {
      rcpts[i] = Fuzz.pick(r, List.of("a@b.example", "\"q d\"@x.example", "j\u00f6rg@x", "|cmd"));
    }
    String text =
        new String(
            SpoolTest.envelope("Vc1Qf2b-00y8-00", 1000, rcpts).encode(), StandardCharsets.UTF_8);
    return Fuzz.mutate(r, text);
  }

  /**
   * Found by the property below: a NUL in {@code ident} was read as it was but written as a space,
   * so a rewrite changed the envelope; a control character in a recipient line was kept.
   */
  @Test
  void aControlCharacterIsCleanedInAFieldAndRefusedInARecipientLine() throws Exception {
    String good =
        new String(
            SpoolTest.envelope("Vc1Qf2b-00y8-00", 1000, "a@b.example").encode(),
            StandardCharsets.UTF_8);
    Envelope e =
        SpoolLayout.decode(
            "Vc1Qf2b-00y8-00",
            good.replace("ident\tjoe", "ident\tjo\0e").getBytes(StandardCharsets.UTF_8));
    assertEquals("jo e", e.ident());
    org.junit.jupiter.api.Assertions.assertThrows(
        CorruptEntryException.class,
        () ->
            SpoolLayout.decode(
                "Vc1Qf2b-00y8-00",
                good.replace("<a@b.example>", "<a\0@b.example>").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aDamagedEnvelopeIsRefusedOrReadsBackAsItself() {
    Fuzz.forAll(
        "envelope: refused as corrupt, or reads back as itself",
        EnvelopeFuzzTest::envelope,
        t -> {
          Envelope e;
          try {
            e = SpoolLayout.decode("Vc1Qf2b-00y8-00", t.getBytes(StandardCharsets.UTF_8));
          } catch (CorruptEntryException refused) {
            return;
          }
          assertEquals(e, SpoolLayout.decode(e.id(), e.encode()));
        });
  }
}
