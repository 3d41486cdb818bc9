package masq.route;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import masq.MasqException;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.address.Mailbox;
import masq.config.ConfigSyntax;
import masq.config.RouteConfig;
import masq.config.Setting;
import masq.config.Values;
import masq.message.Header;

/**
 * One route ({@code NAME.route}) with every option of masq.route(5) read, validated and typed. A
 * bad value is a configuration error naming file and line (exit 78). Immutable.
 *
 * <p>The conditions ({@code allowed_}/{@code denied_} senders, recipients and From: headers) are
 * answered by {@link #admits}; the rewrite rules are read by {@code masq.rewrite}; the transport
 * options are for remote delivery.
 */
public final class Route {
  /** How the SMTP peer is reached when there is no {@code mail_host}. */
  public enum Resolver {
    DNS_MX,
    BYNAME
  }

  /** {@code tls}: none, STARTTLS (required when set), or TLS from the start. */
  public enum Tls {
    NONE,
    STARTTLS,
    SMTPS
  }

  /** {@code auth_name}: the SMTP AUTH mechanism. */
  public enum Auth {
    PLAIN,
    LOGIN,
    CRAM_MD5
  }

  private final String name;
  private final Path file;
  private final String link;
  private final List<String> warnings;

  private final List<AddressPattern> allowedSenders;
  private final List<AddressPattern> deniedSenders;
  private final List<AddressPattern> allowedRecipients;
  private final List<AddressPattern> deniedRecipients;
  private final List<AddressPattern> allowedFromHdrs;
  private final List<AddressPattern> deniedFromHdrs;
  private final Map<MapTarget, List<MapRule>> maps;
  private final List<MapRule> outgoing;

  private final boolean lastRoute;
  private final boolean qualifyHeaderAddresses;
  private final boolean connectErrorFail;
  private final String mailHost;
  private final int mailHostPort;
  private final Integer smtpPort;
  private final List<Resolver> resolveList;
  private final String heloName;
  private final boolean doCorrectHelo;
  private final boolean instantHelo;
  private final boolean doPipelining;
  private final Tls tls;
  private final boolean tlsVerify;
  private final Path tlsTrustFile;
  private final Auth authName;
  private final String authLogin;
  private final String authSecret;
  private final String wrapper;
  private final String pipe;
  private final boolean pipeFromline;
  private final boolean pipeFromhack;

