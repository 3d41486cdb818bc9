package masq.route;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import masq.MasqException;
import masq.config.RouteConfig;
import masq.config.Setting;

/**
 * A route's address rewriting (masq.route(5)): the rules of the {@code map_*} options, which {@code
 * masq.rewrite} applies, and whether addresses without a domain are qualified.
 *
 * @param byTarget the rules of the specific map of each target, masqmail's {@code set_*_domain}
 *     last; an empty list when none
 * @param outgoingRules the rules of {@code map_outgoing_addresses}: searched after the specific map
 * @param qualifyHeaderAddresses {@code qualify_header_addresses} (default true): an address without
 *     a domain in an address header ({@code From: john}, {@code Cc: carol}) leaves over this route
 *     with {@code @host_name}; false sends it as written, as masqmail does
 */
public record RouteMaps(
    Map<MapTarget, List<MapRule>> byTarget,
    List<MapRule> outgoingRules,
    boolean qualifyHeaderAddresses) {

  /** The rules of the specific maps of a route file, {@code set_*_domain} last. */
  static Map<MapTarget, List<MapRule>> specificRules(RouteConfig rc) throws MasqException {
    Map<MapTarget, List<MapRule>> m = new EnumMap<>(MapTarget.class);
    for (MapTarget t : MapTarget.values()) {
      List<MapRule> rules = new ArrayList<>(RouteValues.rules(rc, t.option()));
      RouteOption old =
          switch (t) {
            case FROM -> RouteOption.SET_H_FROM_DOMAIN;
            case REPLY_TO -> RouteOption.SET_H_REPLY_TO_DOMAIN;
            case RETURN_PATH -> RouteOption.SET_RETURN_PATH_DOMAIN;
            default -> null;
          };
      Setting s = old == null ? null : old.in(rc);
      if (s != null) {
        rules.add(MapRule.domainRule(RouteValues.domain(s), s.where()));
      }
      m.put(t, List.copyOf(rules));
    }
    return m;
  }

  /** The rules of the specific map for {@code t}, set_*_domain last; empty when none. */
  public List<MapRule> rules(MapTarget t) {
    return byTarget.get(t);
  }

  /** True when the route has any rewrite rule. */
  boolean rewrites() {
    return !outgoingRules.isEmpty() || byTarget.values().stream().anyMatch(l -> !l.isEmpty());
  }

  /** The {@link Route#describe} lines of the maps. */
  void describe(StringBuilder sb) {
    for (MapTarget t : MapTarget.values()) {
      RouteValues.line(sb, t.option(), ruleTexts(byTarget.get(t)));
    }
    RouteValues.line(sb, MapTarget.OUTGOING, ruleTexts(outgoingRules));
    RouteValues.line(sb, RouteOption.QUALIFY_HEADER_ADDRESSES, qualifyHeaderAddresses);
  }

  private static String ruleTexts(List<MapRule> rs) {
    return String.join("; ", rs.stream().map(r -> r.pattern() + ": " + r.text()).toList());
  }
}
