package masq.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import masq.Exit;
import org.junit.jupiter.api.Test;

/**
 * Each command's option definitions (Tool.options) against its --help and its man page: every
 * option defined is listed by --help and named on the page, and every option the page's OPTIONS
 * section describes is defined, so the page and the definitions cannot drift apart.
 */
class OptionsDocumentedTest {
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);

  private List<Tool> tools() {
    Map<String, String> env = Map.of();
    Clock c = Clock.systemUTC();
    return List.of(
        new Deliver(out, out, env, c),
        new QueueTool(out, out, env, c),
        new Rewrite(new ByteArrayInputStream(new byte[0]), out, out, env, c),
        new Smtpd(out, out, env, c),
        new Inject(out, out, env, c),
        new Sendmail("sendmail", out, out, env, c));
  }

  /** {@code name} as a word of its own: not part of a longer option ({@code -h} in --help). */
  private static boolean names(String text, String name) {
    return Pattern.compile("(?<![\\w-])" + Pattern.quote(name) + "(?![\\w-])").matcher(text).find();
  }

  /**
   * The page as text: {@code \-} a dash, an italic word (a placeholder) in capitals as --help
   * writes it ({@code \-q\fIinterval\fP} is {@code -qINTERVAL}), no other font changes.
   */
  private static String page(Tool t) throws IOException {
    String ref = t.manPage(); // masq-deliver(8)
    Path file = Path.of("../man", ref.replaceAll("\\((\\d)\\)$", ".$1"));
    String text = Files.readString(file).replace("\\-", "-");
    Matcher m = Pattern.compile("\\\\fI([^\\\\\\s]*)").matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1).toUpperCase(Locale.ROOT)));
    }
    m.appendTail(sb);
    return sb.toString().replaceAll("\\\\f[BRIP]|\\\\&|\\\\\\|", "");
  }

  @Test
  void helpIsMadeFromTheDefinitionsAndListsEachOption() {
    for (Tool t : tools()) {
      stdout.reset();
      assertEquals(Exit.OK, t.execute(new String[] {"--help"}), t.name);
      String help = stdout.toString(StandardCharsets.UTF_8);
      assertTrue(help.startsWith("usage: " + t.name + " "), help);
      assertEquals(t.usage(), help, t.name);
      assertTrue(help.endsWith("See " + t.manPage() + ".\n"), help);
      for (OptionDef d : t.options()) {
        for (String n : d.names()) {
          assertTrue(names(help, n), t.name + " --help does not list " + n + ":\n" + help);
        }
      }
    }
  }

  @Test
  void theManPageNamesEveryDefinedOption() throws IOException {
    for (Tool t : tools()) {
      String page = page(t);
      Set<String> missing = new TreeSet<>();
      for (OptionDef d : t.options()) {
        for (String n : d.names()) {
          if (!names(page, n)) {
            missing.add(n);
          }
        }
      }
      assertEquals(Set.of(), missing, t.manPage() + " does not name these options of " + t.name);
    }
  }

  @Test
  void everyOptionTheManPageDescribesIsDefined() throws IOException {
    Pattern option = Pattern.compile("(?<![\\w-])--?[A-Za-z][\\w-]*");
    for (Tool t : tools()) {
      Set<String> defined = new TreeSet<>();
      for (OptionDef d : t.options()) {
        defined.addAll(d.names());
      }
      Set<String> undefined = new TreeSet<>();
      for (String tag : optionTags(page(t))) {
        Matcher m = option.matcher(tag);
        while (m.find()) {
          String n = m.group().matches("-v+") ? "-v" : m.group(); // -vv is -v twice
          if (!defined.contains(n)) {
            undefined.add(n);
          }
        }
      }
      assertEquals(Set.of(), undefined, t.manPage() + " describes options " + t.name + " lacks");
    }
  }

  /** The tag lines (the line after each .TP) of the page's OPTIONS section. */
  private static List<String> optionTags(String page) {
    List<String> tags = new ArrayList<>();
    boolean in = false;
    String[] lines = page.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith(".SH")) {
        in = lines[i].equals(".SH OPTIONS");
      } else if (in && lines[i].equals(".TP") && i + 1 < lines.length) {
        tags.add(lines[i + 1]);
      }
    }
    return tags;
  }
}
