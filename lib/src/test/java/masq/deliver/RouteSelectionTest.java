package masq.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import masq.MasqException;
import masq.config.Config;
import masq.route.Route;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which routes a run may use: permanent ones always, then the one --route, online_query or
 * online_file names.
 */
class RouteSelectionTest {
  @TempDir Path dir;
  Path query;

  @BeforeEach
  void files() throws Exception {
    for (String r : new String[] {"lan", "isp1", "isp1b", "isp2"}) {
      Files.writeString(dir.resolve(r + ".route"), "mail_host = " + r + ".example\n");
    }
    query = dir.resolve("query.sh");
    Files.writeString(query, "#!/bin/sh\nprintf '%s\\nsecond line\\n' \"$1\"\nexit ${2:-0}\n");
    Files.setPosixFilePermissions(query, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  Config cfg(String extra) throws MasqException {
    return Config.parse(
        "host_name = h.example\npermanent_routes = lan.route\n"
            + "query_routes.isp1 = \"isp1.route;isp1b.route\"\nquery_routes.isp2 = isp2.route\n"
            + extra,
        dir.resolve("masq.conf"),
        Map.of(),
        true);
  }

  static List<String> names(RouteSelection s) {
    return s.routes().stream().map(Route::name).toList();
  }

  @Test
  void routeNamedOnTheCommandLineComesAfterThePermanentOnes() throws Exception {
    RouteSelection s = RouteSelection.of(cfg("online_file = nosuch\n"), "isp1", true);
    assertEquals(List.of("lan", "isp1", "isp1b"), names(s));
    assertEquals("isp1", s.online());
    MasqException e =
        assertThrows(MasqException.class, () -> RouteSelection.of(cfg(""), "isp9", true));
    assertEquals(69, e.exitCode());
  }

  @Test
  void onlineQueryFirstLineTrimmedWhenItExitsZero() throws Exception {
    RouteSelection s =
        RouteSelection.of(cfg("online_query = \"" + query + " '  isp2  '\"\n"), null, true);
    assertEquals(List.of("lan", "isp2"), names(s));
    assertEquals("isp2", s.online());
    for (String bad :
        new String[] {
          query + " isp2 1", query + " ''", query + " isp7", dir.resolve("missing") + " isp2"
        }) {
      RouteSelection n = RouteSelection.of(cfg("online_query = \"" + bad + "\"\n"), null, true);
      assertEquals(List.of("lan"), names(n), bad);
      assertNull(n.online());
      assertTrue(n.why().contains("nothing online"), n.why());
    }
  }

  @Test
  void onlineFileWhenThereIsNoQuery() throws Exception {
    Path f = dir.resolve("online");
    assertNull(RouteSelection.of(cfg("online_file = online\n"), null, true).online());
    Files.writeString(f, "isp1\nisp2\n");
    assertEquals(
        List.of("lan", "isp1", "isp1b"),
        names(RouteSelection.of(cfg("online_file = online\n"), null, true)));
    Files.writeString(f, "\n");
    assertNull(RouteSelection.of(cfg("online_file = online\n"), null, true).online());
    RouteSelection none = RouteSelection.of(cfg(""), null, true);
    assertEquals(List.of("lan"), names(none));
    assertTrue(none.why().contains("nothing online"), none.why());
  }
}
