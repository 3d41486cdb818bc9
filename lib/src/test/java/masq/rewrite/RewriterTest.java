package masq.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import masq.address.Address;
import masq.config.Config;
import masq.message.Header;
import masq.route.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rewriting table: at least every case of masqmail's own rewrite tests, plus masq's
 * byte-preservation promises. Each row is a route file, a header section in, the header section
 * expected out (one char per byte; {@code \r} and 8-bit bytes as written).
 */
class RewriterTest {
  static final String CONF =
      "host_name = home.lan\nlocal_hosts = localhost;home.lan;*.home.lan\n"
          + "local_addresses = boss@company.example\n";

  static Config config(String text) throws Exception {
    return Config.parse(text, Path.of("/etc/masq/masq.conf"), Map.of("HOME", "/tmp"), false);
  }

  static Route route(String text) throws Exception {
    return Route.parse(text, Path.of("/etc/masq/test.route"), false);
  }

  /** Splits a header section into headers the way the message reader does. */
  static List<Header> headers(String section) {
    List<Header> out = new ArrayList<>();
    StringBuilder cur = null;
    for (String line : section.split("(?<=\n)")) {
      if (line.startsWith(" ") || line.startsWith("\t")) {
        cur.append(line);
        continue;
      }
      if (cur != null) {
        out.add(new Header(cur.substring(0, cur.indexOf(":")), cur.toString()));
      }
      cur = new StringBuilder(line);
    }
    if (cur != null) {
      out.add(new Header(cur.substring(0, cur.indexOf(":")), cur.toString()));
    }
    return out;
  }

  static String join(List<Header> hs) {
    StringBuilder sb = new StringBuilder();
    hs.forEach(h -> sb.append(h.raw()));
    return sb.toString();
  }

