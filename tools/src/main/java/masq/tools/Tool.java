package masq.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.function.Function;
import masq.Exit;
import masq.MasqException;
import masq.Printable;
import masq.config.Config;
import masq.config.ConfigError;
import masq.log.MailLog;
import masq.message.LocalOffset;
import masq.route.IgnoredOptions;
import masq.spool.Spool;

/**
 * What every command shares: the common options (-C, -v, -h/--help, --version, --strict; parsed by
 * CliParser, or by Inject in sendmail's grammar) and their settings, the --help text made from the
 * command's option definitions, loading the configuration, and turning failures into one line on
 * stderr and a sysexits code. A stack trace is shown only with -vv.
 */
abstract class Tool {
  /** The options every command takes, as --help lists them after the command's own. */
  static final List<OptionDef> COMMON =
      List.of(
          OptionDef.valued(
              "-C",
              "FILE",
              "configuration file (default $MASQ_CONF, /etc/masq/masq.conf, built-in)"),
          OptionDef.flag("-v", "more detail on stderr (repeatable: -vv also shows stack traces)"),
          OptionDef.flag(
              "--strict", "unknown configuration options are errors (exit 78), not warnings"),
          new OptionDef(List.of("-h", "--help"), null, "print this help"),
          OptionDef.flag("--version", "print the version"));

  /** The name messages start with: the command's own, or sendmail's when run for it. */
  String name;

  final PrintStream out;
  final PrintStream err;
  final Map<String, String> env;
  final Clock clock;
  Path configFile;
  boolean strict;
  int verbose;

  /** Whether -v has said the options masq ignores already (masq-queue check says them once). */
  boolean ignoredSaid;

  Tool(String name, PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    this.name = name;
    this.out = out;
    this.err = err;
    this.env = env;
    this.clock = clock;
  }

  /** Runs the command; returns its exit code. */
  abstract int run(String[] args) throws MasqException, IOException;

  /**
   * The text -h/--help prints: {@link #synopsis}, one line per option of {@link #options}, and the
   * man page.
   */
  final String usage() {
    return synopsis() + OptionDef.lines(options()) + "See " + manPage() + ".\n";
  }

  /**
   * The lines of --help before the options: the usage line or lines (the first starts with {@code
   * "usage: "}) and what the command does.
   */
  abstract String synopsis();

  /** Every option the command takes, its own and then {@link #COMMON}, in --help's order. */
  abstract List<OptionDef> options();

  /** The reference, e.g. {@code masq-deliver(8)}; man/ holds it as masq-deliver.8. */
  abstract String manPage();

  /** {@code own} and then the common options. */
  static List<OptionDef> withCommon(List<OptionDef> own) {
    List<OptionDef> all = new ArrayList<>(own);
    all.addAll(COMMON);
    return List.copyOf(all);
  }

