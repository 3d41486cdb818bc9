package masq.tools;

import java.util.ArrayList;
import java.util.List;
import masq.MasqException;
import masq.Printable;
import masq.Version;
import masq.config.NearestWord;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/**
 * The one set of command-line rules of masq-deliver, masq-queue, masq-rewrite and masq-smtpd, on
 * Apache Commons CLI: {@code --opt VALUE} and {@code --opt=VALUE}, {@code -x VALUE} and {@code
 * -xVALUE}, options repeatable and anywhere among the operands, {@code --} ending the options, long
 * names only in full; an unknown option is named with the nearest known one. The options are the
 * tool's definitions (OptionDef), which --help lists too; the common ones (-C FILE, -v repeatable,
 * -h/--help, --version, --strict) are set on the tool here. A mistake is one usage line (exit 64).
 * masq-inject and sendmail keep sendmail's own grammar (see Inject and Sendmail), which this does
 * not load.
 */
final class CliParser {
  private CliParser() {}

  /**
   * Parses {@code args} for {@code tool} by its option definitions ({@link Tool#options}, which
   * include the common ones); returns null when help or the version was printed (the command then
   * exits 0).
   */
  static CommandLine parse(Tool tool, String[] args) throws MasqException {
    Options options = new Options();
    for (OptionDef d : tool.options()) {
      options.addOption(option(d));
    }
    CommandLine cl;
    try {
      cl = DefaultParser.builder().setAllowPartialMatching(false).get().parse(options, args);
    } catch (MissingArgumentException e) {
      throw tool.usageError(name(e.getOption()) + " needs a value");
    } catch (UnrecognizedOptionException e) {
      throw tool.usageError(
          "unknown option " + e.getOption() + NearestWord.hint(e.getOption(), spelled(options)));
    } catch (ParseException e) {
      throw tool.usageError(e.getMessage());
    }
    if (cl.hasOption("help")) {
      tool.out.print(tool.usage());
      return null;
    }
    if (cl.hasOption("version")) {
      tool.out.println(tool.name + " (masq) " + Version.VERSION);
      return null;
    }
    tool.strict = cl.hasOption("strict");
    if (cl.hasOption("C")) {
      tool.configFile = tool.fileArgument("-C", last(cl, "C"));
    }
    for (Option o : cl.getOptions()) {
      if ("v".equals(o.getOpt())) {
        tool.verbose++;
      }
    }
    return cl;
  }

  /**
   * The value of a one-value option, the last one when it is given more than once (as getopt's
   * users expect: a later option overrides an earlier one, e.g. in an alias); null when absent.
   */
  static String last(CommandLine cl, String option) {
    String[] v = cl.getOptionValues(option);
    return v == null ? null : v[v.length - 1];
  }

  /**
   * Refuses {@code word} (one line, exit 64) when it is none of {@code known}, naming the nearest:
   * {@code unknown command 'lsit' (did you mean list?)}.
   */
  static void oneOf(Tool tool, String what, String word, List<String> known) throws MasqException {
    if (!known.contains(word)) {
      throw tool.usageError(
          "unknown " + what + " '" + Printable.value(word) + "'" + NearestWord.hint(word, known));
    }
  }

  /**
   * Every option as the user may write it ({@code --route}, {@code -C}), for the nearest to an
   * unknown one.
   */
  private static List<String> spelled(Options options) {
    List<String> out = new ArrayList<>();
    for (Option o : options.getOptions()) {
      if (o.getLongOpt() != null) {
        out.add("--" + o.getLongOpt());
      }
      if (o.getOpt() != null) {
        out.add("-" + o.getOpt());
      }
    }
    return out;
  }

  /**
   * The Commons CLI option of a definition: {@code -x} names the short option (also a word such as
   * {@code -odq}), {@code --xx} the long one, at most one of each; a value as {@link OptionDef}
   * says.
   */
  private static Option option(OptionDef d) {
    Option.Builder b = Option.builder();
    for (String n : d.names()) {
      if (n.startsWith("--")) {
        b.longOpt(n.substring(2));
      } else {
        b.option(n.substring(1));
      }
    }
    if (d.manyArgs()) {
      b.hasArgs();
    } else if (d.arg() != null) {
      b.hasArg().optionalArg(d.optionalArg());
    }
    return b.get();
  }

  /** The option as the user writes it: {@code --route}, {@code -f}. */
  private static String name(Option o) {
    return o.getOpt() != null ? "-" + o.getOpt() : "--" + o.getLongOpt();
  }
}
