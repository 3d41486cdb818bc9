package masq.tests.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import masq.tests.Await;

/**
 * A notify_command for the tests: a script that records each event it is run for in a file, and the
 * reading of that file.
 */
final class NotifyRecorder {
  private NotifyRecorder() {}

  /**
   * A notifier that appends {@code EVENT|ID|RECIPIENT|ROUTE|REASON} to {@code events} and the names
   * (and values) of its whole environment to {@code events.env}.
   */
  static Path recorder(Path dir) throws Exception {
    Path script = dir.resolve("record-event");
    Path events = dir.resolve("events");
    Files.writeString(
        script,
        "#!/bin/sh\nprintf '%s|%s|%s|%s|%s\\n' \"$MASQ_EVENT\" \"$MASQ_ID\" \"$MASQ_RECIPIENT\""
            + " \"$MASQ_ROUTE\" \"$MASQ_REASON\" >> '"
            + events
            + "'\nenv >> '"
            + events
            + ".env'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  /** The events recorded so far, once there are {@code n} (a detached delivery may start one). */
  static List<String> events(Path dir, int n) throws Exception {
    return Await.until(n + " notifier events", () -> events(dir), l -> l.size() >= n);
  }

  /**
   * The events recorded so far. Each command waits for the notifiers it started before it ends, so
   * once it has, this is all it will have told.
   */
  static List<String> events(Path dir) throws IOException {
    Path f = dir.resolve("events");
    return Files.exists(f) ? Files.readAllLines(f) : List.of();
  }
}