  final int execute(String[] args) {
    try {
      return run(args);
    } catch (MasqException e) {
      if (e instanceof ConfigError ce) {
        warn(ce.warnings()); // found in the same file before the error: not lost with it
      }
      err.println(name + ": " + Printable.of(e.getMessage()));
      if (verbose >= 2) {
        e.printStackTrace(err);
      }
      return e.exitCode();
    } catch (IOException e) {
      err.println(name + ": I/O error: " + Printable.of(String.valueOf(e)));
      if (verbose >= 2) {
        e.printStackTrace(err);
      }
      return Exit.IOERR;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      err.println(name + ": internal error: " + Printable.of(String.valueOf(e)));
      if (verbose >= 2) {
        e.printStackTrace(err);
      }
      return Exit.SOFTWARE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  final MasqException usageError(String what) {
    return new MasqException(Exit.USAGE, "usage: " + what + " (see " + name + " --help)");
  }

  /**
   * The file an option names; a name the file system cannot hold (a byte the locale cannot encode,
   * a NUL) is a usage error naming the option.
   */
  final Path fileArgument(String option, String value) throws MasqException {
    try {
      return Path.of(value);
    } catch (java.nio.file.InvalidPathException e) {
      throw usageError(
          option + " " + masq.Printable.value(value) + ": not a file name (" + e.getReason() + ")");
    }
  }

  final Config loadConfig() throws MasqException {
    Config cfg = Config.load(configFile, env, strict);
    report(cfg, Set.of());
    return cfg;
  }

  /**
   * Loads the configuration and prints its warnings, but those about the route files this command
   * is about to use ({@code used}, absolute and normalized): it fails on such a file with that very
   * line (see Routes), said once. With -v the options masq ignores are said too (see {@link
   * IgnoredOptions}).
   */
  final Config loadConfig(Function<Config, Set<Path>> used) throws MasqException {
    Config cfg = Config.load(configFile, env, strict);
    report(cfg, used.apply(cfg));
    return cfg;
  }

  private void report(Config cfg, Set<Path> used) {
    List<String> w = new ArrayList<>(cfg.warnings());
    for (Path p : used) {
      w.remove(cfg.routeFileProblems().get(p));
    }
    warn(w);
    if (verbose > 0) {
      ignoredSaid = true;
      for (String i : IgnoredOptions.of(cfg)) {
        err.println(name + ": note: " + Printable.of(i));
      }
    }
  }

  /** Prints each warning as one line: {@code masq-TOOL: warning: FILE:LINE: ...}. */
  final void warn(List<String> warnings) {
    for (String w : warnings) {
      err.println(name + ": warning: " + Printable.of(w));
    }
  }

  final Spool openSpool(Config cfg) throws MasqException {
    return Spool.open(
        cfg.dirs().spoolDir(), clock, ProcessHandle.current().pid(), !cfg.runAsUser());
  }

  final MailLog log(Config cfg) {
    return log(cfg, ZoneId.systemDefault());
  }

  /**
   * The mail log, with dates in {@code zone}: log_dir/masq.log, or with {@code log_dir = ""} this
   * command's stderr (which drops everything when it is the client's socket: see {@link
   * Smtpd#quietStderrOnSocket}). In single-user mode the file and its directory are made 0600 and
   * 0700.
   */
  final MailLog log(Config cfg, ZoneId zone) {
    long pid = ProcessHandle.current().pid();
    if (cfg.log().logToStderr()) {
      return MailLog.toStream(err, clock, zone, pid, cfg.log().useSyslog());
    }
    MailLog log = new MailLog(cfg.log().logDir(), clock, zone, pid, cfg.log().useSyslog());
    return cfg.runAsUser() ? log.ownerOnly() : log;
  }

  /**
   * The local time zone for a command that lasts seconds (masq-inject, one inetd session of
   * masq-smtpd): the system zone's offset now, since dates carry their offset, read from
   * /etc/localtime (LocalOffset) when TZ does not name another zone. The JDK's ways cost a tenth of
   * an inetd session's start-up (ZoneId.systemDefault: the time zone database read twice, the class
   * path searched for rule providers) and still a sixth of masq-inject's own time
   * (TimeZone.getDefault: the database read once and decoded, in the interpreter).
   */
  static ZoneId zoneNow(Clock clock) {
    long now = clock.millis();
    String prop = System.getProperty("user.timezone");
    if (System.getenv("TZ") == null && (prop == null || prop.isEmpty())) {
      Integer s = LocalOffset.at(Path.of("/etc/localtime"), Math.floorDiv(now, 1000));
      if (s != null) {
        return ZoneOffset.ofTotalSeconds(s);
      }
    }
    return ZoneOffset.ofTotalSeconds(TimeZone.getDefault().getOffset(now) / 1000);
  }

  /** The numeric uid of this process. */
  static long uid() {
    try {
      return Spool.processUid();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The login name of this process's user. */
  static String login() {
    String u = System.getProperty("user.name");
    return u == null || u.isEmpty() || u.equals("?") ? "nobody" : u;
  }

  /**
   * Runs a short command and ends the process. The streams are flushed and every file is closed by
   * then, and short commands register no shutdown hooks, so the JVM is halted rather than exited:
   * System.exit would first set up the platform logging it reports exits to.
   */
  static void exit(Tool t, String[] args) {
    int code = t.execute(ArgvBytes.exact(args));
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }
}
