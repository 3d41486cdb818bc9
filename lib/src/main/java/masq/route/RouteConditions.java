package masq.route;

import java.util.List;
import java.util.stream.Stream;
import masq.MasqException;
import masq.Printable;
import masq.address.Address;
import masq.address.AddressParser;
import masq.address.Mailbox;
import masq.config.RouteConfig;
import masq.message.Header;

/**
 * A route's conditions (masq.route(5)): which senders, recipients and From: addresses may use it,
 * and the answer for one message ({@link #admits}).
 *
 * @param allowedSenders {@code allowed_senders}, with masqmail 0.2's {@code allowed_return_paths}
 *     and {@code allowed_mail_locals}
 * @param deniedSenders {@code denied_senders}, with {@code not_allowed_return_paths} and {@code
 *     not_allowed_mail_locals}
 * @param allowedRecipients {@code allowed_recipients}, with {@code allowed_rcpt_domains} as {@code
 *     *@DOMAIN}
 * @param deniedRecipients {@code denied_recipients}, with {@code not_allowed_rcpt_domains}
 * @param allowedFromHdrs {@code allowed_from_hdrs}
 * @param deniedFromHdrs {@code denied_from_hdrs}
 */
record RouteConditions(
    List<AddressPattern> allowedSenders,
    List<AddressPattern> deniedSenders,
    List<AddressPattern> allowedRecipients,
    List<AddressPattern> deniedRecipients,
    List<AddressPattern> allowedFromHdrs,
    List<AddressPattern> deniedFromHdrs) {

  /** The conditions of a route file; a bad pattern is a configuration error naming its line. */
  static RouteConditions read(RouteConfig rc) throws MasqException {
    // masqmail 0.2's conditions join the lists that replaced them in masqmail 0.3:
    // *_mail_locals and *_return_paths the sender lists, *_rcpt_domains (as *@DOMAIN) the
    // recipient lists, so an old route file stays as strict as it was
    return new RouteConditions(
        join(
            patterns(rc, RouteOption.ALLOWED_SENDERS),
            patterns(rc, RouteOption.ALLOWED_RETURN_PATHS),
            patterns(rc, RouteOption.ALLOWED_MAIL_LOCALS)),
        join(
            patterns(rc, RouteOption.DENIED_SENDERS),
            patterns(rc, RouteOption.NOT_ALLOWED_RETURN_PATHS),
            patterns(rc, RouteOption.NOT_ALLOWED_MAIL_LOCALS)),
        join(
            patterns(rc, RouteOption.ALLOWED_RECIPIENTS),
            domains(rc, RouteOption.ALLOWED_RCPT_DOMAINS)),
        join(
            patterns(rc, RouteOption.DENIED_RECIPIENTS),
            domains(rc, RouteOption.NOT_ALLOWED_RCPT_DOMAINS)),
        patterns(rc, RouteOption.ALLOWED_FROM_HDRS),
        patterns(rc, RouteOption.DENIED_FROM_HDRS));
  }

  private static List<AddressPattern> patterns(RouteConfig rc, RouteOption option)
      throws MasqException {
    return RouteValues.items(rc, option, AddressPattern::parse);
  }

  /** masqmail 0.2's domain lists: each item DOMAIN is the pattern *@DOMAIN. */
  private static List<AddressPattern> domains(RouteConfig rc, RouteOption option)
      throws MasqException {
    return RouteValues.items(
        rc, option, (text, where, opt) -> AddressPattern.parse("*@" + text, where, opt));
  }

  @SafeVarargs
  private static List<AddressPattern> join(List<AddressPattern>... lists) {
    return Stream.of(lists).flatMap(List::stream).toList();
  }

  /** See {@link Route#admits}; refusals name route {@code route}. */
  RouteDecision admits(
      String route, Address sender, List<Header> headers, Address recipient, String hostName) {
    RouteDecision d = check(route, "sender", sender, allowedSenders, deniedSenders, "senders");
    if (!d.allowed()) {
      return d;
    }
    if (!allowedFromHdrs.isEmpty() || !deniedFromHdrs.isEmpty()) {
      for (Header h : headers) {
        if (!h.is("From")) {
          continue;
        }
        List<Mailbox> boxes = AddressParser.parseList(h.value());
        if (boxes.isEmpty()) {
          return RouteDecision.refused("route " + route + ": the From: header holds no address");
        }
        for (Mailbox m : boxes) {
          if (m.address() == null) {
            return RouteDecision.refused(
                "route "
                    + route
                    + ": unreadable address in the From: header: '"
                    + Printable.value(m.text().strip())
                    + "'");
          }
          d =
              check(
                  route,
                  "From: address",
                  m.address().qualify(hostName),
                  allowedFromHdrs,
                  deniedFromHdrs,
                  "from_hdrs");
          if (!d.allowed()) {
            return d;
          }
        }
      }
    }
    if (recipient != null) {
      return check(
          route, "recipient", recipient, allowedRecipients, deniedRecipients, "recipients");
    }
    return RouteDecision.ALLOWED;
  }

  private static RouteDecision check(
      String route,
      String what,
      Address a,
      List<AddressPattern> allowed,
      List<AddressPattern> denied,
      String list) {
    for (AddressPattern p : denied) {
      if (p.matches(a)) {
        return refused(
            route, what, a, " matches '" + p.text() + "' of denied_" + list + " (" + p.where());
      }
    }
    if (allowed.isEmpty()) {
      return RouteDecision.ALLOWED;
    }
    for (AddressPattern p : allowed) {
      if (p.matches(a)) {
        return RouteDecision.ALLOWED;
      }
    }
    return refused(route, what, a, " is not in allowed_" + list + " (" + allowed.get(0).where());
  }

  /** "route R: WHAT <A>" + {@code rule} + ")": a refusal naming the rule and where it is. */
  private static RouteDecision refused(String route, String what, Address a, String rule) {
    return RouteDecision.refused("route " + route + ": " + what + " " + a.bracketed() + rule + ")");
  }

  /** The {@link Route#describe} lines of the conditions. */
  void describe(StringBuilder sb) {
    RouteValues.line(sb, RouteOption.ALLOWED_SENDERS, texts(allowedSenders));
    RouteValues.line(sb, RouteOption.DENIED_SENDERS, texts(deniedSenders));
    RouteValues.line(sb, RouteOption.ALLOWED_RECIPIENTS, texts(allowedRecipients));
    RouteValues.line(sb, RouteOption.DENIED_RECIPIENTS, texts(deniedRecipients));
    RouteValues.line(sb, RouteOption.ALLOWED_FROM_HDRS, texts(allowedFromHdrs));
    RouteValues.line(sb, RouteOption.DENIED_FROM_HDRS, texts(deniedFromHdrs));
  }

  private static String texts(List<AddressPattern> ps) {
    return String.join("; ", ps.stream().map(AddressPattern::text).toList());
  }
}
