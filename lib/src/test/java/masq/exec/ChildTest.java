package masq.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Child's bounds on real processes: time (with descendants), output, and a failing input. */
class ChildTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static boolean running(String commandLine) {
    return ProcessHandle.allProcesses()
        .anyMatch(p -> p.info().commandLine().orElse("").contains(commandLine));
  }

  @Test
  void aCommandThatKeepsItsOutputOpenIsKilledWithItsChildrenAtTheDeadline() throws Exception {
    long t0 = System.nanoTime();
    Child.Finished f =
        Child.bounded(
            new ProcessBuilder("/bin/sh", "-c", "sleep 3621 & echo started; exec sleep 3622"),
            null,
            SECOND,
            100);
    assertTrue(millisSince(t0) < 10_000, millisSince(t0) + " ms"); // killed at 1 s, not 3621
    assertTrue(f.timedOut());
    assertEquals("started", f.firstLine(80));
    assertFalse(running("sleep 3621"), "the child's child was killed");
    assertFalse(running("sleep 3622"));
  }

  @Test
  void outputWithoutEndIsCappedAndTheCommandKilledAtTheDeadline() throws Exception {
    long t0 = System.nanoTime();
    Child.Finished f = Child.bounded(new ProcessBuilder("yes", "ok"), null, SECOND, 9);
    assertTrue(millisSince(t0) < 10_000, millisSince(t0) + " ms"); // killed at 1 s
    assertTrue(f.timedOut());
    assertEquals(9, f.output().length);
    assertTrue(f.truncated() && f.outputSize() > 9);
    assertEquals(List.of("ok", "ok", "ok"), f.lines());
  }

  @Test
  void aCommandThatExitsInTimeGivesItsStatusAndOutput() throws Exception {
    Child.Finished f =
        Child.bounded(
            new ProcessBuilder("/bin/sh", "-c", "cat; exit 3"),
            out -> out.write("in\n".getBytes(StandardCharsets.UTF_8)),
            Duration.ofSeconds(30),
            100);
    assertFalse(f.timedOut());
    assertEquals(3, f.exitCode());
    assertEquals("in", f.firstLine(80));
    assertFalse(f.truncated());
  }

  @Test
  void anInputThatFailsKillsTheCommandBeforeItsInputEnds() throws Exception {
    // cat would exit 0 at the end of its input, taking half a message for a whole one
    Child.Finished f =
        Child.bounded(
            new ProcessBuilder("cat"),
            out -> {
              out.write("half".getBytes(StandardCharsets.UTF_8));
              out.flush();
              throw new Child.InputFailure("spool read failed", new IOException("EIO"));
            },
            Duration.ofSeconds(30),
            100);
    assertNotNull(f.inputFailure());
    assertTrue(f.exitCode() != 0, "killed, not a clean end: " + f.exitCode());
  }

  @Test
  void secondsSaysFractions() {
    assertEquals("30s", Child.seconds(Duration.ofSeconds(30)));
    assertEquals("0.5s", Child.seconds(Duration.ofMillis(500)));
  }

  @Test
  void aCommandThatCannotStartIsSaidInMasqsWords() throws Exception {
    java.nio.file.Path plain = java.nio.file.Files.createTempFile("masq-plain", "");
    plain.toFile().deleteOnExit();
    java.nio.file.Files.writeString(plain, "#!/bin/sh\n"); // rw------- : no x bit for anyone
    for (String[] c :
        new String[][] {
          {"/nonexistent/x", "no such file"},
          {plain.toString(), "not executable (permission denied)"}
        }) {
      try {
        Child.bounded(new ProcessBuilder(c[0]), null, Duration.ofSeconds(5), 0);
      } catch (IOException e) {
        assertEquals(c[1], Child.whyNotStarted(e), e.getMessage());
        continue;
      }
      throw new AssertionError(c[0] + " started");
    }
    assertEquals(
        "no such file",
        Child.whyNotStarted(new IOException("Cannot run program \"x\": error=2, No such file")));
    assertEquals(
        "text file busy",
        Child.whyNotStarted(
            new IOException("Cannot run program \"x\": Exec failed, error: 26 (Text file busy) ")));
  }
}
