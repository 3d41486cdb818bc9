package masq.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads queued messages the way spool-format.md describes them, apart from masq's own code (and
 * back-dates one, the tests' clock, by replacing its envelope the way the format says): a message
 * is {@code queue/ID.msg}, the data followed by the envelope it was accepted with and the line
 * {@code masq-envelope-at OFFSET}; {@code queue/ID.env}, when present, is its current envelope.
 */
final class SpoolFiles {
  private static final int TRAILER = "masq-envelope-at ".length() + 18 + 1;

  private SpoolFiles() {}

  /** IDs of the committed messages (files queue/ID.msg), sorted. */
  static List<String> ids(Path queue) throws IOException {
    List<String> ids = new ArrayList<>();
    if (!Files.isDirectory(queue)) {
      return ids;
    }
    try (var s = Files.list(queue)) {
      s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".msg"))
          .map(n -> n.substring(0, n.length() - 4))
          .sorted()
          .forEach(ids::add);
    }
    return ids;
  }

  /** The current envelope of {@code id}, as text. */
  static String envelope(Path queue, String id) throws IOException {
    try {
      return Files.readString(queue.resolve(id + ".env"), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      byte[] f = Files.readAllBytes(queue.resolve(id + ".msg"));
      return new String(
          f, offset(f, id), f.length - TRAILER - offset(f, id), StandardCharsets.UTF_8);
    }
  }

  /**
   * Writes the current envelope of {@code id} back with its {@code received} time {@code ms}
   * earlier, replaced as spool-format.md says (a file in {@code tmp/} renamed over {@code
   * queue/ID.env}).
   */
  static void backdate(Path queue, String id, long ms) throws IOException {
    String env =
        Arrays.stream(envelope(queue, id).split("\n", -1))
            .map(l ->
                l.startsWith("received\t")
                    ? "received\t" + (Long.parseLong(l.substring("received\t".length())) - ms)
                    : l)
            .collect(Collectors.joining("\n"));
    Path tmp =
        queue.resolveSibling("tmp").resolve(id + ".env." + ProcessHandle.current().pid() + ".tmp");
    Files.writeString(tmp, env, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(queue.resolve(id + ".msg")));
    Files.move(tmp, queue.resolve(id + ".env"), StandardCopyOption.ATOMIC_MOVE);
  }

  /** The message data of {@code id}: everything before its envelope. */
  static byte[] data(Path queue, String id) throws IOException {
    byte[] f = Files.readAllBytes(queue.resolve(id + ".msg"));
    return Arrays.copyOf(f, offset(f, id));
  }

  private static int offset(byte[] f, String id) {
    String last = new String(f, f.length - TRAILER, TRAILER, StandardCharsets.US_ASCII);
    if (!last.startsWith("masq-envelope-at ") || !last.endsWith("\n")) {
      throw new AssertionError(id + ".msg does not end with its envelope's offset: " + last);
    }
    return Integer.parseInt(last.substring("masq-envelope-at ".length(), TRAILER - 1));
  }
}
