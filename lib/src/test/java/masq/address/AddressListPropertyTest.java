package masq.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * parse(print(x)) == x for address lists built from the RFC 5322 grammar: display names of atoms,
 * quoted strings with specials and encoded words; comments (nested, with quoted pairs) in every
 * place CFWS may stand; bare, bracketed and obs-route forms; quoted and dotted local parts with
 * CFWS between their parts; host names and domain literals; groups. Each list must read back to the
 * same addresses and display names, without a problem, and each addr-spec's place in the value must
 * read back to the same address (rewriting relies on it). A seeded java.util.Random: the failing
 * seed and list are in the message.
 */
class AddressListPropertyTest {
  private static final String ATEXT = "!#$%&'*+-/=?^_`{|}~";
  private static final String NAME_ATEXT = "!#$%&'*+-/^_`{|}~"; // no '=' '?': no accidental =?..?=
  private static final String ALNUM =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final String QTEXT = ALNUM + " ,;:<>@.()[]" + ATEXT;

  /** One generated mailbox: what it should read as. */
  private record Expected(Address address, String name) {}

  @Test
  void printedListsReadBackToTheSameAddresses() {
    for (long seed = 1; seed <= 3000; seed++) {
      Random r = new Random(seed);
      List<Expected> want = new ArrayList<>();
      String value = list(r, want);
      List<Mailbox> got = AddressParser.parseList(value);
      String where = "seed " + seed + ": " + value;
      assertEquals(want.size(), got.size(), where + " -> " + got);
      for (int i = 0; i < want.size(); i++) {
        Mailbox m = got.get(i);
        assertNull(m.problem(), where);
        assertEquals(want.get(i).address(), m.address(), where);
        assertEquals(want.get(i).name(), m.displayName(), where);
        List<Mailbox> again = AddressParser.parseList(m.text());
        assertEquals(1, again.size(), where + " at " + m.text());
        assertEquals(m.address(), again.get(0).address(), where + " at " + m.text());
      }
    }
  }

