package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spool-model.pml, the spool protocol of spool-format.md as a Promela model, checked with spin: no
 * acknowledged message lost, no recipient delivered or bounced twice outside the window the spool
 * format names, nothing left that {@code check --repair} cannot mend, at every crash point and with
 * two runs at once. Each protocol step carries the same name in the model and in the Java code
 * ({@code // model: NAME}), and a protocol with one of its known safeguards taken out must fail the
 * check, so the model is shown able to find what it is for.
 */
class SpoolModelTest {
  private static final Path MODEL = Sandbox.HOME.resolve("spool-model.pml");
  private static final Pattern STEP = Pattern.compile("model: ([A-Z][A-Z_]+)");

  /** Safeguards of the protocol, each taken out by replacing its text in the model. */
  private static final Map<String, List<String>> MUTANTS =
      Map.of(
          "the commit acknowledged before queue/ is fsynced",
          List.of(
              "  :: writer == 2 -> /* model: COMMIT_SYNC */\n     dirsync(); writer = 3",
              "  :: writer == 2 -> writer = 3"),
          "a drop acknowledged before its rename is durable",
          List.of("     dirsync(); writer = 12", "     skip; writer = 12"),
          "no check after the lock that the message is still queued",
          List.of(
              ":: else -> lock = 0; opened[i] = 0; pc[i] = 99   /* removed meanwhile */",
              ":: else -> next[i] = 0; pc[i] = 6"),
          "the envelope removed before the data",
          List.of(
              "d_step { qMsg = 0; record(OP_UNLINK_MSG); pc[i] = 14 }",
              "d_step { if :: qEnv -> qEnv = 0; record(OP_UNLINK_ENV) :: else -> skip fi;"
                  + " pc[i] = 14 }"),
          "a failure written without its bounce",
          List.of(
              "             assert(bounced[r] == 0 || dupBounce[r]);\n"
                  + "             bounced[r]++;\n",
              ""),
          "no message lock",
          List.of(":: lock == 0 -> lock = i + 1; pc[i] = 5", ":: true -> lock = i + 1; pc[i] = 5"));

  @Test
  void theProtocolKeepsEveryMessageThroughEveryCrash(@TempDir Path dir) throws Exception {
    String out = check(dir, Files.readString(MODEL));
    assertTrue(out.contains("errors: 0"), out);
    Matcher states = Pattern.compile("(\\d+) states, stored").matcher(out);
    assertTrue(states.find(), out);
    System.out.println("spool-model.pml: " + states.group(1) + " states, errors: 0");
  }

  @Test
  void theModelFindsEachSafeguardTakenOut(@TempDir Path dir) throws Exception {
    String model = Files.readString(MODEL);
    for (var m : MUTANTS.entrySet()) {
      String from = m.getValue().get(0);
      assertEquals(1, count(model, from), "the model no longer has the text of: " + m.getKey());
      String out = check(dir, model.replace(from, m.getValue().get(1)));
      assertTrue(out.contains("assertion violated"), m.getKey() + " was not found:\n" + out);
    }
  }

  @Test
  void theModelAndTheJavaCodeNameTheSameSteps() throws IOException {
    TreeSet<String> inModel = steps(Files.readString(MODEL));
    TreeSet<String> inJava = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Sandbox.HOME.resolve("lib/src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        inJava.addAll(steps(Files.readString(f)));
      }
    }
    assertEquals(inModel, inJava, "the steps named in spool-model.pml and in lib's code");
  }

  private static TreeSet<String> steps(String text) {
    TreeSet<String> out = new TreeSet<>();
    Matcher m = STEP.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  /** spin -a, cc, pan: what pan printed. */
  private static String check(Path dir, String model) throws Exception {
    Files.writeString(dir.resolve("model.pml"), model);
    run(dir, "spin", "-a", "model.pml");
    run(dir, "cc", "-O2", "-DSAFETY", "-o", "pan", "pan.c");
    return run(dir, "./pan", "-m200000");
  }

  private static String run(Path dir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
    String text = new String(out, StandardCharsets.UTF_8);
    if (!command[0].equals("./pan")) {
      assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + text);
    }
    return text;
  }
}
