package masq.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make demo > file 2>&1}: examples/demo/run.sh, run from a copy of examples/ beside a link
 * to the tree's bin/ (so that its demo/ directory is made in the test's directory), with standard
 * output and standard error redirected to one file, keeps all of what it says, from its first line
 * on.
 */
class DemoTest {
  @TempDir Path tmp;

  @Test
  void theDemoRedirectedToAFileKeepsItsStart() throws Exception {
    Sandbox.exec(
            List.of("cp", "-R", Sandbox.HOME.resolve("examples").toString(), tmp.toString()),
            null,
            Map.of())
        .expect(0);
    Files.createSymbolicLink(tmp.resolve("bin"), Sandbox.HOME.resolve("bin"));
    Path out = tmp.resolve("demo.txt");
    Sandbox.exec(
            List.of(
                "sh",
                "-c",
                "sh \"$0\" > \"$1\" 2>&1",
                tmp.resolve("examples/demo/run.sh").toString(),
                out.toString()),
            null,
            Map.of())
        .expect(0);
    String text = Files.readString(out);
    assertTrue(text.startsWith("\n\033[1m== masq "), text);
    int message = text.indexOf("From: Ann <ann>\nTo: bob@example.org, carol\n");
    assertTrue(message > 0 && message < text.indexOf("== 2. cron"), text);
    assertTrue(text.contains("== the queue"), text);
    Files.delete(tmp.resolve("bin")); // the link, not the tree's bin/ (JUnit would warn)
  }
}
