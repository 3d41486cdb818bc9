package masq.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import masq.address.Address;
import masq.address.AddressParser;
import masq.message.Header;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Route conditions as a table: route file, sender, From: header (or none), recipient (or none), and
 * the expected answer: "ok", or a piece of the refusal reason.
 */
class RouteConditionsTest {
  static Stream<Arguments> table() {
    String senders =
        "allowed_senders = *@home.lan; <>; admin\ndenied_senders = spam*@*; guest@HOME.lan\n";
    String rcpts =
        "allowed_recipients = *@*.example; postmaster\ndenied_recipients = *@secret.example;root\n";
    String froms = "allowed_from_hdrs = *@home.lan\ndenied_from_hdrs = eve*\n";
    String old02 =
        """
        allowed_rcpt_domains = "*isp.example; other.org"
        not_allowed_rcpt_domains = bad.isp.example
        allowed_return_paths = "boss@corp.example; spam@corp.example"
        not_allowed_return_paths = spam@corp.example
        allowed_mail_locals = "u; root"
        not_allowed_mail_locals = root
        """;
    return Stream.of(
        Arguments.of("no lists: everything allowed", "", "a@b.example", null, "c@d.example", "ok"),
        Arguments.of("no lists: null sender allowed", "", "<>", null, "c@d.example", "ok"),
        Arguments.of("allowed sender", senders, "john@home.lan", null, null, "ok"),
        Arguments.of(
            "allowed sender, domain matched caselessly",
            senders,
            "john@HOME.LAN",
            null,
            null,
            "ok"),
        Arguments.of(
            "sender not in allowed list",
            senders,
            "john@example.org",
            null,
            null,
            "sender <john@example.org> is not in allowed_senders"),
        Arguments.of("<> allows the null sender", senders, "<>", null, null, "ok"),
        Arguments.of(
            "<> only: the null sender, nothing else",
            "allowed_senders = <>\n",
            "x@home.lan",
            null,
            null,
            "not in allowed_senders"),
        Arguments.of(
            "a glob does not match the null sender",
            "allowed_senders = *\n",
            "<>",
            null,
            null,
            "not in allowed_senders"),
        Arguments.of(
            "denied null sender",
            "denied_senders = <>\n",
            "<>",
            null,
            null,
            "sender <> matches '<>' of denied_senders"),
        Arguments.of(
            "local part only matches any domain", senders, "admin@isp.example", null, null, "ok"),
        Arguments.of(
            "local part is case-sensitive",
            senders,
            "ADMIN@isp.example",
            null,
            null,
            "not in allowed_senders"),
        Arguments.of(
            "deny beats allow",
            senders,
            "spammer@home.lan",
            null,
            null,
            "matches 'spam*@*' of denied_senders (/etc/masq/r.route:2)"),
        Arguments.of(
            "deny with domain matched caselessly",
            senders,
            "guest@home.LAN",
            null,
            null,
            "matches 'guest@HOME.lan' of denied_senders"),
        Arguments.of("allowed recipient", rcpts, "a@b.example", null, "bob@mail.example", "ok"),
        Arguments.of(
            "allowed recipient, local part only",
            rcpts,
            "a@b.example",
            null,
            "postmaster@x.org",
            "ok"),
        Arguments.of(
            "recipient not allowed",
            rcpts,
            "a@b.example",
            null,
            "bob@example.org",
            "recipient <bob@example.org> is not in allowed_recipients"),
        Arguments.of(
            "recipient denied although allowed",
            rcpts,
            "a@b.example",
            null,
            "bob@secret.example",
            "matches '*@secret.example' of denied_recipients"),
        Arguments.of(
            "recipient denied by local part",
            "denied_recipients = root\n",
            "a@b.example",
            null,
            "root@any.example",
            "denied_recipients"),
        Arguments.of("message check without recipient", rcpts, "a@b.example", null, null, "ok"),
        Arguments.of(
            "From: allowed", froms, "x@y.example", "From: John <john@home.lan>\n", null, "ok"),
        Arguments.of(
            "From: unqualified is qualified with host_name",
            froms,
            "x@y.example",
            "From: john\n",
            null,
            "ok"),
        Arguments.of(
            "From: not allowed",
            froms,
            "x@y.example",
            "From: john@example.org\n",
            null,
            "From: address <john@example.org> is not in allowed_from_hdrs"),
        Arguments.of(
            "From: denied",
            froms,
            "x@y.example",
            "From: Eve <eve@home.lan>\n",
            null,
            "denied_from_hdrs"),
        Arguments.of(
            "From: every address counts, not only the first",
            froms,
            "x@y.example",
            "From: a@home.lan, b@example.org\n",
            null,
            "From: address <b@example.org> is not in allowed_from_hdrs"),
        Arguments.of(
            "From: ok@allowed, x@denied is refused",
            "denied_from_hdrs = *@denied\n",
            "x@y.example",
            "From: ok@allowed, x@denied\n",
            null,
            "<x@denied> matches '*@denied' of denied_from_hdrs"),
        Arguments.of(
            "From: a group's members count",
            "denied_from_hdrs = *@denied\n",
            "x@y.example",
            "From: team: ok@allowed, \"X, Y\" <x@denied>;\n",
            null,
            "denied_from_hdrs"),
        Arguments.of(
            "From: an address read around an unclosed quote counts",
            "denied_from_hdrs = *@denied\n",
            "x@y.example",
            "From: \"Eve <eve@denied>\n",
            null,
            "denied_from_hdrs"),
        Arguments.of(
            "From: all of several allowed",
            froms,
            "x@y.example",
            "From: a@home.lan, (c) B <b@home.lan>\n",
            null,
            "ok"),
        Arguments.of(
            "From: unparseable refuses",
            froms,
            "x@y.example",
            "From: not an address\n",
            null,
            "unreadable address in the From: header: 'not an address'"),
        Arguments.of(
            "From: one unreadable element among good ones refuses",
            "denied_from_hdrs = *@denied\n",
            "x@y.example",
            "From: ok@allowed, <x@denied junk>\n",
            null,
            "unreadable address in the From: header: '<x@denied junk>'"),
        Arguments.of(
            "From: without any address refuses",
            froms,
            "x@y.example",
            "From: undisclosed:;\n",
            null,
            "holds no address"),
        Arguments.of(
            "every From: header counts",
            "denied_from_hdrs = *@denied\n",
            "x@y.example",
            "From: ok@allowed\nFrom: x@denied\n",
            null,
            "denied_from_hdrs"),
        Arguments.of("no From: allows", froms, "x@y.example", "Subject: hi\n", null, "ok"),
        Arguments.of(
            "unparseable From: ignored without from lists",
            senders,
            "john@home.lan",
            "From: not an address\n",
            null,
            "ok"),
        Arguments.of(
            "sender checked before recipient",
            senders + rcpts,
            "john@example.org",
            null,
            "bob@secret.example",
            "allowed_senders"),
        // masqmail 0.2 route files: the old condition names still restrict the route
        Arguments.of(
            "0.2: allowed_rcpt_domains admits its domain",
            old02,
            "u@home.lan",
            null,
            "x@isp.example",
            "ok"),
        Arguments.of(
            "0.2: allowed_rcpt_domains refuses other domains",
            old02,
            "u@home.lan",
            null,
            "x@other.example",
            "not in allowed_recipients"),
        Arguments.of(
            "0.2: not_allowed_rcpt_domains refuses",
            old02,
            "u@home.lan",
            null,
            "x@bad.isp.example",
            "matches '*@bad.isp.example'"),
        Arguments.of(
            "0.2: allowed_return_paths admits", old02, "boss@corp.example", null, null, "ok"),
        Arguments.of(
            "0.2: allowed_mail_locals admits that local part",
            old02,
            "u@home.lan",
            null,
            null,
            "ok"),
        Arguments.of(
            "0.2: sender in neither list refused",
            old02,
            "eve@home.lan",
            null,
            null,
            "not in allowed_senders"),
        Arguments.of(
            "0.2: not_allowed_mail_locals refuses",
            old02,
            "root@home.lan",
            null,
            null,
            "matches 'root'"),
        Arguments.of(
            "0.2: not_allowed_return_paths refuses",
            old02,
            "spam@corp.example",
            null,
            null,
            "matches 'spam@corp.example'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(
      String what, String routeText, String sender, String header, String rcpt, String expected)
      throws Exception {
    Route r = Route.parse(routeText, Path.of("/etc/masq/r.route"), false);
    List<Header> hs = new ArrayList<>();
    if (header != null) {
      header.lines().forEach(l -> hs.add(new Header(l.substring(0, l.indexOf(':')), l + "\n")));
    }
    Address to = rcpt == null ? null : AddressParser.parseEnvelope(rcpt);
    RouteDecision d = r.admits(AddressParser.parseEnvelope(sender), hs, to, "home.lan");
    if (expected.equals("ok")) {
      assertTrue(d.allowed(), what + ": " + d.reason());
      assertNull(d.reason());
    } else {
      assertEquals(false, d.allowed(), what);
      assertTrue(d.reason().contains(expected), what + ": " + d.reason());
      assertTrue(d.reason().startsWith("route r: "), d.reason());
    }
  }
}
