package masq.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
import masq.Version;
import masq.config.Values;

/**
 * sendmail — masqmail's command line, mapped onto the masq tools in this process.
 *
 * <pre>
 * sendmail [-C FILE] [-v] [-bm] [inject options] [--] [RCPT...]   → masq-inject
 * sendmail -bp | mailq                                             → masq-queue list
 * sendmail -q | runq                                               → masq-deliver
 * sendmail -qo NAME                                                → masq-deliver --route NAME
 * sendmail -qR DOMAIN | -qRDOMAIN                                  → masq-deliver --domain DOMAIN
 * sendmail -qINTERVAL (e.g. -q30m)                                 → masq-deliver --daemon --interval INTERVAL
 * sendmail -bs                                                     → masq-smtpd (one session, inetd)
 * sendmail -bd                                                     → masq-smtpd --listen (listen_addresses)
 * sendmail -bd -qINTERVAL                                          → both in one JVM, the runs in a thread
 * sendmail -Mrm ID... | mailrm ID...                               → masq-queue remove ID...
 * sendmail -bi | newaliases                                        → nothing (aliases are read on every run)
 * sendmail -bV                                                     → the version
 * </pre>
 *
 * <p>The reference is masq-sendmail(8). The mode comes from the options, else from the name the
 * command was invoked under (the launcher passes it as {@code --invoked-as NAME} before the user's
 * arguments): {@code mailq}, {@code runq}, {@code newaliases}, {@code mailrm}, {@code smtpd}/{@code
 * in.smtpd} as masqmail; any other name (sendmail, masqmail) accepts a message. -C FILE, -v and
 * --strict go to whichever tool runs; -d N (masqmail's debug level) is taken and has no effect (use
 * -v); -odq goes to masq-smtpd as well. Every other option is masq-inject's; in the other modes
 * they are accepted and have no effect, as with masqmail.
 *
 * <p>DIAGNOSTICS: an unknown -b or -q form, -qo without a name, -M other than -Mrm, arguments where
 * a mode takes none exit 64. Otherwise the exit code and messages are the tool's own, under the
 * name the command was invoked as ({@code sendmail: unknown route ...}, {@code mailq: ...}).
 *
 * <p>SECURITY: nothing beyond the tool that runs: this class only rewrites the argument list.
 */
public final class Sendmail extends Tool {
  /** The mode a command line asks for, as masqmail's option for it. */
  private enum Mode {
    ACCEPT,
    LIST,
    RUN,
    ROUTE,
    DAEMON,
    SMTP,
    LISTEN,
    REMOVE,
    ALIASES
  }

  /**
   * What to run: a tool and its arguments, or nothing (the exit code is then {@code code}); for
   * masqmail's {@code -bd -qINTERVAL}, also the queue-run daemon beside the server.
   */
  record Plan(Tool tool, List<String> args, int code, Tool beside, List<String> besideArgs) {
    Plan(Tool tool, List<String> args, int code) {
      this(tool, args, code, null, List.of());
    }
  }

  Sendmail(String program, PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    super(program, out, err, env, clock);
  }

  public static void main(String[] args) {
    String program = "sendmail";
    String[] rest = args;
    if (args.length >= 2 && args[0].equals("--invoked-as")) {
      program = args[1].isEmpty() ? program : args[1];
      rest = Arrays.copyOfRange(args, 2, args.length);
    }
    PrintStream err =
        Arrays.asList(rest).contains("-bs") ? Smtpd.quietStderrOnSocket() : System.err;
    exit(new Sendmail(program, System.out, err, System.getenv(), Clock.systemUTC()), rest);
  }

  /**
   * sendmail's modes and own options, as --help lists them and OptionsDocumentedTest checks them
   * against masq-sendmail(8). Only the documentation: {@link #plan} reads them by hand (masqmail's
   * forms, glued to a value or not, see there); masq-inject's options come on top.
   */
  private static final List<OptionDef> OPTIONS =
      List.of(
          OptionDef.flag("-bm", "accept a message on stdin (masq-inject; the default)"),
          OptionDef.flag("-bp", "list the queue (masq-queue list)"),
          OptionDef.flag("-q", "one queue run (masq-deliver)"),
          OptionDef.valued("-qo", "NAME", "the link NAME is up: run the queue over route NAME"),
          OptionDef.valued(
              "-qR", "DOMAIN", "one queue run for the recipients in DOMAIN only (repeatable)"),
          OptionDef.flag(
              "-qINTERVAL", "run the queue every INTERVAL, e.g. -q30m (masq-deliver --daemon)"),
          OptionDef.flag("-bs", "one SMTP session on stdin/stdout (masq-smtpd)"),
          OptionDef.flag("-bd", "SMTP server on listen_addresses (masq-smtpd --listen)"),
          OptionDef.flag("-bd -qINTERVAL", "both: the server, and a queue run every INTERVAL"),
          OptionDef.valued("-Mrm", "ID...", "remove messages (masq-queue remove)"),
          OptionDef.flag("-bi", "rebuild aliases: nothing to do, they are read on every run"),
          OptionDef.flag("-bV", "print the version"),
          OptionDef.valued("-d", "LEVEL", "masqmail's debug level: accepted, no effect (use -v)"));

