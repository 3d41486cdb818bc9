package masq.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import masq.Exit;
import masq.Printable;
import org.junit.jupiter.api.Test;

class Utf8Test {
  /** Ten byte forms that are not UTF-8, and how each is shown in an error. */
  static final List<String[]> INVALID =
      List.of(
          new String[] {"\\xff", "ff"},
          new String[] {"\\xfe", "fe"},
          new String[] {"\\xc3", "c3"}, // a sequence cut short (before the '@')
          new String[] {"\\x80", "80"}, // a continuation byte alone
          new String[] {"\\xc0\\xaf", "c0 af"}, // overlong '/'
          new String[] {"\\xe0\\x80\\xaf", "e0 80 af"}, // overlong '/' in three bytes
          new String[] {"\\xed\\xa0\\x80", "ed a0 80"}, // the surrogate U+D800
          new String[] {"\\xf4\\x90\\x80\\x80", "f4 90 80 80"}, // above U+10FFFF
          new String[] {"\\xf8\\x88\\x80\\x80\\x80", "f8 88 80 80 80"}, // a 5-byte form
          new String[] {"\\xfc\\x84\\x80\\x80\\x80\\x80", "fc 84 80 80 80 80"}); // 6 bytes

  static byte[] bytes(String hex) {
    String[] parts = hex.split(" ");
    byte[] b = new byte[parts.length];
    for (int i = 0; i < parts.length; i++) {
      b[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    return b;
  }

  /** {@code "twin" BYTES "@server.test"} as the bytes a client sends. */
  static byte[] twin(byte[] middle) {
    byte[] head = "twin".getBytes(StandardCharsets.US_ASCII);
    byte[] tail = "@server.test".getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + middle.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(middle, 0, all, head.length, middle.length);
    System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
    return all;
  }

  @Test
  void validUtf8DecodesAsItself() {
    for (String s :
        List.of("", "joe@x", "j\u00f8ran@server.test", "\u7528\u6237", "a\ud83d\ude00")) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertEquals(s, Utf8.decode(b, 0, b.length));
      assertEquals(-1, Utf8.invalidAt(s), s);
    }
  }

  @Test
  void everyInvalidFormIsKeptByteForByteAndNeverReplaced() {
    for (String[] form : INVALID) {
      byte[] b = twin(bytes(form[1]));
      String text = Utf8.decode(b, 0, b.length);
      assertEquals(4, Utf8.invalidAt(text), form[0]);
      assertEquals(-1, text.indexOf('\ufffd'), form[0]);
      assertEquals("twin" + form[0] + "@server.test", Printable.of(text), form[0]);
      for (int i = 0; i < form[1].split(" ").length; i++) {
        assertEquals(b[4 + i] & 0xff, Utf8.escapedByte(text, 4 + i), form[0]);
      }
    }
  }

  @Test
  void twoDifferentBadBytesStayTwoAddresses() {
    byte[] fe = twin(bytes("fe"));
    byte[] ff = twin(bytes("ff"));
    assertNotEquals(Utf8.decode(fe, 0, fe.length), Utf8.decode(ff, 0, ff.length));
  }

  @Test
  void replacedBytesAndLoneSurrogatesAreFound() {
    assertEquals(4, Utf8.invalidAt("twin\ufffd@x"), "U+FFFD: replaced before masq saw it");
    assertEquals(1, Utf8.invalidAt("a\ud800b"), "a lone high surrogate");
    assertEquals(1, Utf8.invalidAt("a\udc00b"), "a lone low surrogate");
    assertEquals(-1, Utf8.invalidAt("a\ud83d\ude00b"), "a pair is a character");
    assertEquals("a\\x{D800}b", Printable.of("a\ud800b"));
    assertEquals("a\ud83d\ude00b", Printable.of("a\ud83d\ude00b"));
  }

  @Test
  void addressesWithSuchBytesAreRefusedEverywhere() {
    for (String[] form : INVALID) {
      byte[] b = twin(bytes(form[1]));
      String text = Utf8.decode(b, 0, b.length);
      AddressException e =
          assertThrows(AddressException.class, () -> AddressParser.parseEnvelope("<" + text + ">"));
      assertEquals(Exit.DATAERR, e.exitCode());
      assertEquals(
          "invalid address '<twin" + form[0] + "@server.test>': not valid UTF-8", e.getMessage());
      e = assertThrows(AddressException.class, () -> AddressParser.parseArgument(text));
      assertEquals(
          "invalid address 'twin" + form[0] + "@server.test': not valid UTF-8", e.getMessage());
      Mailbox m = AddressParser.parseList("Twin <" + text + ">").get(0);
      assertNull(m.address(), form[0]);
      assertEquals(Utf8.INVALID, m.problem(), form[0]);
    }
    assertThrows(AddressException.class, () -> AddressParser.parseArgument("twin\ufffd@x"));
  }

  @Test
  void xtextBytesAreUtf8AndNothingElse() {
    // +C3+A9 is the UTF-8 of U+00E9: one character, not two Latin-1 ones
    assertEquals("j\u00e9@old.example", Xtext.decode("j+C3+A9@old.example", false));
    assertEquals("j\u00e9@old.example", Xtext.decode("j+C3+A9@old.example", true));
    assertEquals("j+C3+A9@old.example", Xtext.encode("j\u00e9@old.example", false));
    assertEquals("j\\x{E9}@old.example", Xtext.encode("j\u00e9@old.example", true));
    assertEquals("a\\x{2B}b\\x{3D}c\\x{5C}", Xtext.encode("a+b=c\\", true), "RFC 6533 QCHAR");
    assertNull(Xtext.decode("j+FF@x", false), "not UTF-8");
    assertNull(Xtext.decode("j+C3@x", false), "a cut sequence");
    byte[] b = {'j', (byte) 0xff, '@', 'x'};
    assertNull(Xtext.decode(Utf8.decode(b, 0, b.length), true), "utf-8-addr-unitext, bad byte");
    assertNull(Xtext.decode("j\ufffd@x", true), "a replaced byte");
  }

  @Test
  void aSemicolonOutsideAGroupIsNoSeparatorOfAnArgument() throws Exception {
    for (String arg : List.of("bob;eve@evil.example", "bob;", ";eve@evil.example", "<b@x>;e@y")) {
      AddressException e =
          assertThrows(AddressException.class, () -> AddressParser.parseArgument(arg), arg);
      assertTrue(e.getMessage().endsWith("': ';' outside a group"), e.getMessage());
      assertTrue(e.getMessage().startsWith("invalid address '" + arg + "'"), e.getMessage());
    }
    assertEquals(
        List.of(new Address("a", "x"), new Address("b", "y")),
        AddressParser.parseArgument("friends: a@x, b@y;"),
        "a group's ';' is");
    // a header is read as before (masqmail's leniency), with the fault noted
    List<Mailbox> l = AddressParser.parseList("bob;eve@evil.example");
    assertEquals(2, l.size());
    assertEquals("';' outside a group", l.get(0).problem());
    assertEquals("';' outside a group", l.get(1).problem());
  }

  @Test
  void aDoubledAtAndAnEmptyLabelAreNamed() {
    AddressException e =
        assertThrows(
            AddressException.class, () -> AddressParser.parseArgument("bad@@example..org"));
    assertEquals("invalid address 'bad@@example..org': '@' twice", e.getMessage());
    e = assertThrows(AddressException.class, () -> AddressParser.parseArgument("bad@example..org"));
    assertEquals("invalid address 'bad@example..org': empty domain label", e.getMessage());
    e = assertThrows(AddressException.class, () -> AddressParser.parseEnvelope("bad@example..org"));
    assertEquals("invalid address 'bad@example..org': empty domain label", e.getMessage());
    e = assertThrows(AddressException.class, () -> AddressParser.parseEnvelope("bad@ex!ample"));
    assertEquals("invalid address 'bad@ex!ample': bad character '!' in domain", e.getMessage());
  }
}
