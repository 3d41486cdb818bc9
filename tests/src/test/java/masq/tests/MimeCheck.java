package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what masq wrote back with two real mail readers: Debian's {@code /usr/bin/python3} {@code
 * email} package with its strict policy (a defect anywhere, in any part or header, or a line over
 * 998 octets, is a problem) and mutt, run non-interactively on a pseudo-terminal ({@code script})
 * to pipe a message out decoded, as a user would read it.
 */
public final class MimeCheck {
  private MimeCheck() {}

  /**
   * What Python found in one message: the problems, each part's type and transfer encoding, the
   * decoded top-level fields, the fields of the delivery-status blocks, and the From: display name
   * two ways: {@code fromName} as {@code email.policy.default} gives it, {@code fromNameRfc2047} as
   * {@code email.header.decode_header} decodes the raw phrase. They differ for a name split into
   * several encoded words: Debian's Python 3.11 keeps the space between two adjacent encoded words
   * of a phrase, which RFC 2047 section 6.2 says to drop (and mutt and Mime4j drop).
   */
  public record Report(
      List<String> problems,
      List<String> parts,
      Map<String, String> headers,
      Map<String, String> from,
      List<String> statusFields) {
    public String fromName() {
      return from.get("name");
    }

    public String fromNameRfc2047() {
      return from.get("rfc2047");
    }
  }

  /** The parts of a notice that returns the headers only (text/rfc822-headers), all ASCII. */
  public static final List<String> HEADERS_ONLY_NOTICE =
      List.of(
          "multipart/report ",
          "text/plain 7bit",
          "message/delivery-status ",
          "text/rfc822-headers 7bit");

  private static final String PY =
      """
      import email, email.policy, mailbox, sys
      kind, path = sys.argv[1], sys.argv[2]
      if kind == 'mbox':
          box = mailbox.mbox(path, create=False)
          datas = [box.get_bytes(k) for k in box.keys()]
      else:
          datas = [open(path, 'rb').read()]
      def out(*f):
          print('\\t'.join(str(x).replace('\\t', ' ').replace('\\r', ' ').replace('\\n', ' ') for x in f))
      for data in datas:
          out('MESSAGE')
          for n, line in enumerate(data.split(b'\\n')):
              if len(line) > 998:
                  out('PROBLEM', 'line %d has %d octets' % (n + 1, len(line)))
          try:
              email.message_from_bytes(data, policy=email.policy.strict)
          except Exception as e:
              out('PROBLEM', 'policy.strict: %r' % e)
          msg = email.message_from_bytes(data, policy=email.policy.default)
          def check(m, where):
              for d in m.defects:
                  out('PROBLEM', '%s: %r' % (where, d))
              for k, v in m.items():
                  for d in getattr(v, 'defects', ()):
                      out('PROBLEM', '%s %s: %r' % (where, k, d))
          blocks = set()
          for i, p in enumerate(msg.walk()):
              check(p, 'part %d (%s)' % (i, p.get_content_type()))
              if id(p) in blocks:
                  continue
              out('PART', p.get_content_type(), p.get('Content-Transfer-Encoding', ''))
              if p.get_content_type() == 'message/delivery-status':
                  for block in p.get_payload():
                      blocks.add(id(block))
                      for k, v in block.items():
                          out('STATUS', k, v)
          for k, v in msg.items():
              out('HEADER', k, v)
          frm = msg['From']
          if frm is not None and frm.addresses:
              out('FROM', 'name', frm.addresses[0].display_name)
          raw = email.message_from_bytes(data, policy=email.policy.compat32).get('From')
          if raw and '<' in raw:
              from email.header import decode_header, make_header
              phrase = raw[:raw.rindex('<')].replace('\\n', '').replace('\\r', '')
              out('FROM', 'rfc2047', str(make_header(decode_header(phrase))).strip())
      """;

  /** Python's reading of every message in an mbox ({@code kind} "mbox") or one message file. */
  public static List<Report> python(String kind, Path file) throws Exception {
    Sandbox.Run r =
        Sandbox.exec(List.of("/usr/bin/python3", "-c", PY, kind, file.toString()), null, Map.of());
    r.expect(0);
    List<Report> out = new ArrayList<>();
    Report cur = null;
    for (String line : new String(r.stdout(), StandardCharsets.UTF_8).split("\n", -1)) {
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "MESSAGE" -> {
          cur =
              new Report(
                  new ArrayList<>(),
                  new ArrayList<>(),
                  new LinkedHashMap<>(),
                  new LinkedHashMap<>(),
                  new ArrayList<>());
          out.add(cur);
        }
        case "PROBLEM" -> cur.problems().add(f[1]);
        case "PART" -> cur.parts().add(f[1] + " " + f[2]);
        case "HEADER" -> cur.headers().putIfAbsent(f[1], f[2]);
        case "STATUS" -> cur.statusFields().add(f[1] + ": " + f[2]);
        case "FROM" -> cur.from().put(f[1], f[2]);
        default -> {}
      }
    }
    return out;
  }

  /** Python's reading of one message, asserted free of problems. */
  public static Report clean(String kind, Path file) throws Exception {
    List<Report> rs = python(kind, file);
    assertEquals(1, rs.size(), "one message in " + file);
    assertEquals(List.of(), rs.get(0).problems(), "Python's strict reading of " + file);
    return rs.get(0);
  }

  /** {@code message} (a stored message, one char per octet) as a one-message mbox file. */
  public static Path mbox(Path dir, String message) throws IOException {
    Path f = dir.resolve("check-" + System.nanoTime() + ".mbox");
    Files.write(
        f,
        ("From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + message.replace("\nFrom ", "\n>From "))
            .getBytes(StandardCharsets.ISO_8859_1));
    return f;
  }

  /**
   * The first message of {@code mbox} as mutt pipes it out decoded ({@code pipe_decode}: encoded
   * words and transfer encodings decoded, parts shown as mutt shows them), asserted free of mutt's
   * error notes.
   */
  public static String mutt(Path dir, Path mbox) throws Exception {
    Path out = dir.resolve("mutt-" + System.nanoTime() + ".txt");
    Path rc = dir.resolve("muttrc-" + System.nanoTime());
    Files.writeString(
        rc,
        "set wait_key=no\nset charset=\"utf-8\"\nset quit=yes\nset pipe_decode=yes\n"
            + "set weed=no\nset mbox_type=mbox\nset folder=\""
            + dir
            + "\"\npush \"<pipe-message>cat > "
            + out
            + "<enter><quit>\"\n");
    Sandbox.Run r =
        Sandbox.exec(
            List.of(
                "timeout",
                "60",
                "script",
                "-qec",
                "mutt -n -F '" + rc + "' -R -f '" + mbox + "'",
                "/dev/null"),
            null,
            Map.of("HOME", dir.toString(), "TERM", "xterm", "LC_ALL", "C.UTF-8"));
    r.expect(0);
    assertTrue(Files.exists(out), "mutt piped the message out: " + r.out());
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertTrue(!text.contains("[-- Error") && !text.contains("[-- Warning"), text);
    return text;
  }
}
