package masq.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * One option of a command as it is defined once: the names it is written with ({@code -h}, {@code
 * --help}), the name of its value as --help shows it (null for none; {@code ID...} takes every word
 * up to the next option, {@code [ADDR:PORT]} a value that may be left out), and what it does in one
 * line. CliParser parses by these definitions and masq-inject reads its value options from them;
 * {@link Tool#usage} prints them; OptionsDocumentedTest checks each name against the man page.
 */
record OptionDef(List<String> names, String arg, String text) {
  /** The column where the texts start, after two spaces and the longest form that fits before. */
  private static final int TEXT_AT = 20;

  /** The width --help is wrapped to. */
  private static final int WIDTH = 80;

  /** An option without a value, e.g. {@code --dry-run}. */
  static OptionDef flag(String name, String text) {
    return new OptionDef(List.of(name), null, text);
  }

  /** An option with one value, e.g. {@code --route NAME}. */
  static OptionDef valued(String name, String arg, String text) {
    return new OptionDef(List.of(name), arg, text);
  }

  /** Whether the value may be left out ({@code --listen} or {@code --listen ADDR:PORT}). */
  boolean optionalArg() {
    return arg != null && arg.startsWith("[");
  }

  /** Whether it takes every word up to the next option ({@code --id A B C}). */
  boolean manyArgs() {
    return arg != null && arg.endsWith("...");
  }

  /** The option as --help shows it: {@code -h, --help}, {@code --route NAME}. */
  String form() {
    return String.join(", ", names) + (arg == null ? "" : " " + arg);
  }

  /**
   * One line per option, {@code form} then {@code text}; a text longer than a line goes on at the
   * text column, and a form too long for its column puts its text on the next line.
   */
  static String lines(List<OptionDef> defs) {
    StringBuilder sb = new StringBuilder();
    for (OptionDef d : defs) {
      String form = "  " + d.form();
      sb.append(form);
      int col = form.length();
      if (col > TEXT_AT - 2) {
        sb.append('\n');
        col = 0;
      }
      for (String line : wrap(d.text(), WIDTH - TEXT_AT)) {
        sb.append(" ".repeat(TEXT_AT - col)).append(line).append('\n');
        col = 0;
      }
    }
    return sb.toString();
  }

  /** {@code text} cut at spaces into lines of at most {@code width} (a longer word stays whole). */
  private static List<String> wrap(String text, int width) {
    List<String> out = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
        out.add(line.toString());
        line.setLength(0);
      }
      line.append(line.isEmpty() ? "" : " ").append(word);
    }
    out.add(line.toString());
    return out;
  }
}
