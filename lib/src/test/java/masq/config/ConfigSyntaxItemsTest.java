package masq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import masq.MasqException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Line numbers after comment lines, and list items that say where they were written. */
class ConfigSyntaxItemsTest {
  @Test
  void commentLinesCount() throws Exception {
    List<Setting> s =
        ConfigSyntax.parse(
            "# one\n# two\na = 1\n\n# five\nb = \"x\ny\"\nc = 3\n", Path.of("/x.conf"));
    assertEquals(List.of(3, 6, 8), s.stream().map(Setting::line).toList());
    MasqException e =
        assertThrows(
            MasqException.class,
            () -> ConfigSyntax.parse("# comment\nbroken line\n", Path.of("/x.conf")));
    assertEquals("/x.conf:2: syntax error: expected '=' after 'broken'", e.getMessage());
  }

  @Test
  void itemsNameTheirFileAndLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("list");
    Files.writeString(f, "one\n# skip\n\ntwo\n");
    Setting s = new Setting("l", "a; " + f + " ;b", Path.of("/x.conf"), 7);
    assertEquals(
        List.of(
            new ConfigSyntax.ListItem("a", "/x.conf:7"),
            new ConfigSyntax.ListItem("one", f + ":1"),
            new ConfigSyntax.ListItem("two", f + ":4"),
            new ConfigSyntax.ListItem("b", "/x.conf:7")),
        ConfigSyntax.items(s));
    assertEquals(List.of("a", "one", "two", "b"), ConfigSyntax.list(s));
  }
}