  @Override
  String synopsis() {
    return """
    usage: sendmail [-C FILE] [-v] [-t] [-i|-oi] [-f ADDR] [-F NAME] [-odq|-odi|-odb] [--] [RCPT...]
           sendmail -bp | -q | -qo NAME | -qR DOMAIN | -qINTERVAL | -bs | -bd | -Mrm ID... | -bi | -bV
    masqmail's command line for the masq tools; also installed as mailq, runq,
    newaliases and mailrm. masq-inject's options are accepted in every mode.
    """;
  }

  @Override
  List<OptionDef> options() {
    return withCommon(OPTIONS);
  }

  @Override
  String manPage() {
    return "masq-sendmail(8)";
  }

  @Override
  int run(String[] args) throws MasqException, IOException {
    Plan p = plan(args);
    if (p.tool() == null) {
      return p.code();
    }
    return p.beside() == null
        ? p.tool().execute(p.args().toArray(String[]::new))
        : serverAndQueueRuns(p);
  }

  /**
   * masqmail's {@code -bd -qINTERVAL} in one JVM: masq-smtpd --listen here, masq-deliver --daemon
   * in a second thread. SIGTERM (or SIGINT) reaches the queue runs' handler, which ends them after
   * the current message; then the process exits the ordinary way, so the server's shutdown hook
   * stops it gracefully. If either cannot start, the process ends at once with that one's exit code
   * (a queue run under way is then cut off as by a crash, which the spool is made to survive).
   */
  private int serverAndQueueRuns(Plan p) {
    Thread.ofPlatform()
        .name("queue-runs")
        .start(() -> {
          int code = p.beside().execute(p.besideArgs().toArray(String[]::new));
          if (code == Exit.OK) {
            System.exit(code); // runs the server's shutdown hook: a graceful stop
          }
          err.flush();
          Runtime.getRuntime().halt(code);
        });
    return p.tool().execute(p.args().toArray(String[]::new));
  }

  /** The mode masqmail takes from the name it runs under. */
  private static Mode modeOfName(String program) {
    return switch (program) {
      case "mailq" -> Mode.LIST;
      case "runq" -> Mode.RUN;
      case "newaliases" -> Mode.ALIASES;
      case "mailrm" -> Mode.REMOVE;
      case "smtpd", "in.smtpd" -> Mode.SMTP;
      default -> Mode.ACCEPT;
    };
  }

