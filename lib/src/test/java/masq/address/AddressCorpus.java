package masq.address;

import java.util.ArrayList;
import java.util.List;

/**
 * The address-list corpus: RFC 5322 Appendix A, faults seen in real use, groups, obs-route, encoded
 * display names, and hostile or broken input. Each case is a header value and masq's reading of it
 * as {@link #render} writes it: elements separated by {@code " | "}, each {@code Name <addr>} or
 * {@code addr}, {@code ~} before one read around a fault, {@code !text} for one that cannot be
 * read.
 */
final class AddressCorpus {
  private AddressCorpus() {}

  record Case(String id, String value, String expected) {}

  static final List<Case> CASES =
      List.of(
          // RFC 5322 A.1.1 - A.1.3
          new Case(
              "A.1.1 From", "John Doe <jdoe@machine.example>", "John Doe <jdoe@machine.example>"),
          new Case("A.1.1 To", "Mary Smith <mary@example.net>", "Mary Smith <mary@example.net>"),
          new Case(
              "A.1.2 From",
              "\"Joe Q. Public\" <john.q.public@example.com>",
              "Joe Q. Public <john.q.public@example.com>"),
          new Case(
              "A.1.2 To",
              "Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
              "Mary Smith <mary@x.test> | jdoe@example.org | Who? <one@y.test>"),
          new Case(
              "A.1.2 Cc",
              "<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
              "boss@nil.test | Giant; \"Big\" Box <sysservices@example.net>"),
          new Case(
              "A.1.3 To",
              "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
              "Ed Jones <c@a.test> | joe@where.test | John <jdoe@one.test>"),
          new Case("A.1.3 Cc", "Undisclosed recipients:;", ""),
          // A.2, A.4
          new Case(
              "A.2 Reply-To",
              "\"Mary Smith: Personal Account\" <smith@home.example>",
              "Mary Smith: Personal Account <smith@home.example>"),
          new Case(
              "A.4 Resent-To",
              "Jane Brown <j-brown@other.example>",
              "Jane Brown <j-brown@other.example>"),
          // A.5: white space and comments
          new Case(
              "A.5 From",
              "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
              "Pete <pete@silly.test>"),
          new Case(
              "A.5 To",
              "A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n"
                  + "         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end"
                  + " of the group)",
              "Chris Jones <c@public.example> | joe@example.org | John <jdoe@one.test>"),
          new Case("A.5 Cc", "(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;", ""),
          // A.6: obsolete forms
          new Case(
              "A.6.1 From",
              "Joe Q. Public <john.q.public@example.com>",
              "Joe Q. Public <john.q.public@example.com>"),
          new Case(
              "A.6.1 To",
              "Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example",
              "Mary Smith <mary@example.net> | jdoe@test.example"),
          new Case(
              "A.6.3 From",
              "John Doe <jdoe@machine(comment).  example>",
              "John Doe <jdoe@machine.example>"),
          new Case(
              "A.6.3 To",
              "Mary Smith\r\n  \r\n          <mary@example.net>",
              "Mary Smith <mary@example.net>"),
          // faults seen in real use
          new Case(
              "unclosed <",
              "a@x.example, Bob <bob@y.example",
              "a@x.example | ~Bob <bob@y.example>"),
          new Case(
              "unclosed < before a comma", "Bob <bob@y.example, c@z", "~Bob <bob@y.example> | c@z"),
          new Case("unclosed quote", "\"John <john@lan>", "~John <john@lan>"),
          new Case("quoted > in brackets", "<\"a>b\"@x>", "\"a>b\"@x"),
          new Case("quoted , and > in a name", "\"a, b>\" <c@d>", "a, b> <c@d>"),
          new Case("comment in local part", "joe(comment)@x", "joe@x"),
          new Case("spaces around @", "joe @ x", "joe@x"),
          new Case("obs-local-part", "\"a\".\"b\"@x", "a.b@x"),
          new Case("group, empty", "undisclosed-recipients:;", ""),
          new Case("group", "friends: a@x, b@y;", "a@x | b@y"),
          new Case("group without ;", "friends: a@x, b@y", "a@x | b@y"),
          new Case("group then more", "g: a@x;, b@y", "a@x | b@y"),
          new Case("obs-route", "<@a,@b:x@y>", "x@y"),
          new Case("unqualified", "john", "john"),
          new Case("unqualified with name", "John <john>", "John <john>"),
          // encoded display names
          new Case("encoded word Q", "=?UTF-8?Q?J=C3=B6rg?= <j@x>", "J\u00f6rg <j@x>"),
          new Case(
              "RFC 2047 example",
              "=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>",
              "Andr\u00e9 Pirard <PIRARD@vm1.ulg.ac.be>"),
          new Case("encoded word B", "=?UTF-8?B?SsO2cmc=?= <j@x>", "J\u00f6rg <j@x>"),
          new Case("adjacent encoded words", "=?utf-8?q?a?= =?utf-8?q?b?= <x@y>", "ab <x@y>"),
          new Case(
              "encoded word in quotes stays",
              "\"=?utf-8?q?J=C3=B6rg?=\" <j@x>",
              "=?utf-8?q?J=C3=B6rg?= <j@x>"),
          // other readings
          new Case("comma in an unquoted name", "Smith, John <j@x>", "Smith | John <j@x>"),
          new Case("comment after a bare address", "joe@x (Joe)", "joe@x"),
          new Case("unneeded quotes", "\"john\"@x", "john@x"),
          new Case("quoted local part", "\"john doe\"@ex.com", "\"john doe\"@ex.com"),
          new Case("quoted pair in local part", "\"a\\\"b\"@x", "\"a\\\"b\"@x"),
          new Case("domain literal", "a@[192.0.2.1]", "a@[192.0.2.1]"),
          new Case("null address", "<>", "<>"),
          new Case("empty name", "\"\" <a@b>", "a@b"),
          new Case("empty elements", "a@x,,b@y, ,", "a@x | b@y"),
          new Case("obs-phrase with a dot", "John Q. Public <jqp@x>", "John Q. Public <jqp@x>"),
          new Case("8-bit local part", "j\u00f6rg@x.example", "j\u00f6rg@x.example"),
          new Case("8-bit name", "J\u00f6rg <j@x>", "J\u00f6rg <j@x>"),
          new Case("double dot as written", "john..doe@x", "john..doe@x"),
          new Case("folded list", "a@x,\r\n\tb@y", "a@x | b@y"),
          new Case("control character in a name", "Ev\u0001il <a@b>", "Ev\u0001il <a@b>"),
          // recovered
          new Case("words before a bare address", "John Smith john@x", "~john@x"),
          new Case("unclosed comment", "joe@x (Joe", "~joe@x"),
          new Case("unclosed comment in the name", "Joe (x <joe@x>", "~Joe x <joe@x>"),
          new Case("two bracketed without comma", "<a@x> <b@y>", "~a@x | ~b@y"),
          new Case("stray >", "a@x>", "~a@x"),
          new Case("comma inside brackets", "<a@b, c@d>", "~a@b | ~c@d"),
          new Case("stray ; between", "a@x; b@y", "~a@x | ~b@y"),
          new Case("text after >", "<a@x> Joe", "~a@x"),
          // unreadable
          new Case("two addresses without comma", "a@x b@y", "!a@x b@y"),
          new Case(
              "words without an address", "Display Name Only, ok@x", "!Display Name Only | ok@x"),
          new Case("text inside brackets", "<john@lan extra>", "!<john@lan extra>"),
          new Case("empty local part", "@x", "!@x"),
          new Case("empty domain", "a@", "!a@"),
          new Case("double dot in domain", "a@b..c", "!a@b..c"),
          new Case("atext outside host names", "a@b!c", "!a@b!c"),
          new Case("two @", "a@b@c", "!a@b@c"),
          new Case("control character in address", "\"a\u0001b\"@x", "!\"a\u0001b\"@x"),
          new Case("nothing after <", "Bob <", "!Bob <"),
          new Case("too long", "x".repeat(300) + "@y", "!" + "x".repeat(300) + "@y"));

  /** masq's reading of {@code value}, written as the cases expect it. */
  static String render(List<Mailbox> ms) {
    List<String> out = new ArrayList<>();
    for (Mailbox m : ms) {
      if (m.address() == null) {
        out.add("!" + m.text());
        continue;
      }
      String addr = m.address().isNull() ? "<>" : m.address().toString();
      String name = m.displayName();
      out.add((m.recovered() ? "~" : "") + (name.isEmpty() ? addr : name + " <" + addr + ">"));
    }
    return String.join(" | ", out);
  }
}
