package masq.route;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import masq.MasqException;
import masq.address.Address;
import masq.address.AddressParser;
import masq.config.ConfigSyntax;
import masq.config.RouteConfig;
import masq.config.Setting;
import masq.config.Values;

/**
 * Reads the values of a route file's options as typed values, or throws a configuration error
 * naming file and line (exit 78): the shared part of {@link Route}, {@link RouteConditions}, {@link
 * RouteMaps} and {@link RouteTransport}, which each read their own options.
 */
final class RouteValues {
  private RouteValues() {}

  /** Reads one list item of a route option. */
  interface ItemParser<T> {
    T parse(String text, String where, String option) throws MasqException;
  }

  /** The items of list option {@code option}, each parsed; empty when the option is not set. */
  static <T> List<T> items(RouteConfig rc, RouteOption option, ItemParser<T> parser)
      throws MasqException {
    Setting s = option.in(rc);
    if (s == null) {
      return List.of();
    }
    List<T> out = new ArrayList<>();
    for (ConfigSyntax.ListItem i : ConfigSyntax.items(s)) {
      out.add(parser.parse(i.text(), i.where(), option.key()));
    }
    return List.copyOf(out);
  }

  static List<MapRule> rules(RouteConfig rc, RouteOption option) throws MasqException {
    return items(rc, option, MapRule::parse);
  }

  static String domain(Setting s) throws MasqException {
    String d = s.value().strip();
    try {
      Address a = AddressParser.parseAddrSpec("x@" + d, d);
      return a.domain();
    } catch (MasqException e) {
      throw Values.bad(s, "expected a domain");
    }
  }

  static boolean bool(RouteConfig rc, RouteOption option, boolean def) throws MasqException {
    Setting s = option.in(rc);
    return s == null ? def : Values.bool(s);
  }

  static String str(RouteConfig rc, RouteOption option) {
    Setting s = option.in(rc);
    return s == null ? null : s.value();
  }

  /** A file name option (not blank), resolved against the route file's directory, or null. */
  static Path path(RouteConfig rc, RouteOption option) throws MasqException {
    Setting s = option.in(rc);
    if (s != null && s.value().isBlank()) {
      throw Values.bad(s, "expected a file name");
    }
    return rc.path(option.key());
  }

  static int port(Setting s, String v) throws MasqException {
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
  static String command(RouteConfig rc, RouteOption option) throws MasqException {
    Setting s = option.in(rc);
    if (s == null) {
      return null;
    }
    String err = Words.check(s.value());
    if (err != null) {
      throw Values.bad(s, err);
    }
    return s.value();
  }

  /** One {@code option = value} line of {@link Route#describe}. */
  static void line(StringBuilder sb, RouteOption option, Object value) {
    line(sb, option.key(), value);
  }

  /** A line of {@link Route#describe} that is not one option's: {@code port}, derived. */
  static void line(StringBuilder sb, String what, Object value) {
    sb.append("  ").append(what).append(" = ").append(value).append('\n');
  }
}
