package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads mailboxes back with real peers: Debian's {@code /usr/bin/python3} {@code mailbox} module
 * (mbox and Maildir) and procmail's {@code formail}.
 */
final class Mailboxes {
  private Mailboxes() {}

  private static final String SUBJECTS =
      """
      import mailbox, sys
      kind, path = sys.argv[1], sys.argv[2]
      box = mailbox.mbox(path, create=False) if kind == 'mbox' else mailbox.Maildir(path, factory=None, create=False)
      for key in box.keys():
          m = box[key]
          print((m['Subject'] or '').replace('\\n', ' '))
      """;

  /** The Subject: of every message in an mbox file or a Maildir, as Python's mailbox reads them. */
  static List<String> subjects(String kind, Path box) throws IOException, InterruptedException {
    Sandbox.Run r =
        Sandbox.exec(
            List.of("/usr/bin/python3", "-c", SUBJECTS, kind, box.toString()), null, Map.of());
    r.expect(0);
    String out = r.out();
    return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
  }

  /** How many messages formail finds in an mbox file. */
  static int formailCount(Path mbox) throws IOException, InterruptedException {
    Sandbox.Run r =
        Sandbox.exec(
            List.of(
                "/bin/sh",
                "-c",
                "formail -s sh -c 'cat >/dev/null; echo M' < \"$1\"",
                "sh",
                mbox.toString()),
            null,
            Map.of());
    r.expect(0);
    return (int) r.out().lines().filter("M"::equals).count();
  }

  /** Asserts that python and formail agree on an mbox and returns its subjects. */
  static List<String> mbox(Path mbox) throws IOException, InterruptedException {
    List<String> s = subjects("mbox", mbox);
    assertEquals(s.size(), formailCount(mbox), "formail and python count the same messages");
    return s;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
