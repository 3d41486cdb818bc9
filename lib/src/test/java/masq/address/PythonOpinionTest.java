package masq.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A second opinion on the corpus: Debian's {@code /usr/bin/python3} reads every case with {@code
 * email.headerregistry} (policy default) and {@code email.utils.getaddresses}. A case agrees when
 * masq's reading (faults and all left aside) equals either; every case where it equals neither is
 * listed in {@link #CHOICES} with masq's documented choice (masq-inject(1), HOW ADDRESSES ARE
 * READ), and a listed case that comes to agree fails too, so the list stays true.
 */
class PythonOpinionTest {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  /** Where masq reads differently from both of Python's readers, and why. */
  static final Map<String, String> CHOICES =
      Map.ofEntries(
          Map.entry(
              "unclosed quote",
              "an unclosed quote is read as if it were not there, so the address is found"),
          Map.entry(
              "unclosed comment in the name",
              "an unclosed comment is read as if its '(' were not there"),
          Map.entry(
              "words before a bare address",
              "words before an addr-spec without brackets are a display name, not a local part"),
          Map.entry("two bracketed without comma", "a second <...> after '>' is a second address"),
          Map.entry("two addresses without comma", "two addr-specs without ',' cannot be read"),
          Map.entry("words without an address", "several words without '@' or '<' cannot be read"),
          Map.entry("text inside brackets", "text after the addr-spec inside <...> cannot be read"),
          Map.entry("atext outside host names", "a domain must be a host name or a literal"),
          Map.entry("empty local part", "an addr-spec needs a local part"),
          Map.entry("empty domain", "an '@' needs a domain"),
          Map.entry("two @", "two '@' cannot be read"),
          Map.entry("double dot in domain", "a domain must be a host name"),
          Map.entry("control character in address", "no control character in an address"),
          Map.entry("nothing after <", "an unclosed '<' with nothing after it cannot be read"),
          Map.entry("too long", "an address over 256 characters cannot be read"),
          Map.entry("A.5 To", "comments are not part of a display name (getaddresses keeps them)"),
          Map.entry(
              "adjacent encoded words",
              "white space between adjacent encoded words is dropped (RFC 2047 section 6.2)"),
          Map.entry("stray ; between", "a ';' outside a group is read as ','"));

  private static final String SCRIPT =
      """
      import sys, json
      from email.utils import getaddresses
      from email.headerregistry import HeaderRegistry
      reg = HeaderRegistry()
      def render(pairs):
          return '\\x02'.join(n + '\\x01' + a for n, a in pairs)
      for v in json.load(sys.stdin):
          try:
              r = render([(a.display_name, a.addr_spec) for a in reg('To', v).addresses])
          except Exception as e:
              r = '(error ' + type(e).__name__ + ')'
          g = render([(n, a) for n, a in getaddresses([v]) if n or a])
          print(json.dumps([r, g]))
      """;

  @Test
  void pythonAgreesOrTheChoiceIsDocumented() throws Exception {
    assertTrue(Files.isExecutable(PYTHON), "Debian's python3 is needed: apt-get install python3");
    List<AddressCorpus.Case> cases = AddressCorpus.CASES;
    List<String[]> python = python(cases);
    assertEquals(cases.size(), python.size());
    Map<String, String> disagreements = new TreeMap<>();
    List<String> report = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      AddressCorpus.Case c = cases.get(i);
      String masq = pairs(AddressParser.parseList(c.value()));
      String[] py = python.get(i);
      if (!masq.equals(py[0]) && !masq.equals(py[1])) {
        disagreements.put(c.id(), masq);
        report.add(
            c.id()
                + ": masq ["
                + show(masq)
                + "] headerregistry ["
                + show(py[0])
                + "] getaddresses ["
                + show(py[1])
                + "]");
      }
    }
    List<String> undocumented =
        disagreements.keySet().stream().filter(k -> !CHOICES.containsKey(k)).toList();
    assertTrue(
        undocumented.isEmpty(),
        "masq and Python disagree, and no choice is documented:\n" + String.join("\n", report));
    List<String> stale =
        CHOICES.keySet().stream().filter(k -> !disagreements.containsKey(k)).toList();
    assertTrue(stale.isEmpty(), "listed as a disagreement but Python agrees now: " + stale);
  }

  /**
   * masq's reading as Python's script writes its own: (display name, addr-spec) pairs, name and
   * address separated by \u0001, pairs by \u0002; an unreadable element is ("!", its text).
   */
  private static String pairs(List<Mailbox> ms) {
    StringBuilder sb = new StringBuilder();
    for (Mailbox m : ms) {
      if (!sb.isEmpty()) {
        sb.append('\u0002');
      }
      if (m.address() == null) {
        sb.append("!\u0001").append(m.text());
      } else {
        sb.append(m.displayName())
            .append('\u0001')
            .append(m.address().isNull() ? "<>" : m.address().toString());
      }
    }
    return sb.toString();
  }

  /** Pairs for a person to read: {@code name <addr> | addr}. */
  private static String show(String pairs) {
    return pairs
        .replaceAll("([^\u0001\u0002]+)\u0001([^\u0002]*)", "$1 <$2>")
        .replace("\u0001", "")
        .replace("\u0002", " | ");
  }

  private static List<String[]> python(List<AddressCorpus.Case> cases)
      throws IOException, InterruptedException {
    StringBuilder json = new StringBuilder("[");
    for (AddressCorpus.Case c : cases) {
      json.append(json.length() > 1 ? "," : "").append(quote(c.value()));
    }
    json.append(']');
    Process p =
        new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(json.toString().getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "python3 did not end");
    assertEquals(0, p.exitValue(), "python3 failed");
    List<String[]> rows = new ArrayList<>();
    out.lines().filter(l -> !l.isEmpty()).forEach(l -> rows.add(unjson(l)));
    return rows;
  }

  /** A JSON string literal (ASCII only, everything else as \\uXXXX). */
  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /** The two strings of a JSON array as Python's json.dumps writes it (ASCII, escapes). */
  private static String[] unjson(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (cur == null) {
        if (c == '"') {
          cur = new StringBuilder();
        }
      } else if (c == '\\') {
        char e = line.charAt(++i);
        switch (e) {
          case 'u' -> {
            cur.append((char) Integer.parseInt(line.substring(i + 1, i + 5), 16));
            i += 4;
          }
          case 'n' -> cur.append('\n');
          case 'r' -> cur.append('\r');
          case 't' -> cur.append('\t');
          default -> cur.append(e);
        }
      } else if (c == '"') {
        out.add(cur.toString());
        cur = null;
      } else {
        cur.append(c);
      }
    }
    return out.toArray(new String[0]);
  }
}
