package masq.deliver.remote;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way a POSIX shell would (and masqmail's
 * g_shell_parse_argv), without running a shell: blanks separate words; {@code '...'} is
 * literal; in {@code "..."} a backslash escapes only {@code $ ` " \} and newline; outside
 * quotes a backslash escapes any character; a {@code #} that starts a word starts a comment.
 * Nothing is expanded: no variables, globs or redirections.
 */
final class ShellWords {
  private ShellWords() {}

  /** The words of {@code line}; throws IllegalArgumentException for an unterminated quote. */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    int n = line.length();
    for (int i = 0; i < n; i++) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n') {
        if (inWord) {
          words.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else if (c == '#' && !inWord) {
        while (i < n && line.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated ' in command: " + line);
        }
        w.append(line, i + 1, end);
        i = end;
        inWord = true;
      } else if (c == '"') {
        i++;
        for (; ; i++) {
          if (i >= n) {
            throw new IllegalArgumentException("unterminated \" in command: " + line);
          }
          char d = line.charAt(i);
          if (d == '"') {
            break;
          }
          if (d == '\\' && i + 1 < n && "$`\"\\\n".indexOf(line.charAt(i + 1)) >= 0) {
            d = line.charAt(++i);
            if (d == '\n') {
              continue;
            }
          }
          w.append(d);
        }
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 < n) {
          char d = line.charAt(++i);
          if (d != '\n') {
            w.append(d);
            inWord = true;
          }
        }
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(w.toString());
    }
    return words;
  }
}
