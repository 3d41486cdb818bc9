package masq.deliver.notice;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import masq.MasqException;
import masq.fuzz.Fuzz;
import masq.message.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A notice template as a user may write it (errmsg_file, warnmsg_file), mutated from the built-in
 * ones: refused with masq's configuration error, or its header fields are well formed (a name, a
 * colon, one line each with a line end) whatever the variables hold, so that no variable adds a
 * field.
 */
class TemplateFuzzTest {
  @TempDir Path dir;

  private static final Pattern FIELD = Pattern.compile("[!-9;-~]+:[^\r\n]*\n");

  private static final List<String> VALUES =
      List.of("h.example", "a\nBcc: x@evil.example", "=?utf-8?q?x?=", "\u00e9\r\n", "", "${uid}");

  private static List<String> seeds() throws Exception {
    List<String> out = new ArrayList<>();
    for (String r : List.of("failmsg.tpl", "warnmsg.tpl", "successmsg.tpl")) {
      try (InputStream in = Template.class.getResourceAsStream(r)) {
        out.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Test
  void aTemplateIsRefusedOrItsFieldsAreWellFormed() throws Exception {
    List<String> seeds = seeds();
    Path file = dir.resolve("fail.tpl");
    Fuzz.forAll(
        "template: refused, or well-formed fields whatever the variables",
        r -> Fuzz.mutate(r, Fuzz.pick(r, seeds)),
        t -> {
          Files.write(file, t.getBytes(StandardCharsets.UTF_8)); // a lone surrogate: "?"
          Template tpl;
          try {
            tpl = Template.load(file, "failmsg.tpl", Template.EXTRA);
          } catch (MasqException refused) {
            return;
          }
          Random r = new Random(t.hashCode());
          Map<String, String> vars =
              Map.of(
                  "host_name", Fuzz.pick(r, VALUES),
                  "package", Fuzz.pick(r, VALUES),
                  "version", Fuzz.pick(r, VALUES),
                  "uid", Fuzz.pick(r, VALUES),
                  "err_msg", Fuzz.pick(r, VALUES),
                  "failed_rcpts", Fuzz.pick(r, VALUES));
          List<Header> hs;
          try {
            hs = tpl.headers(vars);
          } catch (MasqException refused) {
            return;
          }
          for (Header h : hs) {
            assertTrue(FIELD.matcher(h.raw()).matches(), Fuzz.show(h.raw()));
          }
        });
  }
}