  private Route(RouteConfig rc, String link) throws MasqException {
    this.name = rc.name();
    this.file = rc.file();
    this.link = link;
    List<String> warn = new ArrayList<>(rc.warnings());
    // masqmail 0.2's conditions join the lists that replaced them in masqmail 0.3:
    // *_mail_locals and *_return_paths the sender lists, *_rcpt_domains (as *@DOMAIN) the
    // recipient lists, so an old route file stays as strict as it was
    this.allowedSenders =
        join(
            patterns(rc, "allowed_senders"),
            patterns(rc, "allowed_return_paths"),
            patterns(rc, "allowed_mail_locals"));
    this.deniedSenders =
        join(
            patterns(rc, "denied_senders"),
            patterns(rc, "not_allowed_return_paths"),
            patterns(rc, "not_allowed_mail_locals"));
    this.allowedRecipients =
        join(patterns(rc, "allowed_recipients"), domains(rc, "allowed_rcpt_domains"));
    this.deniedRecipients =
        join(patterns(rc, "denied_recipients"), domains(rc, "not_allowed_rcpt_domains"));
    this.allowedFromHdrs = patterns(rc, "allowed_from_hdrs");
    this.deniedFromHdrs = patterns(rc, "denied_from_hdrs");

    Map<MapTarget, List<MapRule>> m = new EnumMap<>(MapTarget.class);
    for (MapTarget t : MapTarget.values()) {
      List<MapRule> rules = new ArrayList<>(rules(rc, t.option()));
      String old =
          switch (t) {
            case FROM -> "set_h_from_domain";
            case REPLY_TO -> "set_h_reply_to_domain";
            case RETURN_PATH -> "set_return_path_domain";
            default -> null;
          };
      Setting s = old == null ? null : rc.setting(old);
      if (s != null) {
        rules.add(MapRule.domainRule(domain(s), s.where()));
      }
      m.put(t, List.copyOf(rules));
    }
    this.maps = m;
    this.outgoing = rules(rc, MapTarget.OUTGOING);

    this.lastRoute = bool(rc, "last_route", false);
    this.qualifyHeaderAddresses = bool(rc, "qualify_header_addresses", true);
    this.connectErrorFail = bool(rc, "connect_error_fail", false);
    Setting mh = rc.setting("mail_host");
    if (mh == null) {
      this.mailHost = null;
      this.mailHostPort = 0;
    } else {
      String v = mh.value().strip();
      String host = v;
      int port = 0;
      int colon =
          v.startsWith("[") ? v.indexOf(':', Math.max(0, v.indexOf(']'))) : v.lastIndexOf(':');
      if (colon >= 0) {
        host = v.substring(0, colon);
        port = port(mh, v.substring(colon + 1));
      }
      if (!isHost(host)) {
        throw Values.bad(mh, "expected host or host:port (an IPv6 address in [brackets])");
      }
      this.mailHost = host;
      this.mailHostPort = port;
    }
    Setting sp = rc.setting("smtp_port");
    this.smtpPort = sp == null ? null : port(sp, sp.value().strip());
    Setting rl = rc.setting("resolve_list");
    if (rl == null) {
      this.resolveList = List.of(Resolver.DNS_MX, Resolver.BYNAME);
    } else {
      List<Resolver> rs = new ArrayList<>();
      for (String item : ConfigSyntax.list(rl)) {
        switch (item.toLowerCase(Locale.ROOT)) {
          case "dns_mx" -> rs.add(Resolver.DNS_MX);
          case "byname" -> rs.add(Resolver.BYNAME);
          case "dns_a" -> {
            warn.add(rl.where() + ": resolve_list: dns_a is part of dns_mx since masqmail 1.0");
            rs.add(Resolver.DNS_MX);
          }
          default -> throw Values.bad(rl, "'" + item + "' is not dns_mx or byname");
        }
      }
      if (rs.isEmpty()) {
        throw Values.bad(rl, "expected dns_mx, byname or both");
      }
      this.resolveList = List.copyOf(rs);
    }
    Setting hn = rc.setting("helo_name");
    if (hn != null && !isHost(hn.value().strip())) {
      throw Values.bad(hn, "expected a host name");
    }
    this.heloName = hn == null ? null : hn.value().strip();
    this.doCorrectHelo = bool(rc, "do_correct_helo", false);
    this.instantHelo = bool(rc, "instant_helo", false);
    this.doPipelining = bool(rc, "do_pipelining", true);
    Setting tl = rc.setting("tls");
    this.tls =
        tl == null
            ? Tls.NONE
            : switch (tl.value().strip().toLowerCase(Locale.ROOT)) {
              case "none", "" -> Tls.NONE;
              case "starttls" -> Tls.STARTTLS;
              case "smtps" -> Tls.SMTPS;
              default -> throw Values.bad(tl, "expected none, starttls or smtps");
            };
    this.tlsVerify = bool(rc, "tls_verify", true);
    Setting tf = rc.setting("tls_trust_file");
    if (tf != null && tf.value().isBlank()) {
      throw Values.bad(tf, "expected a file name");
    }
    this.tlsTrustFile = rc.path("tls_trust_file");
    Setting an = rc.setting("auth_name");
    this.authName =
        an == null
            ? null
            : switch (an.value().strip().toLowerCase(Locale.ROOT)) {
              case "plain" -> Auth.PLAIN;
              case "login" -> Auth.LOGIN;
              case "cram-md5" -> Auth.CRAM_MD5;
              default -> throw Values.bad(an, "expected plain, login or cram-md5");
            };
    this.authLogin = str(rc, "auth_login");
    this.authSecret = str(rc, "auth_secret");
    if (authName != null && (authLogin == null || authSecret == null)) {
      throw Values.bad(an, "auth_name needs auth_login and auth_secret");
    }
    this.wrapper = command(rc, "wrapper");
    this.pipe = command(rc, "pipe");
    if (wrapper != null && pipe != null) {
      throw Values.bad(rc.setting("pipe"), "a route has either wrapper or pipe, not both");
    }
    if (tls != Tls.NONE && pipe != null) {
      throw Values.bad(rc.setting("tls"), "tls does not apply to a pipe route");
    }
    if (tls != Tls.NONE && wrapper != null) {
      throw Values.bad(
          rc.setting("tls"), "tls cannot be used with wrapper (the wrapper does TLS itself)");
    }
    this.pipeFromline = bool(rc, "pipe_fromline", false);
    this.pipeFromhack = bool(rc, "pipe_fromhack", false);
    this.warnings = List.copyOf(warn);
  }

