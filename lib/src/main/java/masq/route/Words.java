package masq.route;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line the way masqmail does (g_shell_parse_argv): words separated by white space,
 * single quotes literal, double quotes with backslash escapes, a backslash quoting the next
 * character outside quotes, a {@code #} that starts a word starting a comment. No variables, globs
 * or other shell syntax.
 */
public final class Words {
  private Words() {}

  /** The words of {@code line}; throws IllegalArgumentException with the reason when it is bad. */
  public static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder w = null;
    int n = line.length();
    for (int i = 0; i < n; i++) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (w != null) {
          words.add(w.toString());
          w = null;
        }
        continue;
      }
      if (w == null) {
        if (c == '#') {
          break; // a comment, to the end of the line
        }
        w = new StringBuilder();
      }
      if (c == '\'') {
        int j = line.indexOf('\'', i + 1);
        if (j < 0) {
          throw new IllegalArgumentException("unterminated ' quote");
        }
        w.append(line, i + 1, j);
        i = j;
      } else if (c == '"') {
        int j = i + 1;
        while (j < n && line.charAt(j) != '"') {
          if (line.charAt(j) == '\\' && j + 1 < n && "\"\\$`\n".indexOf(line.charAt(j + 1)) >= 0) {
            j++;
          }
          w.append(line.charAt(j));
          j++;
        }
        if (j >= n) {
          throw new IllegalArgumentException("unterminated \" quote");
        }
        i = j;
      } else if (c == '\\') {
        if (i + 1 >= n) {
          throw new IllegalArgumentException("backslash at the end");
        }
        w.append(line.charAt(++i));
      } else {
        w.append(c);
      }
    }
    if (w != null) {
      words.add(w.toString());
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    return words;
  }

  /** Null when {@code line} splits into a command, else the reason it does not. */
  static String check(String line) {
    try {
      split(line);
      return null;
    } catch (IllegalArgumentException e) {
      return "bad command: " + e.getMessage();
    }
  }
}
