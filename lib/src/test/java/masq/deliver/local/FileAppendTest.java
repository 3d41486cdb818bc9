package masq.deliver.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The file-append program starts with bin/launch.sh's flags, the one list there is. */
class FileAppendTest {
  @Test
  void theLaunchersFlagsComeBetweenTheJvmAndTheClassPath() {
    List<String> cmd =
        FileAppend.command(
            Path.of("/tmp/out"), "-XX:+UseSerialGC -XX:TieredStopAtLevel=1  -Xss512k");
    assertEquals(
        List.of("-Xlog:disable", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-cp"),
        cmd.subList(1, 6));
    assertEquals(
        List.of(FileAppend.class.getName(), "/tmp/out"), cmd.subList(cmd.size() - 2, cmd.size()));
  }

  @Test
  void withoutTheLauncherItRunsWithTheJvmsDefaults() {
    List<String> cmd = FileAppend.command(Path.of("/tmp/out"), null);
    assertEquals(List.of("-Xlog:disable", "-cp"), cmd.subList(1, 3));
  }
}