  /** A route from an already parsed route file. */
  public static Route of(RouteConfig rc) throws MasqException {
    return new Route(rc, null);
  }

  /** Reads and validates a route file, used on its own (no connection). */
  public static Route load(Path file, boolean strict) throws MasqException {
    return load(file, null, strict);
  }

  /**
   * Reads and validates a route file listed in {@code query_routes.LINK} ({@code link}), or in
   * {@code permanent_routes} ({@code link} null).
   */
  public static Route load(Path file, String link, boolean strict) throws MasqException {
    return new Route(RouteConfig.load(file, strict), link);
  }

  /** Parses route-file text as if read from {@code file} (for tests and tools). */
  public static Route parse(String text, Path file, boolean strict) throws MasqException {
    return new Route(RouteConfig.parse(text, file, strict), null);
  }

  /** Reads one list item of a route option. */
  private interface ItemParser<T> {
    T parse(String text, String where, String option) throws MasqException;
  }

  /** The items of list option {@code option}, each parsed; empty when the option is not set. */
  private static <T> List<T> items(RouteConfig rc, String option, ItemParser<T> parser)
      throws MasqException {
    Setting s = rc.setting(option);
    if (s == null) {
      return List.of();
    }
    List<T> out = new ArrayList<>();
    for (ConfigSyntax.Item i : ConfigSyntax.items(s)) {
      out.add(parser.parse(i.text(), i.where(), option));
    }
    return List.copyOf(out);
  }

  private static List<AddressPattern> patterns(RouteConfig rc, String option) throws MasqException {
    return items(rc, option, AddressPattern::parse);
  }

  /** masqmail 0.2's domain lists: each item DOMAIN is the pattern *@DOMAIN. */
  private static List<AddressPattern> domains(RouteConfig rc, String option) throws MasqException {
    return items(rc, option, (text, where, opt) -> AddressPattern.parse("*@" + text, where, opt));
  }

  @SafeVarargs
  private static List<AddressPattern> join(List<AddressPattern>... lists) {
    return Stream.of(lists).flatMap(List::stream).toList();
  }

  private static List<MapRule> rules(RouteConfig rc, String option) throws MasqException {
    return items(rc, option, MapRule::parse);
  }

  private static String domain(Setting s) throws MasqException {
    String d = s.value().strip();
    try {
      Address a = AddressParser.parseAddrSpec("x@" + d, d);
      return a.domain();
    } catch (MasqException e) {
      throw Values.bad(s, "expected a domain");
    }
  }

  private static boolean bool(RouteConfig rc, String option, boolean def) throws MasqException {
    Setting s = rc.setting(option);
    return s == null ? def : Values.bool(s);
  }

  private static String str(RouteConfig rc, String option) {
    Setting s = rc.setting(option);
    return s == null ? null : s.value();
  }

  private static int port(Setting s, String v) throws MasqException {
    if (v.isEmpty()
        || v.length() > 5
        || !v.chars().allMatch(c -> c >= '0' && c <= '9')
        || Integer.parseInt(v) < 1
        || Integer.parseInt(v) > 65535) {
      throw Values.bad(s, "'" + v + "' is not a port number (1-65535)");
    }
    return Integer.parseInt(v);
  }

