package masq.deliver.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import masq.ErrorText;
import masq.Exit;
import masq.MasqException;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.address.Glob;
import masq.config.RegularFile;
import masq.route.Locality;

/**
 * The alias files, in sendmail's format as masqmail reads them (alias.c, tables.c): lines {@code
 * name: item, item, ...}; {@code #} comments and empty lines skipped; a line starting with white
 * space continues the previous one. An item in double quotes may hold commas ({@code "|cmd a,b"});
 * backslash escapes the next character. {@code globalias_file} keys are globs on the whole address,
 * {@code alias_file} keys are local parts.
 *
 * <p>Items: {@code \name} is final (delivered to that user, not expanded again); {@code |command} a
 * pipe; {@code /file} an mbox file; {@code :include:FILE} the items of FILE (commas or lines);
 * anything else an address, expanded again when local. An address met again below itself is a loop.
 * A loop, an invalid item or an unreadable include file fails the whole top-level recipient ("alias
 * expansion failed"), as in masqmail.
 */
public final class Aliases {
  /** What an expansion ends in. {@code key} is how the spool names it. */
  public record Leaf(Kind kind, String key, Address address, Path file, String command) {
    public enum Kind {
      USER,
      REMOTE,
      PIPE,
      FILE
    }
  }

  /** The leaves of one recipient, or why its expansion failed. */
  public record Expansion(List<Leaf> leaves, String error) {}

  private record Entry(String key, String value, Path file, int line) {}

  private static final int MAX_DEPTH = 32;
  private final Map<String, Entry> byLocal;
  private final List<Entry> globs;
  private final boolean caseless;

  private Aliases(Map<String, Entry> byLocal, List<Entry> globs, boolean caseless) {
    this.byLocal = byLocal;
    this.globs = globs;
    this.caseless = caseless;
  }

  static Aliases none() {
    return new Aliases(Map.of(), List.of(), false);
  }

  /** Reads both files (either may be null); a syntax error names file and line (exit 78). */
  public static Aliases load(Path aliasFile, Path globaliasFile, boolean caseless)
      throws MasqException {
    Map<String, Entry> local = new HashMap<>();
    if (aliasFile != null) {
      for (Entry e : read(aliasFile, "alias_file")) {
        String k = lookupKey(e.key(), caseless);
        local.putIfAbsent(k, e); // the first definition counts, as in masqmail
      }
    }
    List<Entry> globs = globaliasFile == null ? List.of() : read(globaliasFile, "globalias_file");
    return new Aliases(local, globs, caseless);
  }

  /** The text of an alias or include file, which must be a regular file of at most 16 MB. */
  private static String text(Path file) throws IOException {
    return new String(RegularFile.read(file, 16 << 20), StandardCharsets.UTF_8);
  }

  private static String lookupKey(String local, boolean caseless) {
    return caseless || local.equalsIgnoreCase("postmaster")
        ? local.toLowerCase(Locale.ROOT)
        : local;
  }

