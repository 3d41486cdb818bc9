package masq.deliver.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
import masq.message.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A template's header section: which lines are fields, their folds, what is left out. */
class TemplateTest {
  @TempDir Path dir;

  private List<String> fields(String template, Map<String, String> vars) throws Exception {
    Path file = dir.resolve("fail.tpl");
    Files.write(file, template.getBytes(StandardCharsets.UTF_8));
    Template t = Template.load(file, "failmsg.tpl", vars.keySet());
    List<String> raw = new ArrayList<>();
    for (Header h : t.headers(vars)) {
      raw.add(h.raw());
    }
    return raw;
  }

  @Test
  void foldsAreUnfoldedAndLinesThatAreNoFieldsAreLeftOutWithTheirFolds() throws Exception {
    String template =
        """
        From: A <a@${host_name}>
        Subject: one
          two
        not a field
         a fold of no field
        X-Spaced : no field either
         nor its fold
        To: someone@else
        X-Last: ${uid}
        \tfolded
        @msg_headers
        X-After: the directive

        text
        """;
    assertEquals(
        List.of(
            "From: A <a@h.example>\n",
            "Subject: one  two\n",
            "X-Last: 42 folded\n",
            "X-After: the directive\n"),
        fields(template, Map.of("host_name", "h.example", "uid", "42")));
  }

  @Test
  void aVariableCannotAddAFieldNorEndTheSection() throws Exception {
    assertEquals(
        List.of("Subject: a b: c\n", "X-Next: d\n"),
        fields("Subject: ${v}\nX-Next: d\n\ntext\n", Map.of("v", "a\nb: c")));
  }

  @Test
  void carriageReturnsAreWhiteSpaceAndACrlfLineEndsNoSection() throws Exception {
    // a first line with CRLF is no field (so the template is all text), later CRs are white space
    assertEquals(List.of(), fields("Subject: a\r\n\r\ntext\r\n", Map.of()));
    assertEquals(
        List.of("Subject: a b\n", "X-Text: in what would be the text\n"),
        fields("Subject: a\n b\r\n\r\nX-Text: in what would be the text\r\n", Map.of()));
  }

  @Test
  void aTemplateWithoutHeadersHasNone() throws Exception {
    assertEquals(List.of(), fields("just text\nX-No: field\n", Map.of()));
  }

  @Test
  void aNulByteInTheHeaderSectionIsAConfigurationError() {
    MasqException e =
        assertThrows(MasqException.class, () -> fields("Subject: a\0b\n\ntext\n", Map.of()));
    assertEquals(Exit.CONFIG, e.exitCode());
    assertEquals(dir.resolve("fail.tpl") + ": NUL byte in header section", e.getMessage());
  }
}