  /** A host name, an IPv4 address or an address literal in brackets. */
  static boolean isHost(String h) {
    if (h.startsWith("[")) {
      String lit = h.regionMatches(true, 1, "IPv6:", 0, 5) ? "[" + h.substring(6) : h;
      return lit.length() > 2
          && lit.endsWith("]")
          && lit.substring(1, lit.length() - 1)
              .chars()
              .allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }
    if (h.isEmpty()
        || h.length() > 253
        || h.startsWith(".")
        || h.startsWith("-")
        || h.contains("..")) {
      return false;
    }
    return h.chars()
        .allMatch(c ->
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_');
  }

  /** A command option: must split like a shell command line into at least one word. */
  private static String command(RouteConfig rc, String option) throws MasqException {
    Setting s = rc.setting(option);
    if (s == null) {
      return null;
    }
    String err = Words.check(s.value());
    if (err != null) {
      throw Values.bad(s, err);
    }
    return s.value();
  }

  // ---- conditions ----

  /**
   * May a message with return path {@code sender} and header section {@code headers} go over this
   * route, and (when {@code recipient} is not null) may it go there to {@code recipient}? Refusals
   * name the rule. The sender: a match in denied_senders refuses; when allowed_senders is set, the
   * sender must match it. The From: header (only when a from_hdrs list is set): every address of
   * every From:, qualified with {@code hostName}, the same logic, each must pass; a From: with an
   * element that cannot be read (or no address at all) refuses, no From: allows. The recipient:
   * likewise with the recipient lists.
   */
  public RouteDecision admits(
      Address sender, List<Header> headers, Address recipient, String hostName) {
    RouteDecision d = check("sender", sender, allowedSenders, deniedSenders, "senders");
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
          return RouteDecision.refused("route " + name + ": the From: header holds no address");
        }
        for (Mailbox m : boxes) {
          if (m.address() == null) {
            return RouteDecision.refused(
                "route "
                    + name
                    + ": unreadable address in the From: header: '"
                    + AddressException.printable(m.text().strip())
                    + "'");
          }
          d =
              check(
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
      return check("recipient", recipient, allowedRecipients, deniedRecipients, "recipients");
    }
    return RouteDecision.ALLOWED;
  }

  private RouteDecision check(
      String what,
      Address a,
      List<AddressPattern> allowed,
      List<AddressPattern> denied,
      String list) {
    for (AddressPattern p : denied) {
      if (p.matches(a)) {
        return RouteDecision.refused(
            "route "
                + name
                + ": "
                + what
                + " "
                + a.bracketed()
                + " matches '"
                + p.text()
                + "' of denied_"
                + list
                + " ("
                + p.where()
                + ")");
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
    return RouteDecision.refused(
        "route "
            + name
            + ": "
            + what
            + " "
            + a.bracketed()
            + " is not in allowed_"
            + list
            + " ("
            + allowed.get(0).where()
            + ")");
  }

  // ---- accessors ----

  /** The route's name: its file name without {@code .route}. */
  public String name() {
    return name;
  }

  public Path file() {
    return file;
  }

  /**
   * The connection whose {@code query_routes.LINK} list this route was loaded from, or null for a
   * permanent route or a route file used on its own.
   */
  public String link() {
    return link;
  }

  /**
   * How logs and {@code --dry-run} name this route: {@code route=NAME link=LINK} for a query route,
   * {@code route=NAME} for a permanent one (see masq-deliver(8)).
   */
  public String tag() {
    return link == null ? "route=" + name : "route=" + name + " link=" + link;
  }

  /** Warnings (unknown or not applicable options), each naming file and line. */
  public List<String> warnings() {
    return warnings;
  }

  /** The rules of the specific map for {@code t}, set_*_domain last; empty when none. */
  public List<MapRule> rules(MapTarget t) {
    return maps.get(t);
  }

  /** The rules of {@code map_outgoing_addresses}: searched after the specific map. */
  public List<MapRule> outgoingRules() {
    return outgoing;
  }

  /**
   * {@code qualify_header_addresses} (default true): an address without a domain in an address
   * header ({@code From: john}, {@code Cc: carol}) leaves over this route with {@code @host_name};
   * false sends it as written, as masqmail does.
   */
  public boolean qualifyHeaderAddresses() {
    return qualifyHeaderAddresses;
  }

  /** True when the route has any rewrite rule. */
  public boolean rewrites() {
    return !outgoing.isEmpty() || maps.values().stream().anyMatch(l -> !l.isEmpty());
  }

  public List<AddressPattern> allowedSenders() {
    return allowedSenders;
  }

  public List<AddressPattern> deniedSenders() {
    return deniedSenders;
  }

  public List<AddressPattern> allowedRecipients() {
    return allowedRecipients;
  }

  public List<AddressPattern> deniedRecipients() {
    return deniedRecipients;
  }

  public List<AddressPattern> allowedFromHdrs() {
    return allowedFromHdrs;
  }

  public List<AddressPattern> deniedFromHdrs() {
    return deniedFromHdrs;
  }

  public boolean lastRoute() {
    return lastRoute;
  }

  public boolean connectErrorFail() {
    return connectErrorFail;
  }

  /** The smart host, or null to look up each recipient domain. */
  public String mailHost() {
    return mailHost;
  }

  /**
   * The TCP port: the {@code mail_host} port, else {@code smtp_port}, else 465 with {@code tls =
   * smtps} and 25 otherwise.
   */
  public int port() {
    if (mailHostPort > 0) {
      return mailHostPort;
    }
    if (smtpPort != null) {
      return smtpPort;
    }
    return tls == Tls.SMTPS ? 465 : 25;
  }

  public List<Resolver> resolveList() {
    return resolveList;
  }

  /** {@code helo_name}, or null for host_name. */
  public String heloName() {
    return heloName;
  }

  public boolean doCorrectHelo() {
    return doCorrectHelo;
  }

  public boolean instantHelo() {
    return instantHelo;
  }

  public boolean doPipelining() {
    return doPipelining;
  }

  public Tls tls() {
    return tls;
  }

  public boolean tlsVerify() {
    return tlsVerify;
  }

  /** A PEM file of trusted certificates (for a private CA), or null for the JDK's. */
  public Path tlsTrustFile() {
    return tlsTrustFile;
  }

  /** The AUTH mechanism, or null for no AUTH. */
  public Auth authName() {
    return authName;
  }

  public String authLogin() {
    return authLogin;
  }

  public String authSecret() {
    return authSecret;
  }

  /** The command to talk SMTP through instead of a socket, or null. */
  public String wrapper() {
    return wrapper;
  }

  /** The command each recipient's message is piped to instead of SMTP, or null. */
  public String pipe() {
    return pipe;
  }

  public boolean pipeFromline() {
    return pipeFromline;
  }

  public boolean pipeFromhack() {
    return pipeFromhack;
  }

  /** Every option with its value in force (defaults included), one per line; secrets hidden. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("route ").append(name).append(" (").append(file).append(")\n");
    line(sb, "allowed_senders", texts(allowedSenders));
    line(sb, "denied_senders", texts(deniedSenders));
    line(sb, "allowed_recipients", texts(allowedRecipients));
    line(sb, "denied_recipients", texts(deniedRecipients));
    line(sb, "allowed_from_hdrs", texts(allowedFromHdrs));
    line(sb, "denied_from_hdrs", texts(deniedFromHdrs));
    for (MapTarget t : MapTarget.values()) {
      line(sb, t.option(), ruleTexts(maps.get(t)));
    }
    line(sb, MapTarget.OUTGOING, ruleTexts(outgoing));
    line(sb, "qualify_header_addresses", qualifyHeaderAddresses);
    line(sb, "last_route", lastRoute);
    line(sb, "connect_error_fail", connectErrorFail);
    line(
        sb,
        "mail_host",
        mailHost == null
            ? "(none: by recipient domain)"
            : mailHost + (mailHostPort > 0 ? ":" + mailHostPort : ""));
    line(sb, "port", port());
    line(
        sb,
        "resolve_list",
        String.join(
            ";", resolveList.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList()));
    line(sb, "helo_name", heloName == null ? "(host_name)" : heloName);
    line(sb, "do_correct_helo", doCorrectHelo);
    line(sb, "instant_helo", instantHelo);
    line(sb, "do_pipelining", doPipelining);
    line(sb, "tls", tls.name().toLowerCase(Locale.ROOT));
    line(sb, "tls_verify", tlsVerify);
    line(
        sb,
        "tls_trust_file",
        tlsTrustFile == null ? "(the JDK's trusted certificates)" : tlsTrustFile);
    line(
        sb,
        "auth_name",
        authName == null
            ? "(no AUTH)"
            : authName.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    line(sb, "auth_login", authLogin == null ? "" : authLogin);
    line(sb, "auth_secret", authSecret == null ? "" : "(set, not shown)");
    line(sb, "wrapper", wrapper == null ? "" : wrapper);
    line(sb, "pipe", pipe == null ? "" : pipe);
    line(sb, "pipe_fromline", pipeFromline);
    line(sb, "pipe_fromhack", pipeFromhack);
    return sb.toString();
  }

  private static void line(StringBuilder sb, String option, Object value) {
    sb.append("  ").append(option).append(" = ").append(value).append('\n');
  }

  private static String texts(List<AddressPattern> ps) {
    return String.join("; ", ps.stream().map(AddressPattern::text).toList());
  }

  private static String ruleTexts(List<MapRule> rs) {
    return String.join("; ", rs.stream().map(r -> r.pattern() + ": " + r.text()).toList());
  }
}
