package masq.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import masq.MasqException;
import masq.config.Config;
import masq.config.RouteConfig;
import masq.route.Route;
import masq.route.RouteOption;
import org.junit.jupiter.api.Test;

/**
 * masq.conf and route files as a user (or a hostile file) may write them, mutated from the
 * examples: read, or refused with masq's configuration error; never another exception.
 */
class ConfigFuzzTest {
  private static final Map<String, String> ENV = Map.of("HOME", "/home/u", "USER", "u");

  /** The example files of the source tree, and a few lines of each kind. */
  private static final List<String> SEEDS = seeds();

  private static List<String> seeds() {
    List<String> out =
        new ArrayList<>(
            List.of(
                "host_name = laptop.lan\nlocal_hosts = \"localhost;laptop\"\n",
                "warn_intervals = \"1h;4h;1d\"\nmax_defer_time = 3d\nmax_msg_size = 10M\n",
                "query_routes.isp = \"/etc/masq/isp.route\"\nonline_query = \"/bin/true\"\n",
                "mail_host = \"smtp.isp.example:587\"\ntls = starttls\nauth_name = plain\n",
                "map_h_from_addresses = \"john: John <jd@isp.example>; *: x@isp.example\"\n",
                "allowed_senders = \"*@laptop.lan\"\nmax_connections = 4\n# comment\n"));
    try (Stream<Path> files = Files.list(Path.of("../examples"))) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        String n = p.getFileName().toString();
        if (n.endsWith(".route") || n.endsWith(".conf")) {
          out.add(Files.readString(p));
        }
      }
    } catch (java.io.IOException e) {
      // no examples (a copy of lib alone): the lines above
    }
    return out;
  }

  private static String text(Random r) {
    return Fuzz.mutate(r, Fuzz.pick(r, SEEDS));
  }

  @Test
  void masqConfIsReadOrRefused() {
    Fuzz.forAll(
        "masq.conf: read or refused (78)",
        ConfigFuzzTest::text,
        t -> {
          try {
            Config.parse(t, Path.of("/etc/masq/masq.conf"), ENV, false);
          } catch (MasqException e) {
            // refused, with masq's words
          }
        });
  }

  @Test
  void aRouteFileIsReadOrRefused() {
    Fuzz.forAll(
        "route file: read and typed, or refused (78)",
        ConfigFuzzTest::text,
        t -> {
          try {
            RouteConfig.parse(t, Path.of("/etc/masq/isp.route"), false, RouteOption.FILE_NAMES);
            Route.parse(t, Path.of("/etc/masq/isp.route"), false);
          } catch (MasqException e) {
            // refused, with masq's words
          }
        });
  }
}
