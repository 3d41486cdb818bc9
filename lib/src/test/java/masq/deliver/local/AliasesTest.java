package masq.deliver.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import masq.Exit;
import masq.MasqException;
import masq.address.Address;
import masq.route.Locality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AliasesTest {
  @TempDir Path dir;
  private final Locality loc =
      new Locality(List.of("localhost", "h"), List.of(), List.of(), false, "h");

  private Aliases load(String text) throws Exception {
    Path f = dir.resolve("aliases");
    Files.writeString(f, text);
    return Aliases.load(f, null, false);
  }

  private List<String> keys(Aliases a, String local) {
    Aliases.Expansion x = a.expand(new Address(local, "h"), loc, "h");
    assertNull(x.error(), () -> "unexpected failure: " + x.error());
    return x.leaves().stream().map(Aliases.Leaf::key).toList();
  }

  @Test
  void expandsListsPipesFilesIncludesAndFinalNames() throws Exception {
    Files.writeString(dir.resolve("members"), "# the team\ncarol\ndave@other.org, \\root\n");
    Aliases a =
        load(
            """
            # comment
            staff: bob, "|/usr/bin/logger -t a,b", /var/log/staff.mbox,
              :include:members
            bob: \\bob, bob@remote.example
            Postmaster: root
            """);
    assertEquals(
        List.of(
            "bob@h",
            "bob@remote.example",
            "|/usr/bin/logger -t a,b",
            "/var/log/staff.mbox",
            "carol@h",
            "dave@other.org",
            "root@h"),
        keys(a, "staff"));
    assertEquals(List.of("root@h"), keys(a, "POSTMASTER"), "postmaster is always caseless");
    assertEquals(List.of("nobody@h"), keys(a, "nobody"), "no alias: the address itself");
    assertEquals(List.of("Staff@h"), keys(a, "Staff"), "case-sensitive without caseless_matching");
  }

  @Test
  void loopsFailTheWholeRecipient() throws Exception {
    Aliases a = load("a: b, ok\nb: c\nc: a\nself: self\n");
    Aliases.Expansion x = a.expand(new Address("a", "h"), loc, "h");
    assertTrue(x.error().contains("loop detected"), x.error());
    assertTrue(x.leaves().isEmpty());
    assertTrue(a.expand(new Address("self", "h"), loc, "h").error().contains("loop"));
  }

  @Test
  void badItemsAndMissingIncludesFail() throws Exception {
    Aliases a = load("x: <broken\ny: :include:nothere\n");
    assertTrue(a.expand(new Address("x", "h"), loc, "h").error().contains("aliases:1"));
    assertTrue(a.expand(new Address("y", "h"), loc, "h").error().contains("include"));
  }

  @Test
  void syntaxErrorsNameFileAndLine() {
    MasqException e = assertThrows(MasqException.class, () -> load("ok: a\n\nno colon here\n"));
    assertEquals(Exit.CONFIG, e.exitCode());
    assertTrue(e.getMessage().contains("aliases:3: syntax error"), e.getMessage());
    e = assertThrows(MasqException.class, () -> load("q: \"unterminated\n"));
    assertTrue(e.getMessage().contains("aliases:1"), e.getMessage());
    e = assertThrows(MasqException.class, () -> load("  leading: continuation\n"));
    assertTrue(e.getMessage().contains("aliases:1"), e.getMessage());
  }

  @Test
  void globaliasMatchesWholeAddressesFirst() throws Exception {
    Path g = dir.resolve("glob");
    Files.writeString(g, "*@localhost: catchall\n");
    Path f = dir.resolve("aliases");
    Files.writeString(f, "bob: robert\n");
    Aliases a = Aliases.load(f, g, false);
    assertEquals(
        List.of("catchall@h"),
        a.expand(new Address("bob", "localhost"), loc, "h").leaves().stream()
            .map(Aliases.Leaf::key)
            .toList());
    assertEquals(List.of("robert@h"), keys(a, "bob"));
  }
}
