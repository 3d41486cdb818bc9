package masq.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TimeZone;
import masq.Exit;
import masq.MasqException;
import masq.Version;
import masq.config.Config;
import masq.config.ConfigError;
import masq.log.MailLog;
import masq.message.LocalOffset;
import masq.spool.Spool;

/**
 * What every command shares: the common options (-C, -v, -h/--help, --version, --strict), loading
 * the configuration, and turning failures into one line on stderr and a sysexits code. A stack
 * trace is shown only with -vv.
 */
abstract class Tool {
  final String name;
  final PrintStream out;
  final PrintStream err;
  final Map<String, String> env;
  final Clock clock;
  Path configFile;
  boolean strict;
  int verbose;

  Tool(String name, PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    this.name = name;
    this.out = out;
    this.err = err;
    this.env = env;
    this.clock = clock;
  }

  /** Runs the command; returns its exit code. */
  abstract int run(String[] args) throws MasqException, IOException;

  /** The usage text printed by -h/--help. */
  abstract String usage();

  final int execute(String[] args) {
    try {
      return run(args);
    } catch (MasqException e) {
      if (e instanceof ConfigError ce) {
        warn(ce.warnings()); // found in the same file before the error: not lost with it
      }
      err.println(name + ": " + e.getMessage());
      if (verbose >= 2) {
        e.printStackTrace(err);
      }
      return e.exitCode();
    } catch (IOException e) {
      err.println(name + ": I/O error: " + e);
      if (verbose >= 2) {
        e.printStackTrace(err);
      }
      return Exit.IOERR;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      err.println(name + ": internal error: " + e);
      if (verbose >= 2) {
        e.printStackTrace(err);
      }
      return Exit.SOFTWARE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * Handles a common option at {@code args[i]}; returns how many arguments it used (0 when it is
   * not a common option), or -1 when the command should stop (help or version shown).
   */
  final int common(String[] args, int i) throws MasqException {
    String a = args[i];
    switch (a) {
      case "-h", "--help" -> {
        out.print(usage());
        return -1;
      }
      case "--version" -> {
        out.println(name + " (masq) " + Version.VERSION);
        return -1;
      }
      case "--strict" -> {
        strict = true;
        return 1;
      }
      case "-C" -> {
        if (i + 1 >= args.length) {
          throw usageError("-C needs a file name");
        }
        configFile = Path.of(args[i + 1]);
        return 2;
      }
      default -> {
        if (a.startsWith("-C") && a.length() > 2) {
          configFile = Path.of(a.substring(2));
          return 1;
        }
        if (a.length() > 1 && a.charAt(0) == '-' && a.chars().skip(1).allMatch(c -> c == 'v')) {
          verbose += a.length() - 1;
          return 1;
        }
        return 0;
      }
    }
  }

  /**
   * Where sendmail-style options end: when {@code args[i]} is {@code --} (skipped), {@code -} or a
   * word without a leading dash, the index of the first operand; -1 while it is an option.
   */
  static int operandsAt(String[] args, int i) {
    String a = args[i];
    if (a.equals("--")) {
      return i + 1;
    }
    return !a.startsWith("-") || a.equals("-") ? i : -1;
  }

  final MasqException usageError(String what) {
    return new MasqException(Exit.USAGE, "usage: " + what + " (see " + name + " --help)");
  }

  final Config loadConfig() throws MasqException {
    Config cfg = Config.load(configFile, env, strict);
    warn(cfg.warnings());
    return cfg;
  }

  /** Prints each warning as one line: {@code masq-TOOL: warning: FILE:LINE: ...}. */
  final void warn(java.util.List<String> warnings) {
    for (String w : warnings) {
      err.println(name + ": warning: " + w);
    }
  }

  final Spool openSpool(Config cfg) throws MasqException {
    return Spool.open(cfg.spoolDir(), clock, ProcessHandle.current().pid(), !cfg.runAsUser());
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
    if (cfg.logToStderr()) {
      return MailLog.toStream(err, clock, zone, pid, cfg.useSyslog());
    }
    MailLog log = new MailLog(cfg.logDir(), clock, zone, pid, cfg.useSyslog());
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
    int code = t.execute(args);
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }
}