  /** Reads alias file {@code file}, set by {@code option}: a regular file, never a FIFO. */
  private static List<Entry> read(Path file, String option) throws MasqException {
    List<String> lines;
    try {
      lines = text(file).lines().toList();
    } catch (IOException e) {
      throw new MasqException(Exit.CONFIG, option + " " + file + ": " + ErrorText.ofFile(e));
    }
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.isBlank() || l.startsWith("#")) {
        continue;
      }
      if (Character.isWhitespace(l.charAt(0))) {
        if (out.isEmpty()) {
          throw syntax(file, i + 1, "continuation line without an alias before it");
        }
        Entry prev = out.remove(out.size() - 1);
        out.add(new Entry(prev.key(), prev.value() + " " + l.strip(), file, prev.line()));
        continue;
      }
      int colon = l.indexOf(':');
      if (colon <= 0) {
        throw syntax(file, i + 1, "expected 'name: address, ...'");
      }
      String key = l.substring(0, colon).strip();
      if (key.isEmpty()
          || key.chars().anyMatch(c -> c == ' ' || c == '\t' || c == ',' || c == '"')) {
        throw syntax(file, i + 1, "bad alias name '" + key + "'");
      }
      out.add(new Entry(key, l.substring(colon + 1), file, i + 1));
    }
    for (Entry e : out) {
      try {
        if (items(e.value()).isEmpty()) {
          throw syntax(file, e.line(), "alias '" + e.key() + "' has no addresses");
        }
      } catch (IllegalArgumentException ex) {
        throw syntax(file, e.line(), ex.getMessage());
      }
    }
    return out;
  }

  private static MasqException syntax(Path file, int line, String what) {
    return new MasqException(Exit.CONFIG, file + ":" + line + ": syntax error: " + what);
  }

  /** Splits a value at commas (and line ends), honouring double quotes and backslashes. */
  static List<String> items(String value) {
    List<String> out = new ArrayList<>();
    StringBuilder item = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        // "\name" (final) keeps its backslash; inside quotes it escapes the next character
        if (quoted) {
          item.append(value.charAt(++i));
        } else {
          item.append(c).append(value.charAt(++i));
        }
      } else if (c == '"') {
        quoted = !quoted;
        wasQuoted = true;
      } else if (!quoted && (c == ',' || c == '\n')) {
        add(out, item, wasQuoted);
        wasQuoted = false;
      } else {
        item.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unterminated double quote");
    }
    add(out, item, wasQuoted);
    return out;
  }

  private static void add(List<String> out, StringBuilder item, boolean quoted) {
    String s = quoted ? item.toString() : item.toString().strip();
    if (!s.isBlank()) {
      out.add(s.strip());
    }
    item.setLength(0);
  }

  /** Expands one recipient (which must be local). */
  public Expansion expand(Address rcpt, Locality locality, String hostName) {
    List<Leaf> leaves = new ArrayList<>();
    List<Address> ancestors = new ArrayList<>();
    try {
      expandAddress(rcpt, locality, hostName, ancestors, leaves);
    } catch (ExpansionFailure e) {
      return new Expansion(List.of(), "alias expansion failed: " + e.getMessage());
    }
    return new Expansion(leaves, null);
  }

  private static final class ExpansionFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ExpansionFailure(String m) {
      super(m);
    }
  }

  private void expandAddress(
      Address a, Locality locality, String host, List<Address> ancestors, List<Leaf> out)
      throws ExpansionFailure {
    if (!locality.isLocal(a)) {
      out.add(new Leaf(Leaf.Kind.REMOTE, a.toString(), a, null, null));
      return;
    }
    Entry e = find(a);
    if (e == null) {
      out.add(new Leaf(Leaf.Kind.USER, a.toString(), a, null, null));
      return;
    }
    if (ancestors.size() >= MAX_DEPTH) {
      throw new ExpansionFailure("aliases nested deeper than " + MAX_DEPTH + " at " + a);
    }
    ancestors.add(a);
    for (String item : items(e.value())) {
      expandItem(item, e, locality, host, ancestors, out);
    }
    ancestors.remove(ancestors.size() - 1);
  }

  private void expandItem(
      String item,
      Entry from,
      Locality locality,
      String host,
      List<Address> ancestors,
      List<Leaf> out)
      throws ExpansionFailure {
    String where = from.file() + ":" + from.line();
    if (item.startsWith("|")) {
      String cmd = item.substring(1).strip();
      if (cmd.isEmpty()) {
        throw new ExpansionFailure("empty pipe command in " + where);
      }
      out.add(new Leaf(Leaf.Kind.PIPE, "|" + cmd, null, null, cmd));
    } else if (item.startsWith("/")) {
      out.add(new Leaf(Leaf.Kind.FILE, item, null, Path.of(item), null));
    } else if (item.regionMatches(true, 0, ":include:", 0, 9)) {
      Path inc = Path.of(item.substring(9).strip());
      if (!inc.isAbsolute()) {
        inc = from.file().toAbsolutePath().resolveSibling(inc);
      }
      String text;
      try {
        text = text(inc);
      } catch (IOException ex) {
        throw new ExpansionFailure(
            "cannot read include file " + inc + " (" + where + "): " + ErrorText.ofFile(ex));
      }
      StringBuilder kept = new StringBuilder();
      for (String line : text.split("\n", -1)) {
        if (!line.strip().startsWith("#")) {
          kept.append(line).append('\n');
        }
      }
      Entry inner = new Entry(from.key(), kept.toString(), inc, 1);
      for (String i : items(kept.toString())) {
        expandItem(i, inner, locality, host, ancestors, out);
      }
    } else if (item.startsWith("\\")) {
      Address a = parse(item.substring(1), where).qualify(host);
      out.add(new Leaf(Leaf.Kind.USER, a.toString(), a, null, null));
    } else {
      Address a = parse(item, where).qualify(host);
      for (Address anc : ancestors) {
        if (locality.same(anc, a)) {
          throw new ExpansionFailure("loop detected: " + a + " (" + where + ")");
        }
      }
      expandAddress(a, locality, host, ancestors, out);
    }
  }

  private static Address parse(String item, String where) throws ExpansionFailure {
    try {
      Address a = AddressParser.parseEnvelope(item);
      if (a.isNull()) {
        throw new ExpansionFailure("empty address in " + where);
      }
      return a;
    } catch (AddressException ex) {
      throw new ExpansionFailure(ex.getMessage() + " (" + where + ")");
    }
  }

  private Entry find(Address a) {
    String full = a.toString();
    for (Entry g : globs) {
      if (Glob.matches(g.key(), full, caseless)) {
        return g;
      }
    }
    return byLocal.get(lookupKey(a.localPart(), caseless));
  }
}
