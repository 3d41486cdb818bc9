package masq.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import masq.ErrorText;
import masq.Exit;
import masq.MasqException;
import masq.Printable;

/**
 * masqmail's configuration syntax: {@code name = value} lines, {@code #} comments, values that may
 * be double-quoted (a quoted value may span lines; {@code \"} and {@code \\} escape), and {@code
 * ;}-separated lists whose items may name a file holding one item per line.
 */
public final class ConfigSyntax {
  private ConfigSyntax() {}

  /** Largest configuration, route or list file read (a larger one is refused, exit 78). */
  static final int MAX_FILE = 16 << 20;

  /** How much of a value or name an error message quotes. */
  private static final int QUOTED = 80;

  /**
   * Reads every statement of {@code file}, which must be a regular file (a FIFO, a directory or a
   * device is refused without opening it); an error says {@code what} it is ("route file"). A
   * syntax error names file and line (exit 78).
   */
  static List<Setting> read(Path file, String what) throws MasqException {
    byte[] text;
    try {
      text = RegularFile.read(file, MAX_FILE);
    } catch (IOException e) {
      throw new MasqException(Exit.CONFIG, what + " " + file + ": " + ErrorText.ofFile(e));
    }
    return parse(new String(text, StandardCharsets.UTF_8), file);
  }

  /**
   * {@code text} as an error message quotes it: control characters shown as {@code \xNN}, at most
   * the first 80 characters (then "..."), so that the message stays one short line.
   */
  static String quote(String text) {
    String cut = text.length() > QUOTED ? text.substring(0, QUOTED) : text;
    return Printable.value(cut) + (cut.length() < text.length() ? "..." : "");
  }

  static List<Setting> parse(String text, Path file) throws MasqException {
    List<Setting> out = new ArrayList<>();
    int pos = 0;
    int line = 1;
    int n = text.length();
    while (pos < n) {
      int startLine = line;
      // skip leading white space of the line
      while (pos < n
          && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t' || text.charAt(pos) == '\r')) {
        pos++;
      }
      if (pos >= n) {
        break;
      }
      char c = text.charAt(pos);
      if (c == '\n') {
        pos++;
        line++;
        continue;
      }
      if (c == '#') {
        pos = skipToEol(text, pos);
        if (text.charAt(pos - 1) == '\n') {
          line++;
        }
        continue;
      }
      int nameStart = pos;
      while (pos < n && isNameChar(text.charAt(pos))) {
        pos++;
      }
      String name = text.substring(nameStart, pos);
      while (pos < n && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
        pos++;
      }
      if (name.isEmpty() || pos >= n || text.charAt(pos) != '=') {
        throw syntax(
            file,
            startLine,
            name.isEmpty() ? "expected an option name" : "expected '=' after '" + quote(name) + "'",
            out);
      }
      pos++;
      while (pos < n && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
        pos++;
      }
      String value;
      if (pos < n && text.charAt(pos) == '"') {
        StringBuilder sb = new StringBuilder();
        pos++;
        boolean closed = false;
        while (pos < n) {
          char q = text.charAt(pos++);
          if (q == '\\' && pos < n) {
            char e = text.charAt(pos++);
            if (e == '\n') {
              line++;
            }
            sb.append(e);
          } else if (q == '"') {
            closed = true;
            break;
          } else {
            if (q == '\n') {
              line++;
            }
            sb.append(q);
          }
        }
        if (!closed) {
          throw syntax(
              file, startLine, "unterminated quote in the value of '" + quote(name) + "'", out);
        }
        // only white space or a comment may follow the closing quote
        int eol = skipToEol(text, pos);
        String rest = text.substring(pos, Math.min(eol, n)).strip();
        if (!rest.isEmpty() && !rest.startsWith("#")) {
          if (line > startLine) {
            // a quote left open ran on to a later line, whose own quote closed it: the mistake is
            // where it opened
            throw syntax(
                file,
                startLine,
                "unterminated quote in the value of '"
                    + quote(name)
                    + "' (it runs on to line "
                    + line
                    + ")",
                out);
          }
          throw syntax(
              file, line, "unexpected text after quoted value of '" + quote(name) + "'", out);
        }
        pos = eol;
        value = sb.toString();
      } else {
        int nl = text.indexOf('\n', pos);
        String raw = text.substring(pos, nl < 0 ? n : nl);
        int hash = commentStart(raw);
        if (hash >= 0) {
          raw = raw.substring(0, hash);
        }
        value = raw.strip();
        pos = nl < 0 ? n : nl + 1;
      }
      if (value.indexOf('\0') >= 0) {
        throw syntax(file, startLine, "NUL byte in value of '" + quote(name) + "'", out);
      }
      out.add(new Setting(name, value, file, startLine));
      if (pos <= n && pos > 0 && text.charAt(pos - 1) == '\n') {
        line++;
      }
    }
    return out;
  }

  /** A '#' that starts a comment in an unquoted value: at the start or after white space. */
  private static int commentStart(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      if (raw.charAt(i) == '#' && (i == 0 || Character.isWhitespace(raw.charAt(i - 1)))) {
        return i;
      }
    }
    return -1;
  }

  /** Index just past the end of the current line (past its '\n'), or the text's length. */
  private static int skipToEol(String text, int pos) {
    int nl = text.indexOf('\n', pos);
    return nl < 0 ? text.length() : nl + 1;
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '.'
        || c == '-';
  }

  /** A syntax error; {@code before} is what parsed above it, for the warnings found there. */
  private static ConfigError syntax(Path file, int line, String what, List<Setting> before) {
    return new ConfigError(file + ":" + line + ": syntax error: " + what, List.of(), before);
  }

  /**
   * Splits a {@code ;} list. An item that starts with {@code /} names a file whose non-empty,
   * non-comment lines are items; a relative item file is not possible by that rule, so items are
   * never resolved against a directory here.
   */
  public static List<String> list(Setting s) throws MasqException {
    return list(s, true);
  }

  /** Splits a {@code ;} list of file names: no item is taken as a list file. */
  static List<String> fileList(Setting s) throws MasqException {
    return list(s, false);
  }

  private static List<String> list(Setting s, boolean expandFiles) throws MasqException {
    List<String> out = new ArrayList<>();
    for (ListItem i : items(s, expandFiles)) {
      out.add(i.text());
    }
    return out;
  }

  /** One list item and where it was written ({@code file:line}, of a list file when included). */
  public record ListItem(String text, String where) {}

  /** Like {@link #list(Setting)}, but each item says where it stood, for error messages. */
  public static List<ListItem> items(Setting s) throws MasqException {
    return items(s, true);
  }

  private static List<ListItem> items(Setting s, boolean expandFiles) throws MasqException {
    List<ListItem> items = new ArrayList<>();
    for (String part : s.value().split(";", -1)) {
      String item = part.strip();
      if (item.isEmpty()) {
        continue;
      }
      if (expandFiles && item.startsWith("/")) {
        try {
          int n = 0;
          String content =
              new String(RegularFile.read(Path.of(item), MAX_FILE), StandardCharsets.UTF_8);
          for (String l : content.lines().toList()) {
            n++;
            String t = l.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
              items.add(new ListItem(t, item + ":" + n));
            }
          }
        } catch (IOException e) {
          throw new MasqException(
              Exit.CONFIG,
              s.where() + ": " + s.name() + ": list file " + item + ": " + ErrorText.ofFile(e));
        } catch (java.nio.file.InvalidPathException e) {
          throw Values.bad(s, "not a file name this system can use (" + e.getReason() + ")");
        }
      } else {
        items.add(new ListItem(item, s.where()));
      }
    }
    return items;
  }
}