  /**
   * Maps the command line onto a tool; prints help or version itself.
   *
   * <p>Hand-parsed, not with Commons CLI (CliParser): masqmail's modes are letters glued to a word
   * or a value ({@code -bp}, {@code -bs}, {@code -Mrm}, {@code -q}, {@code -q30m}, {@code -qo NAME}
   * and {@code -qoNAME}, {@code -d N}), where {@code -q} alone, {@code -q} with a time and {@code
   * -qo} with a name are three options; the rest is masq-inject's sendmail grammar (see
   * Inject.parse), which ends at the first recipient; and sendmail's accept mode runs per message,
   * so it loads no Commons CLI class.
   */
  Plan plan(String[] args) throws MasqException {
    Mode mode = null;
    String route = null;
    String interval = null;
    List<String> domains = new ArrayList<>();
    boolean daemonAsked = false;
    List<String> common = new ArrayList<>();
    List<String> inject = new ArrayList<>();
    List<String> delivery = new ArrayList<>();
    int i = 0;
    while (i < args.length && Inject.operandsAt(args, i) < 0) {
      String a = args[i];
      switch (a) {
        case "-h", "--help" -> {
          out.print(usage());
          return new Plan(null, List.of(), Exit.OK);
        }
        case "--version", "-bV" -> {
          out.println(name + " (masq) " + Version.VERSION);
          return new Plan(null, List.of(), Exit.OK);
        }
        case "-C", "-d", "-M", "-qo", "-qR" -> {
          if (i + 1 >= args.length) {
            throw usageError(a + " needs a value");
          }
          String v = args[++i];
          switch (a) {
            case "-C" -> common.addAll(List.of(a, v));
            case "-d" -> debugLevel(v);
            case "-M" -> mode = set(mode, removeMode(v));
            case "-qR" -> {
              mode = set(mode, Mode.RUN);
              domains.add(v);
            }
            default -> {
              mode = set(mode, Mode.ROUTE);
              route = v;
            }
          }
        }
        case "--strict" -> common.add(a);
        case "-bm" -> mode = set(mode, Mode.ACCEPT);
        case "-bp" -> mode = set(mode, Mode.LIST);
        case "-bs" -> mode = set(mode, Mode.SMTP);
        case "-bd" -> mode = set(mode, Mode.LISTEN);
        case "-bi" -> mode = set(mode, Mode.ALIASES);
        case "-q" -> mode = set(mode, Mode.RUN);
        case "-odq", "-odi", "-odb", "-odf" -> {
          inject.add(a);
          delivery.add(a);
        }
        default -> {
          if (a.matches("-v+") || a.startsWith("-C")) {
            common.add(a);
          } else if (a.startsWith("-b")) {
            throw usageError("unknown mode " + a + " (masq knows -bm, -bp, -bs, -bd, -bi, -bV)");
          } else if (a.startsWith("-qR")) {
            mode = set(mode, Mode.RUN);
            domains.add(a.substring(3));
          } else if (a.startsWith("-qo")) {
            mode = set(mode, Mode.ROUTE);
            route = a.substring(3);
          } else if (a.startsWith("-q")) {
            String v = a.substring(2);
            var d = Values.parseDuration(v);
            if (d == null || d.isZero()) {
              throw usageError(
                  "unknown queue option "
                      + a
                      + " (masq knows -q, -qo NAME, -qR DOMAIN and -qINTERVAL such as -q30m)");
            }
            daemonAsked = true;
            mode = set(mode, Mode.DAEMON);
            interval = v;
          } else if (a.startsWith("-M")) {
            mode = set(mode, removeMode(a.substring(2)));
          } else if (a.startsWith("-d")) {
            debugLevel(a.substring(2));
          } else {
            inject.add(a);
            if (Inject.takesValue(a) && i + 1 < args.length) {
              inject.add(args[++i]);
            }
          }
        }
      }
      i++;
    }
    List<String> operands =
        Arrays.asList(args).subList(i < args.length ? Inject.operandsAt(args, i) : i, args.length);
    if (mode == null) {
      mode = modeOfName(name);
    }
    if (mode != Mode.ACCEPT && mode != Mode.REMOVE && !operands.isEmpty()) {
      throw usageError("this mode takes no arguments, but got '" + operands.get(0) + "'");
    }
    List<String> a = new ArrayList<>(common);
    Tool tool;
    switch (mode) {
      case ACCEPT -> {
        tool = new Inject(out, err, env, clock);
        a.addAll(inject);
        a.add("--");
        a.addAll(operands);
      }
      case LIST, REMOVE -> {
        tool = new QueueTool(out, err, env, clock);
        a.add(mode == Mode.LIST ? "list" : "remove");
        a.addAll(operands);
      }
      case RUN, ROUTE, DAEMON -> {
        tool = new Deliver(out, err, env, clock);
        for (String d : domains) {
          a.addAll(List.of("--domain", d));
        }
        if (mode == Mode.ROUTE) {
          a.addAll(List.of("--route", route));
        } else if (mode == Mode.DAEMON) {
          a.addAll(List.of("--daemon", "--interval", interval));
        }
      }
      case SMTP, LISTEN -> {
        tool = new Smtpd(out, err, env, clock);
        if (mode == Mode.LISTEN) {
          a.add("--listen");
        }
        a.addAll(delivery);
        if (daemonAsked) {
          List<String> d = new ArrayList<>(common);
          d.addAll(List.of("--daemon", "--interval", interval));
          Tool runs = new Deliver(out, err, env, clock);
          tool.name = name;
          runs.name = name;
          return new Plan(tool, List.copyOf(a), Exit.OK, runs, List.copyOf(d));
        }
      }
      case ALIASES -> {
        return new Plan(null, List.of(), Exit.OK); // aliases are read afresh on every delivery
      }
      default -> throw new IllegalStateException("mode " + mode);
    }
    tool.name = name; // its messages in the user's words: "sendmail: unknown route ..."
    return new Plan(tool, List.copyOf(a), Exit.OK);
  }

  /** Two different modes on one command line are an error; the same one twice is not. */
  private Mode set(Mode old, Mode mode) throws MasqException {
    if ((old == Mode.RUN || old == Mode.ROUTE) && (mode == Mode.RUN || mode == Mode.ROUTE)) {
      return old == Mode.ROUTE ? old : mode; // -qo NAME -qR DOMAIN: one run over NAME, for DOMAIN
    }
    if (old != null
        && old != mode
        && !(old == Mode.DAEMON && mode == Mode.LISTEN)
        && !(old == Mode.LISTEN && mode == Mode.DAEMON)) {
      throw usageError(
          "two modes on one command line ("
              + old.name().toLowerCase(java.util.Locale.ROOT)
              + " and "
              + mode.name().toLowerCase(java.util.Locale.ROOT)
              + ")");
    }
    return old == Mode.LISTEN ? old : mode;
  }

  private Mode removeMode(String v) throws MasqException {
    if (!v.equals("rm")) {
      throw usageError("unknown option -M" + v + " (masq knows -Mrm ID...)");
    }
    return Mode.REMOVE;
  }

  /** masqmail's -d N: checked, then without effect (masq's commands take -v). */
  private void debugLevel(String v) throws MasqException {
    if (!v.matches("[0-9]+")) {
      throw usageError("-d takes a debug level (a number), not '" + v + "'");
    }
  }
}