  static Stream<Arguments> table() {
    String fooRules =
        "map_h_from_addresses = foo: Dark Foo <fooish@example.com>\n"
            + "map_h_sender_addresses = bar: Bar <bar@example.net>\n"
            + "map_h_reply_to_addresses = bar: Drink <drink@example-fail.com>; baz: <admin@blackhole.com>\n"
            + "map_h_mail_followup_to_addresses = bob: bob@example.org; ann: Ann <ann@example.org>\n";
    return Stream.of(
        // masqmail: From: with a bare local name gets the whole replacement, display name too
        Arguments.of(
            "bare local name", fooRules, "From: foo\n", "From: Dark Foo <fooish@example.com>\n"),
        Arguments.of(
            "bare local name at a local host",
            fooRules,
            "From: foo@localhost\n",
            "From: Dark Foo <fooish@example.com>\n"),
        Arguments.of("Sender:", fooRules, "Sender: bar\n", "Sender: Bar <bar@example.net>\n"),
        // masqmail: the original display name wins over the rule's
        Arguments.of(
            "Reply-To: keeps its display name",
            fooRules,
            "Reply-To: Juice <bar>\n",
            "Reply-To: Juice <drink@example-fail.com>\n"),
        Arguments.of(
            "angle brackets without a name stay without",
            fooRules,
            "Reply-To: <baz>\n",
            "Reply-To: <admin@blackhole.com>\n"),
        Arguments.of(
            "quoted display name with an encoded word survives",
            fooRules,
            "From: \"=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=\" <foo@home.lan>\n",
            "From: \"=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=\" <fooish@example.com>\n"),
        Arguments.of(
            "encoded word display name survives",
            fooRules,
            "From: =?ISO-8859-1?Q?Andr=E9?= <foo>\n",
            "From: =?ISO-8859-1?Q?Andr=E9?= <fooish@example.com>\n"),
        Arguments.of(
            "8-bit display name survives",
            fooRules,
            "From: Andr\u00c3\u00a9 <foo>\n",
            "From: Andr\u00c3\u00a9 <fooish@example.com>\n"),
        Arguments.of(
            "comment after a bare address: only the addr-spec changes",
            fooRules,
            "From: foo (the Foo)\n",
            "From: fooish@example.com (the Foo)\n"),
        Arguments.of(
            "comment before a bare address",
            fooRules,
            "From: (the Foo) foo\n",
            "From: (the Foo) fooish@example.com\n"),
        Arguments.of(
            "white space inside angle brackets",
            fooRules,
            "From: Foo < foo >\n",
            "From: Foo < fooish@example.com >\n"),
        Arguments.of(
            "a quoted '>' and ',' inside the display name and the local part",
            fooRules,
            "From: \"a>b, c\" <foo>, <\"x>y\"@far.example>\n",
            "From: \"a>b, c\" <fooish@example.com>, <\"x>y\"@far.example>\n"),
        Arguments.of(
            "CFWS inside the addr-spec: the addr-spec is replaced, the rest kept",
            fooRules,
            "From: Foo <foo (me) @ home.lan> (work)\n",
            "From: Foo <fooish@example.com> (work)\n"),
        Arguments.of(
            "a group's members are rewritten, the group kept",
            fooRules,
            "Reply-To: team: bar, Ann <ann@far.example>;\n",
            "Reply-To: team: Drink <drink@example-fail.com>, Ann <ann@far.example>;\n"),
        Arguments.of(
            "obs-route before the address",
            fooRules,
            "From: Foo <@relay.example:foo@home.lan>\n",
            "From: Foo <@relay.example:fooish@example.com>\n"),
        // Mail-Followup-To: lists, several headers, none/some/all/last replaced, folding
        Arguments.of(
            "Mail-Followup-To: none replaced",
            fooRules,
            "Mail-Followup-To: carl, dora@home.lan\n",
            "Mail-Followup-To: carl, dora@home.lan\n"),
        Arguments.of(
            "Mail-Followup-To: some replaced",
            fooRules,
            "Mail-Followup-To: carl, bob,dora\n",
            "Mail-Followup-To: carl, bob@example.org,dora\n"),
        Arguments.of(
            "Mail-Followup-To: all replaced",
            fooRules,
            "Mail-Followup-To: bob,  Anny <ann>\n",
            "Mail-Followup-To: bob@example.org,  Anny <ann@example.org>\n"),
        Arguments.of(
            "Mail-Followup-To: last element replaced",
            fooRules,
            "Mail-Followup-To: carl, dora, ann\n",
            "Mail-Followup-To: carl, dora, Ann <ann@example.org>\n"),
        Arguments.of(
            "Mail-Followup-To: folded on a tab-indented line",
            fooRules,
            "Mail-Followup-To: carl,\n\tbob, dora,\n\tann@home.lan\n",
            "Mail-Followup-To: carl,\n\tbob@example.org, dora,\n\tAnn <ann@example.org>\n"),
        Arguments.of(
            "several Mail-Followup-To: headers",
            fooRules,
            "Mail-Followup-To: carl\nSubject: x\nMail-Followup-To: bob\nmail-followup-to: ann, carl\n",
            "Mail-Followup-To: carl\nSubject: x\nMail-Followup-To: bob@example.org\n"
                + "mail-followup-to: Ann <ann@example.org>, carl\n"),
        Arguments.of(
            "CRLF line ends stay",
            fooRules,
            "From: foo\r\nMail-Followup-To: bob,\r\n\tann\r\n",
            "From: Dark Foo <fooish@example.com>\r\nMail-Followup-To: bob@example.org,\r\n\t"
                + "Ann <ann@example.org>\r\n"),
        Arguments.of(
            "group syntax",
            fooRules,
            "Mail-Followup-To: team: bob, carl;, ann\n",
            "Mail-Followup-To: team: bob@example.org, carl;, Ann <ann@example.org>\n"),
        // other headers are never rewritten
        Arguments.of(
            "To:, Cc: and others untouched",
            "map_outgoing_addresses = *: *@example.com\n",
            "To: foo\nCc: bar@home.lan\nX-From: foo\nResent-From: foo\n",
            "To: foo\nCc: bar@home.lan\nX-From: foo\nResent-From: foo\n"),
        // domain-only rules across local_hosts
        Arguments.of(
            "*@domain across local_hosts",
            "map_h_from_addresses = *: *@example.com\n",
            "From: a, b@localhost, c@HOME.LAN, d@pc.home.lan, e@elsewhere.org, <f@home.lan>\n",
            "From: a@example.com, b@example.com, c@example.com, d@example.com, e@elsewhere.org,"
                + " <f@example.com>\n"),
        Arguments.of(
            "*@domain never adds a display name",
            "map_h_from_addresses = *: Any <*@example.com>\n",
            "From: a\n",
            "From: a@example.com\n"),
        Arguments.of(
            "local_addresses count as local",
            "map_h_from_addresses = *: *@example.com\n",
            "From: boss@company.example, other@company.example\n",
            "From: boss@example.com, other@company.example\n"),
        // not local: never rewritten
        Arguments.of(
            "fully qualified non-local address untouched",
            "map_outgoing_addresses = *: Someone <someone@example.com>\n",
            "From: foo@example.org\nSender: Foo <foo@isp.example>\n",
            "From: foo@example.org\nSender: Foo <foo@isp.example>\n"),
        // map_outgoing_addresses: everything at once, specific maps win
        Arguments.of(
            "map_outgoing_addresses on every header",
            "map_outgoing_addresses = foo: Foo <foo@isp.example>; *: *@isp.example\n",
            "From: foo\nSender: bar\nReply-To: Me <foo@home.lan>\nMail-Followup-To: foo, baz\n",
            "From: Foo <foo@isp.example>\nSender: bar@isp.example\nReply-To: Me <foo@isp.example>\n"
                + "Mail-Followup-To: Foo <foo@isp.example>, baz@isp.example\n"),
        Arguments.of(
            "specific map wins over map_outgoing_addresses",
            "map_h_from_addresses = foo: f@special.example\nmap_outgoing_addresses = *: *@isp.example\n",
            "From: foo, bar\nSender: foo\n",
            "From: f@special.example, bar@isp.example\nSender: foo@isp.example\n"),
        Arguments.of(
            "first matching rule wins",
            "map_h_from_addresses = f*: first@x.example; foo: second@x.example\n",
            "From: foo\n",
            "From: first@x.example\n"),
        Arguments.of(
            "patterns are case-sensitive globs",
            "map_h_from_addresses = [a-c]?: abc@x.example\n",
            "From: ax, Bx, cxx, by\n",
            "From: abc@x.example, Bx, cxx, abc@x.example\n"),
        Arguments.of(
            "set_h_from_domain is *: *@domain, after the map",
            "map_h_from_addresses = foo: f@x.example\nset_h_from_domain = old.example\n"
                + "set_h_reply_to_domain = reply.example\n",
            "From: foo, bar\nReply-To: bar\n",
            "From: f@x.example, bar@old.example\nReply-To: bar@reply.example\n"),
        // hostile input: left exactly as it was
        Arguments.of(
            "unparseable element left, the others rewritten",
            fooRules,
            "Mail-Followup-To: bob, not an address, <broken@@home.lan>, ann\n",
            "Mail-Followup-To: bob@example.org, not an address, <broken@@home.lan>, Ann <ann@example.org>\n"),
        Arguments.of(
            "null address untouched",
            "map_outgoing_addresses = *: *@isp.example\n",
            "From: <>\n",
            "From: <>\n"),
        Arguments.of(
            "empty header untouched",
            "map_outgoing_addresses = *: *@isp.example\n",
            "From:\nSender: \n",
            "From:\nSender: \n"),
        Arguments.of(
            "unterminated quote: the address inside is still rewritten",
            "map_outgoing_addresses = *: *@isp.example\n",
            "From: \"Foo <foo>\n",
            "From: \"Foo <foo@isp.example>\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void rewritesHeaders(String what, String routeText, String in, String expected) throws Exception {
    // masqmail's table: its unqualified addresses leave as written
    Rewriter rw =
        new Rewriter(route(routeText + "qualify_header_addresses = false\n"), config(CONF));
    List<Header> hs = headers(in);
    Rewritten r = rw.rewrite(hs, null);
    assertEquals(expected, join(r.headers()), what);
    for (int i = 0; i < hs.size(); i++) {
      if (hs.get(i).raw().equals(r.headers().get(i).raw())) {
        assertSame(hs.get(i), r.headers().get(i), "an unchanged header is the same object");
      }
    }
  }

  static Stream<Arguments> returnPaths() {
    String rules =
        "map_return_path_addresses = foo: Foo Bar <fbar@isp.example>; dom*: *@isp.example\n"
            + "map_outgoing_addresses = *: *@out.example\n";
    return Stream.of(
        Arguments.of(
            "matching local part: the replacement, never a display name",
            rules,
            "foo@home.lan",
            "<fbar@isp.example>"),
        Arguments.of(
            "domain-only keeps the local part",
            rules,
            "dominic@localhost",
            "<dominic@isp.example>"),
        Arguments.of(
            "falls back to map_outgoing_addresses", rules, "carl@home.lan", "<carl@out.example>"),
        Arguments.of("non-local untouched", rules, "foo@example.org", "<foo@example.org>"),
        Arguments.of("null sender untouched", rules, "<>", "<>"),
        Arguments.of(
            "no rules: untouched", "mail_host = x.example\n", "foo@home.lan", "<foo@home.lan>"),
        Arguments.of(
            "set_return_path_domain",
            "set_return_path_domain = isp.example\n",
            "foo@home.lan",
            "<foo@isp.example>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("returnPaths")
  void rewritesReturnPath(String what, String routeText, String in, String expected)
      throws Exception {
    Rewriter rw = new Rewriter(route(routeText), config(CONF));
    Address a = masq.address.AddressParser.parseEnvelope(in);
    assertEquals(expected, rw.rewrite(List.of(), a).returnPath().bracketed(), what);
    assertEquals(expected, rw.returnPath(a).bracketed(), what);
  }

  @Test
  void unreadableRemoteAddressIsLeftWithOneWarning() throws Exception {
    Rewriter rw = new Rewriter(route("map_h_from_addresses = *: *@isp.example\n"), config(CONF));
    Rewritten r = rw.rewrite(headers("From: a, x@far.example y@far.example, d\nTo: e f\n"), null);
    assertEquals(
        "From: a@isp.example, x@far.example y@far.example, d@isp.example\nTo: e f\n",
        join(r.headers()));
    assertEquals(
        List.of("From: cannot parse 'x@far.example y@far.example'; left as it is"), r.warnings());
    assertTrue(r.unreadable().isEmpty());
  }

  @Test
  void unreadableElementThatMayHoldALocalAddressIsReported() throws Exception {
    Rewriter rw = new Rewriter(route("map_outgoing_addresses = *: *@isp.example\n"), config(CONF));
    for (String[] c :
        new String[][] {
          {
            "From: <john@home.lan junk>\n",
            "From: header: '<john@home.lan junk>' (text inside <...>)"
          },
          {
            "Reply-To: x@far.example y@pc.home.lan\n",
            "Reply-To: header: 'x@far.example y@pc.home.lan'"
          },
        }) {
      Rewritten r = rw.rewrite(headers(c[0]), null);
      assertEquals(1, r.unreadable().size(), c[0]);
      assertTrue(r.unreadable().get(0).startsWith(c[1]), r.unreadable().get(0));
    }
  }

  @Test
  void addressesReadAroundAFaultAreRewritten() throws Exception {
    Rewriter rw = new Rewriter(route("map_h_from_addresses = *: *@isp.example\n"), config(CONF));
    Rewritten r = rw.rewrite(headers("From: \"John <john@home.lan>\n"), null);
    assertEquals("From: \"John <john@isp.example>\n", join(r.headers()));
    assertEquals(
        List.of("From: read <john@home.lan> in spite of unclosed '\"'; rewritten"), r.warnings());
    assertTrue(r.unreadable().isEmpty());
    r = rw.rewrite(headers("From: Bob <bob@home.lan\n"), null);
    assertEquals("From: Bob <bob@isp.example\n", join(r.headers()));
  }

  @Test
  void utf8ReplacementBecomesUtf8Bytes() throws Exception {
    Rewriter rw =
        new Rewriter(
            route("map_h_from_addresses = j: J\u00fcrgen <j@isp.example>\n"), config(CONF));
    Rewritten r = rw.rewrite(headers("From: j\n"), null);
    byte[] b = r.headers().get(0).bytes();
    assertEquals("From: J\u00fcrgen <j@isp.example>\n", new String(b, StandardCharsets.UTF_8));
  }

  @Test
  void nothingToDoGivesTheSameList() throws Exception {
    Rewriter rw = new Rewriter(route("map_h_from_addresses = foo: f@x.example\n"), config(CONF));
    List<Header> hs =
        headers("From: bar@far.example\nTo: x@y.example, <z@y.example>\nSubject: foo\n");
    assertSame(hs, rw.rewrite(hs, null).headers());
    assertTrue(rw.rewrite(hs, null).warnings().isEmpty());
  }

  static Stream<Arguments> qualified() {
    String rules = "map_h_from_addresses = john: John Smith <john.smith@isp.example>\n";
    return Stream.of(
        Arguments.of("bare", "", "Cc: carol\n", "Cc: carol@home.lan\n"),
        Arguments.of(
            "in angle brackets, name and comment kept",
            "",
            "To: Carol (LAN) <carol>, \"Dave, D.\" <dave> (x)\n",
            "To: Carol (LAN) <carol@home.lan>, \"Dave, D.\" <dave@home.lan> (x)\n"),
        Arguments.of(
            "qualified and remote ones left, folding kept",
            "",
            "To: a@far.example,\n\tcarol, b@home.lan\n",
            "To: a@far.example,\n\tcarol@home.lan, b@home.lan\n"),
        Arguments.of(
            "a rule wins over qualifying",
            rules,
            "From: john\nReply-To: john, anna\n",
            "From: John Smith <john.smith@isp.example>\nReply-To: john@home.lan, anna@home.lan\n"),
        Arguments.of(
            "every address header, any case",
            "",
            "Resent-To: r\nresent-cc: s\nMAIL-FOLLOWUP-TO: t\nBcc: u\nSender: v\n"
                + "Disposition-Notification-To: w\n",
            "Resent-To: r@home.lan\nresent-cc: s@home.lan\nMAIL-FOLLOWUP-TO: t@home.lan\n"
                + "Bcc: u@home.lan\nSender: v@home.lan\nDisposition-Notification-To: w@home.lan\n"),
        Arguments.of(
            "groups and quoted local parts",
            "",
            "To: team: \"a b\", c;, undisclosed-recipients:;\n",
            "To: team: \"a b\"@home.lan, c@home.lan;, undisclosed-recipients:;\n"),
        Arguments.of(
            "other fields and the null address untouched",
            "",
            "Subject: carol\nX-To: carol\nMessage-ID: <abc>\nReturn-Receipt-To: <>\n",
            "Subject: carol\nX-To: carol\nMessage-ID: <abc>\nReturn-Receipt-To: <>\n"),
        Arguments.of(
            "unreadable elements left as they were",
            "",
            "Cc: Display Name Only, carol\n",
            "Cc: Display Name Only, carol@home.lan\n"),
        Arguments.of(
            "off: masqmail's behaviour",
            "qualify_header_addresses = false\n",
            "From: john\nCc: carol\n",
            "From: john\nCc: carol\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("qualified")
  void qualifiesUnqualifiedHeaderAddresses(
      String what, String routeText, String in, String expected) throws Exception {
    Rewritten r = new Rewriter(route(routeText), config(CONF)).rewrite(headers(in), null);
    assertEquals(expected, join(r.headers()), what);
    assertTrue(r.unreadable().isEmpty(), what);
  }
}
