package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mistyped word is answered with the nearest valid one, by every command and for every kind of
 * word: command-line options, masq-queue's commands, route names (configuration keys: see
 * ConfigErrorsTest). A command-line mistake is one line and exit 64; an unknown route exit 69.
 */
class DidYouMeanTest {
  @TempDir Path dir;

  private Sandbox box() throws Exception {
    for (String r : new String[] {"road", "home", "lan"}) {
      Files.writeString(dir.resolve(r + ".route"), "mail_host = 127.0.0.1:9\n");
    }
    return new Sandbox(
        dir.resolve("box"),
        "permanent_routes = \""
            + dir.resolve("lan.route")
            + "\"\nquery_routes.road = \""
            + dir.resolve("road.route")
            + "\"\nquery_routes.home = \""
            + dir.resolve("home.route")
            + "\"\n");
  }

  private static void oneLine(Sandbox.Run r, int exit, String line) {
    assertEquals(exit, r.exit(), r.stderr());
    assertEquals(line + "\n", r.stderr());
  }

  @Test
  void everyCommandNamesTheNearestOptionToAMistypedOne() throws Exception {
    Sandbox s = box();
    String[][] cases = {
      {"masq-deliver", "--rout", "--route"},
      {"masq-queue", "--jsn", "--json"},
      {"masq-rewrite", "--envelop", "--envelope"},
      {"masq-smtpd", "--pidfle", "--pidfile"},
      {"masq-inject", "--stict", "--strict"},
      {"sendmail", "--verison", "--version"},
    };
    for (String[] c : cases) {
      Sandbox.Run r = s.run("", c[0], c[1], "road");
      String name = c[0];
      oneLine(
          r,
          64,
          name
              + ": usage: unknown option "
              + c[1]
              + " (did you mean "
              + c[2]
              + "?) (see "
              + name
              + " --help)");
    }
    // nothing near, or a short option (every other letter is as near): no guess
    oneLine(
        s.run("", "masq-deliver", "--frobnicate"),
        64,
        "masq-deliver: usage: unknown option --frobnicate (see masq-deliver --help)");
    oneLine(
        s.run("", "masq-deliver", "-x"),
        64,
        "masq-deliver: usage: unknown option -x (see masq-deliver --help)");
    oneLine(
        s.run("", "masq-inject", "-Z", "bob"),
        64,
        "masq-inject: usage: unknown option -Z (see masq-inject --help)");
  }

  @Test
  void masqQueueNamesTheNearestCommand() throws Exception {
    Sandbox s = box();
    oneLine(
        s.run("", "masq-queue", "lsit"),
        64,
        "masq-queue: usage: unknown command 'lsit' (did you mean list?) (see masq-queue --help)");
    oneLine(
        s.run("", "masq-queue", "relase", "Vc1Qf2b-00y8-00"),
        64,
        "masq-queue: usage: unknown command 'relase' (did you mean release?)"
            + " (see masq-queue --help)");
    oneLine(
        s.run("", "masq-queue", "zzz"),
        64,
        "masq-queue: usage: unknown command 'zzz' (see masq-queue --help)");
  }

  @Test
  void anUnknownRouteNamesTheNearestConfiguredOne() throws Exception {
    Sandbox s = box();
    oneLine(
        s.run("", "masq-deliver", "--route", "rood"),
        69,
        "masq-deliver: unknown route 'rood' (did you mean road? known: road, home)");
    oneLine(
        s.run("", "masq-queue", "hold", "--route", "hme"),
        69,
        "masq-queue: unknown route 'hme' (did you mean home? known: lan, road, home)");
    oneLine(
        s.run("Subject: x\n\nbody\n", "masq-rewrite", "--route", "lam"),
        69,
        "masq-rewrite: unknown route 'lam' (did you mean lan? known: lan, road, home)");
    oneLine(
        s.run("", "sendmail", "-qo", "raod"),
        69,
        "sendmail: unknown route 'raod' (did you mean road? known: road, home)");
  }
}
