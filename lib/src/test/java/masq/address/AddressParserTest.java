package masq.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import masq.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AddressParserTest {
  @Test
  void envelopeForms() throws Exception {
    assertEquals(new Address("joe", "example.com"), AddressParser.parseEnvelope("joe@example.com"));
    assertEquals(
        new Address("joe", "example.com"), AddressParser.parseEnvelope(" <joe@example.com> "));
    assertEquals(new Address("joe", null), AddressParser.parseEnvelope("joe"));
    assertTrue(AddressParser.parseEnvelope("<>").isNull());
    assertTrue(AddressParser.parseEnvelope("").isNull());
    assertEquals(
        new Address("x", "y.org"), AddressParser.parseEnvelope("<@relay.net,@b.net:x@y.org>"));
    assertEquals(
        new Address("\"john doe\"", "ex.com"), AddressParser.parseEnvelope("\"john doe\"@ex.com"));
    assertEquals(new Address("a", "[192.0.2.1]"), AddressParser.parseEnvelope("a@[192.0.2.1]"));
    assertEquals("joe@h.lan", AddressParser.parseEnvelope("joe").qualify("h.lan").toString());
    assertEquals("<>", Address.NULL.qualify("h.lan").bracketed());
  }

  @Test
  void utf8LocalPartsAndDomainsAreReadEverywhere() throws Exception {
    // RFC 6531/6532: UTF-8 in the local part and the domain (U-labels), as SMTPUTF8 carries them
    Address nordic = new Address("j\u00f8ran", "ex.example");
    Address chinese = new Address("\u7528\u6237", "\u4f8b\u5b50.\u5e7f\u544a");
    assertEquals(nordic, AddressParser.parseEnvelope("<j\u00f8ran@ex.example>"));
    assertEquals(chinese, AddressParser.parseEnvelope("\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a"));
    assertEquals(
        List.of(nordic, chinese),
        AddressParser.parseArgument(
            "J\u00f8ran <j\u00f8ran@ex.example>, \u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a"));
    List<Mailbox> l =
        AddressParser.parseList(" \"\u674e\u56db\" <\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a>");
    assertEquals(1, l.size());
    assertEquals(chinese, l.get(0).address());
    assertNull(l.get(0).problem());
    assertFalse(nordic.ascii());
    assertFalse(chinese.ascii());
    assertTrue(new Address("joe", "example.com").ascii());
    assertTrue(new Address("joe", null).ascii());
    assertFalse(new Address("joe", "\u4f8b\u5b50.example").ascii(), "a U-label domain");
  }

  @Test
  void xtextRoundTrips() {
    assertEquals("a+b=c d", Xtext.decode("a+2Bb+3Dc+20d", false));
    assertEquals("a+2Bb+3Dc+20d", Xtext.encode("a+b=c d", false));
    assertNull(Xtext.decode("a=b", false), "= must be encoded");
    assertNull(Xtext.decode("a+2", false), "a cut hex pair");
    assertNull(Xtext.decode("a+2b", false), "hex is upper case");
    assertNull(Xtext.decode("j\u00f8ran", false), "xtext is ASCII");
    assertEquals("j\u00f8ran", Xtext.decode("j\u00f8ran", true), "utf-8-addr-unitext");
    assertEquals("j\u00f8ran@\u4f8b", Xtext.decode("j\\x{F8}ran@\\x{4F8B}", true));
    assertEquals("j\\x{F8}ran@\\x{4F8B}", Xtext.encode("j\u00f8ran@\u4f8b", true));
    assertNull(Xtext.decode("\\x{D800}", true), "a surrogate is no scalar value");
    assertNull(Xtext.decode("\\x{}", true));
  }

  @Test
  void hostileEnvelopeAddressesAreRefusedWithOneLine() {
    for (String bad :
        List.of(
            "a@b>\r\nRCPT TO:<x@y",
            "a b@c",
            "a@b c",
            "<a@b",
            "a@",
            "@b",
            "a@b..c",
            "a\u0000@b",
            "a@b\n",
            "a<b@c",
            "a@[1.2.3.4",
            "\"open@x",
            "x".repeat(300) + "@y")) {
      AddressException e =
          assertThrows(AddressException.class, () -> AddressParser.parseEnvelope(bad), bad);
      assertEquals(Exit.DATAERR, e.exitCode());
      assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
    }
  }

  @Test
  void addressListsKeepPositions() {
    String v = " John Doe <jd@ex.com>, bare@ex.org (comment), \"Q, R\" <q@r>, grp: a@b, c@d;, <>";
    List<Mailbox> ms = AddressParser.parseList(v);
    assertEquals(6, ms.size(), ms.toString());
    assertEquals("jd@ex.com", ms.get(0).address().toString());
    assertTrue(ms.get(0).angle());
    assertEquals("jd@ex.com", v.substring(ms.get(0).start(), ms.get(0).end()));
    assertEquals("bare@ex.org", ms.get(1).address().toString());
    assertFalse(ms.get(1).angle());
    assertEquals("bare@ex.org", v.substring(ms.get(1).start(), ms.get(1).end()));
    assertEquals("q@r", ms.get(2).address().toString());
    assertEquals("a@b", ms.get(3).address().toString());
    assertEquals("c@d", ms.get(4).address().toString());
    assertTrue(ms.get(5).address().isNull());
  }

  @Test
  void unparseableListElementsComeBackWithoutAddress() {
    List<Mailbox> ms = AddressParser.parseList("Display Name Only, ok@x");
    assertEquals(2, ms.size());
    assertNull(ms.get(0).address());
    assertEquals("ok@x", ms.get(1).address().toString());
    assertTrue(AddressParser.parseList("undisclosed-recipients:;").isEmpty());
  }

  @Test
  void globsAreFnmatch() {
    assertTrue(Glob.matches("*", "anything", false));
    assertTrue(Glob.matches("j?hn", "john", false));
    assertTrue(Glob.matches("*.example.com", "a.b.example.com", false));
    assertFalse(Glob.matches("*.example.com", "example.com", false));
    assertTrue(Glob.matches("[a-c]x", "bx", false));
    assertFalse(Glob.matches("[!a-c]x", "bx", false));
    assertTrue(Glob.matches("EXAMPLE.com", "example.COM", true));
    assertFalse(Glob.matches("EXAMPLE.com", "example.COM", false));
    assertTrue(Glob.matches("a\\*", "a*", false));
    assertFalse(Glob.matches("a\\*", "ab", false));
    assertTrue(Glob.matches("*a*b*", "xxaxxbxx", false));
    assertFalse(Glob.matches("a*b", "ab c", false));
  }

  static Stream<Arguments> corpus() {
    return AddressCorpus.CASES.stream().map(c -> Arguments.of(c.id(), c.value(), c.expected()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void readsTheCorpus(String id, String value, String expected) {
    List<Mailbox> ms = AddressParser.parseList(value);
    assertEquals(expected, AddressCorpus.render(ms), id);
    for (Mailbox m : ms) {
      if (m.address() == null) {
        assertNotNull(m.problem(), id);
        continue;
      }
      if (m.address().isNull()) {
        continue;
      }
      // the addr-spec's place in the value reads back as the same address: rewriting relies on it
      List<Mailbox> again = AddressParser.parseList(m.text());
      assertEquals(1, again.size(), id + ": " + m.text());
      assertEquals(m.address(), again.get(0).address(), id + ": " + m.text());
      assertEquals(m.recovered(), m.problem() != null, id);
    }
  }

  @Test
  void recipientArgumentsAreAddressListsAndRefuseControlCharacters() throws Exception {
    assertEquals(List.of(new Address("c", "d")), AddressParser.parseArgument("\"a, b\" <c@d>"));
    assertEquals(
        List.of(new Address("a", "x"), new Address("b", "y")),
        AddressParser.parseArgument("a@x, b@y"));
    assertEquals(List.of(new Address("bob", null)), AddressParser.parseArgument("Bob Smith <bob>"));
    assertEquals(List.of(), AddressParser.parseArgument(" , "));
    for (String bad :
        List.of(
            "Evil\r\nBcc: x <a@b>",
            "Evil\nName <a@b>",
            "Ev\u0001il <a@b>",
            "Tab\tName <a@b>",
            "a@b\u007f",
            "Bob <bob@y.example",
            "\"John <john@lan>",
            "a@x b@y",
            "John Smith john@x",
            "<>",
            "a@x, <>")) {
      AddressException e =
          assertThrows(AddressException.class, () -> AddressParser.parseArgument(bad), bad);
      assertEquals(Exit.DATAERR, e.exitCode());
      assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
      assertTrue(e.getMessage().startsWith("invalid address '"), e.getMessage());
    }
  }

  @Test
  void manyUnclosedOpenersStayLinear() {
    // each unclosed '(' or '"' would be searched to the end: bounded, so this stays fast
    String v = "(".repeat(200_000) + "a@x, " + "\"\\".repeat(100_000);
    long t0 = System.nanoTime();
    List<Mailbox> ms = AddressParser.parseList(v);
    long ms2 = (System.nanoTime() - t0) / 1_000_000;
    assertFalse(ms.isEmpty());
    assertTrue(ms2 < 10_000, ms2 + " ms"); // quadratic would take minutes
  }

  @Test
  void eachFaultIsNamedAndUnreadableElementsKeepTheirText() {
    String[][] table = {
      {"a@x b@y", "a@x b@y", "two addresses without ',' between them"},
      {"Display Name Only", "Display Name Only", "words without '.' between them"},
      {"ok@x, <john@lan extra>", "<john@lan extra>", "text inside <...>"},
      {"<a b>", "<a b>", "words without '.' between them"},
      {"@x", "@x", "unexpected '@'"},
      {"a@", "a@", "empty domain"},
      {"a@b..c", "a@b..c", "empty domain label"},
      {"a@.b", "a@.b", "empty domain label"},
      {"a@b@c", "a@b@c", "'@' twice"},
      {"bad@@example..org", "bad@@example..org", "'@' twice"},
      {"a@b c@d@e", "a@b c@d@e", "two addresses without ',' between them"},
      {"a@b;c@d", "c@d", "';' outside a group"},
      {"<a@b@c>", "<a@b@c>", "'@' twice"},
      {"<@a,b@c>", "<@a,b@c>", "bad route in <...>"},
      {"Bob <", "Bob <", "nothing after '<'"},
      {"Bob <bob@y", "bob@y", "unclosed '<'"},
      {"<a@x> <b@y>", "a@x", "missing ',' before the next address"},
      {"<a@x> Joe", "a@x", "text after '>'"},
      {"a@x>", "a@x", "stray '>'"},
      {"joe@x (Joe", "joe@x", "unclosed '('"},
      {"\"Joe <joe@x>", "joe@x", "unclosed '\"'"},
      {"John Smith john@x", "john@x", "text around the address"},
      {"Joe a@[192.0.2.1]", "a@[192.0.2.1]", "text around the address"},
      {"a@[192.0.2.1", "a@[192.0.2.1", "unclosed '['"},
    };
    for (String[] row : table) {
      Mailbox m = AddressParser.parseList(row[0]).stream().reduce((a, b) -> b).orElseThrow();
      if (row[0].startsWith("<a@x> <b@y>")) {
        m = AddressParser.parseList(row[0]).get(0);
      }
      assertEquals(row[1], m.text(), row[0]);
      assertEquals(row[2], m.problem(), row[0]);
    }
    assertEquals(
        "missing ',' before this address", AddressParser.parseList("<a@x> <b@y>").get(1).problem());
  }

  @Test
  void bareMeansTheAddrSpecAlone() {
    assertTrue(AddressParser.parseList("a@x").get(0).bare());
    assertTrue(AddressParser.parseList("g: a@x;").get(0).bare());
    for (String v : List.of("a@x (c)", "(c) a@x", "<a@x>", "John Smith john@x", "a@x>")) {
      assertFalse(AddressParser.parseList(v).get(0).bare(), v);
    }
  }

  @Test
  void localPartsAreQuotedOnlyWhenTheyMustBe() {
    String[][] table = {
      {"\"a\\\\\"@x", "\"a\\\\\"@x"},
      {"\"a..b\"@x", "\"a..b\"@x"},
      {"\".a\"@x", "\".a\"@x"},
      {"\"a.\"@x", "\"a.\"@x"},
      {"\"a\".b@x", "a.b@x"},
      {"\"a\\b\"@x", "ab@x"},
      {"a . b@x", "a.b@x"},
      {"\"a\r\n b\"@x", "\"a b\"@x"},
    };
    for (String[] row : table) {
      assertEquals(row[1], AddressParser.parseList(row[0]).get(0).address().toString(), row[0]);
    }
  }

  @Test
  void anAddressOf256CharactersIsReadOneMoreIsNot() {
    String local = "x".repeat(254);
    assertEquals(new Address(local, "y"), AddressParser.parseList(local + "@y").get(0).address());
    assertNull(AddressParser.parseList(local + "x@y").get(0).address());
    assertEquals(
        "longer than 256 characters", AddressParser.parseList(local + "x@y").get(0).problem());
  }

  @Test
  void anAtSignInAnAddressLiteralIsRefusedByBothReaders() {
    // the list reader took [@192.0.2.1] for a literal that the envelope parser, splitting at the
    // last '@', read as another address (found by fuzzing the readers)
    Mailbox m = AddressParser.parseList("a@[@192.0.2.1]").get(0);
    assertTrue(m.address() == null || m.problem() != null, m.toString());
    AddressException e =
        assertThrows(AddressException.class, () -> AddressParser.parseEnvelope("<a@[@192.0.2.1]>"));
    assertTrue(e.getMessage().contains("bad character in local part"), e.getMessage());
  }
}