  private static String list(Random r, List<Expected> want) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(cfws(r)).append(',').append(r.nextInt(4) == 0 ? "\r\n\t" : " ");
      }
      if (r.nextInt(6) == 0) {
        // a group: phrase ":" [mailbox-list] ";"
        sb.append(phrase(r, new StringBuilder())).append(cfws(r)).append(':');
        int members = r.nextInt(3);
        for (int j = 0; j < members; j++) {
          sb.append(j > 0 ? ", " : " ").append(mailbox(r, want));
        }
        sb.append(cfws(r)).append(';');
      } else {
        sb.append(mailbox(r, want));
      }
    }
    return sb.toString();
  }

  private static String mailbox(Random r, List<Expected> want) {
    StringBuilder local = new StringBuilder();
    String localText = localPart(r, local);
    StringBuilder domain = new StringBuilder();
    String domainText = domain(r, domain);
    String spec = localText + cfws(r) + "@" + cfws(r) + domainText;
    Address a = new Address(canonical(local.toString()), domain.toString());
    int form = r.nextInt(4);
    if (form == 0) {
      want.add(new Expected(a, ""));
      return cfws(r) + spec + cfws(r);
    }
    if (form == 1) {
      want.add(new Expected(a, ""));
      return cfws(r) + "<" + cfws(r) + route(r) + spec + cfws(r) + ">" + cfws(r);
    }
    StringBuilder name = new StringBuilder();
    String phrase = phrase(r, name);
    want.add(new Expected(a, name.toString()));
    return phrase + (r.nextBoolean() ? " " : cfws(r)) + "<" + route(r) + spec + ">" + cfws(r);
  }

  /** A local part as written; {@code semantic} gets the text it stands for. */
  private static String localPart(Random r, StringBuilder semantic) {
    if (r.nextInt(4) == 0) {
      return quoted(r, semantic);
    }
    StringBuilder sb = new StringBuilder();
    int words = 1 + r.nextInt(3);
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        String around = r.nextInt(5) == 0 ? cfws(r) : "";
        sb.append(around).append('.').append(around);
        semantic.append('.');
      }
      if (r.nextInt(8) == 0) {
        sb.append(quoted(r, semantic)); // obs-local-part: "a".b
      } else {
        String atom = atom(r, ALNUM + ATEXT);
        sb.append(atom);
        semantic.append(atom);
      }
    }
    return sb.toString();
  }

  /** The local part as masq keeps it: unquoted when it is a dot-atom, else one quoted string. */
  private static String canonical(String semantic) {
    return AddrSpec.isDotAtom(semantic) ? semantic : AddrSpec.quote(semantic);
  }

  private static String domain(Random r, StringBuilder semantic) {
    if (r.nextInt(8) == 0) {
      String lit = r.nextBoolean() ? "[192.0.2." + r.nextInt(256) + "]" : "[IPv6:2001:db8::1]";
      semantic.append(lit);
      return lit;
    }
    StringBuilder sb = new StringBuilder();
    int labels = 1 + r.nextInt(3);
    for (int i = 0; i < labels; i++) {
      if (i > 0) {
        String around = r.nextInt(6) == 0 ? cfws(r) : "";
        sb.append(around).append('.').append(around);
        semantic.append('.');
      }
      String label = atom(r, ALNUM) + (r.nextBoolean() ? "" : "-" + atom(r, ALNUM));
      sb.append(label);
      semantic.append(label);
    }
    return sb.toString();
  }

  /** obs-route, now and then. */
  private static String route(Random r) {
    return r.nextInt(8) == 0 ? "@relay.example,@b.example:" : "";
  }

  /** A display name: atoms, quoted strings, an encoded word; {@code text} gets its reading. */
  private static String phrase(Random r, StringBuilder text) {
    StringBuilder sb = new StringBuilder();
    int words = 1 + r.nextInt(3);
    boolean encoded = false;
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(r.nextInt(4) == 0 ? " " + comment(r) + " " : " ");
        text.append(' ');
      }
      // two encoded words in a row read as one (RFC 2047 section 6.2): not generated
      int kind = encoded ? r.nextInt(2) * 2 : r.nextInt(4);
      encoded = kind == 1;
      switch (kind) {
        case 0 -> sb.append(quoted(r, text));
        case 1 -> {
          String s = new String(Character.toChars(0xe0 + r.nextInt(30))) + atom(r, ALNUM);
          text.append(s);
          sb.append("=?UTF-8?B?")
              .append(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)))
              .append("?=");
        }
        default -> {
          String atom = atom(r, ALNUM + NAME_ATEXT);
          sb.append(atom);
          text.append(atom);
        }
      }
    }
    return sb.toString();
  }

  private static String quoted(Random r, StringBuilder semantic) {
    StringBuilder sb = new StringBuilder("\"");
    int len = 1 + r.nextInt(8);
    for (int i = 0; i < len; i++) {
      int k = r.nextInt(12);
      if (k == 0) {
        char c = r.nextBoolean() ? '"' : '\\';
        sb.append('\\').append(c);
        semantic.append(c);
      } else {
        char c = QTEXT.charAt(r.nextInt(QTEXT.length()));
        sb.append(c);
        semantic.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /** Nothing, white space, or a comment (nested, with quoted pairs) with white space around. */
  private static String cfws(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> " ";
      case 1 -> " " + comment(r) + " ";
      case 2 -> comment(r);
      default -> "";
    };
  }

  private static String comment(Random r) {
    StringBuilder sb = new StringBuilder("(");
    int len = r.nextInt(6);
    for (int i = 0; i < len; i++) {
      switch (r.nextInt(10)) {
        case 0 -> sb.append("\\)");
        case 1 -> sb.append("(nested \\( ok)");
        case 2 -> sb.append(' ');
        default -> sb.append(QTEXT.replace("(", "").replace(")", "").charAt(r.nextInt(40)));
      }
    }
    return sb.append(')').toString();
  }

  private static String atom(Random r, String chars) {
    StringBuilder sb = new StringBuilder();
    int len = 1 + r.nextInt(6);
    for (int i = 0; i < len; i++) {
      sb.append(chars.charAt(r.nextInt(chars.length())));
    }
    return sb.toString();
  }
}
