package masq.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import masq.Api;
import masq.ErrorText;
import masq.Exit;
import masq.MasqException;

/**
 * The main configuration, immutable once loaded: each section of masq.conf(5) typed in a record of
 * its own. Option names and meanings are masqmail's; everything is validated here, so the rest of
 * masq reads typed values.
 *
 * @param file the file this came from, or null for the built-in single-user defaults
 * @param warnings warnings found while loading (unknown options, an option given twice, route files
 *     that are missing), each naming file and line: every command prints them
 * @param ignored masqmail options that masq accepts and ignores, each naming file and line: said by
 *     {@code masq-queue check} and with -v only (see {@code masq.route.IgnoredOptions})
 * @param routeFileProblems the warning about each route file that is missing or not a regular file,
 *     by its absolute normalized path: a command that uses the file fails with this line instead
 * @param settings the raw statement of each main option given, by name
 * @param runAsUser {@code run_as_user}: single-user mode, masq runs as the invoking user (the
 *     default without a configuration file)
 * @param names which names are this host's
 * @param dirs where masq keeps its files
 * @param log where the mail log goes
 * @param mailboxes how mail for local users is delivered
 * @param online which routes there are and how masq learns which link is up
 * @param notices bounces and delay warnings
 * @param smtpd what masq-smtpd offers and to whom
 * @param accept what masq takes in
 * @param notifications what the user hears of, and how
 */
@Api
public record Config(
    Path file,
    List<String> warnings,
    List<String> ignored,
    Map<Path, String> routeFileProblems,
    Map<String, Setting> settings,
    boolean runAsUser,
    LocalNames names,
    Directories dirs,
    LogSettings log,
    MailboxSettings mailboxes,
    OnlineSettings online,
    NoticeSettings notices,
    SmtpdSettings smtpd,
    AcceptSettings accept,
    NotifySettings notifications) {

  /** The raw statement for a main option, or null. */
  public Setting setting(String name) {
    return settings.get(name);
  }

  /** Reads {@code list} into a Config, adding the warnings to {@code warn}. */
  private static Config read(
      Path file,
      List<Setting> list,
      Map<String, String> env,
      boolean strict,
      boolean checkRoutes,
      List<String> warn)
      throws MasqException {
    Map<String, Setting> map = new LinkedHashMap<>();
    Map<String, List<Path>> qr = new LinkedHashMap<>();
    Map<String, Setting> qrs = new LinkedHashMap<>();
    List<String> ignored = new ArrayList<>();
    for (Setting s : list) {
      String n = s.name();
      String unknown = OptionFile.warning(s, NAMES);
      if (unknown != null) {
        if (strict) {
          throw new MasqException(Exit.CONFIG, unknown);
        }
        (notApplicable(n) ? ignored : warn).add(unknown);
        continue;
      }
      if (n.startsWith("query_routes.")) {
        qr.put(n.substring("query_routes.".length()), paths(ConfigSyntax.fileList(s), s));
        qrs.put(n.substring("query_routes.".length()), s);
        continue;
      }
      if (map.containsKey(n)) {
        warn.add(s.where() + ": option '" + n + "' given again; the last one counts");
      }
      map.put(n, s);
    }
    // options masq reads but has no use for: said once, not silently dropped
    Setting ld = map.get("lock_dir");
    if (ld != null) {
      ignored.add(
          ld.where()
              + ": masqmail option 'lock_dir' has no effect in masq: messages are locked in the spool");
    }
    Setting dl = map.get("debug_level");
    if (dl != null && !dl.value().strip().equals("0")) {
      ignored.add(dl.where() + ": masqmail option 'debug_level' has no effect in masq: use -v");
    }
    if (dl != null) {
      Values.count(dl); // checked all the same, as masqmail does
    }
    OptionLookup o = new OptionLookup(map);

    String home = env.getOrDefault("HOME", System.getProperty("user.home", "/"));
    boolean builtin = file == null;
    Path state = Path.of(env.getOrDefault("XDG_STATE_HOME", home + "/.local/state"), "masq");

    String hostName = readHostName(map.get("host_name"), env);
    String shortHost =
        hostName.contains(".") ? hostName.substring(0, hostName.indexOf('.')) : hostName;
    LocalNames names =
        new LocalNames(
            hostName,
            o.list(
                "local_hosts",
                shortHost.equals(hostName)
                    ? List.of("localhost", hostName)
                    : List.of("localhost", shortHost, hostName)),
            o.list("local_addresses", List.of()),
            o.list("not_local_addresses", List.of()));

    Path spoolDir =
        o.path("spool_dir", builtin ? state.resolve("spool") : Path.of("/var/spool/masq"));
    Path mailDir = o.path("mail_dir", builtin ? Path.of(home) : Path.of("/var/mail"));
    Directories dirs =
        new Directories(
            spoolDir,
            mailDir,
            o.path("lock_dir", spoolDir.resolve("lock")),
            o.path("pid_dir", builtin ? state : Path.of("/run/masq")));

    Setting logDirSetting = map.get("log_dir");
    // masqmail 1.0: an empty log_dir means standard error (its man page's advice under systemd)
    boolean logToStderr = logDirSetting != null && logDirSetting.value().isEmpty();
    LogSettings log =
        new LogSettings(
            logToStderr
                ? null
                : o.path("log_dir", builtin ? state.resolve("log") : Path.of("/var/log/masq")),
            logToStderr,
            o.bool("use_syslog", false));

    String mboxDefault = o.str("mbox_default", builtin ? "maildir" : "mbox");
    if (!List.of("mbox", "mda", "maildir").contains(mboxDefault)) {
      throw Values.bad(map.get("mbox_default"), "expected mbox, mda or maildir");
    }
    String mda = o.str("mda", null);
    if ("mda".equals(mboxDefault) && mda == null) {
      throw Values.bad(map.get("mbox_default"), "mbox_default = mda needs the mda option");
    }
    MailboxSettings mailboxes =
        new MailboxSettings(
            mboxDefault,
            o.list("mbox_users", List.of()),
            o.list("mda_users", List.of()),
            o.list("maildir_users", List.of()),
            o.str("maildir_path", builtin ? home + "/Maildir/" : mailDir + "/${rcpt_local}/"),
            mda,
            o.bool("mda_fromline", false),
            o.bool("mda_fromhack", false),
            o.bool("pipe_fromline", false),
            o.bool("pipe_fromhack", false),
            o.duration("mda_timeout", Duration.ofMinutes(5)),
            o.path("alias_file", null),
            o.path("globalias_file", null),
            o.bool("caseless_matching", false),
            o.str("log_user", null),
            o.bool("defer_all", false));

    Setting pr = map.get("permanent_routes");
    OnlineSettings online =
        new OnlineSettings(
            pr == null ? List.of() : paths(ConfigSyntax.fileList(pr), pr),
            Collections.unmodifiableMap(qr),
            o.str("online_query", null),
            o.path("online_file", null),
            o.duration("online_query_timeout", Duration.ofSeconds(30)));

    NoticeSettings notices =
        new NoticeSettings(
            o.path("errmsg_file", null),
            o.path("warnmsg_file", null),
            warnIntervals(map.get("warn_intervals")),
            o.duration("max_defer_time", Duration.ofDays(4)));

    SmtpdSettings smtpd =
        new SmtpdSettings(
            o.list("listen_addresses", List.of()),
            o.list("relay_nets", List.of("127.0.0.0/8", "::1/128")),
            o.bool("do_relay", false),
            o.duration("smtp_timeout", Duration.ofMinutes(5)),
            map.containsKey("max_recipients") ? Values.count(map.get("max_recipients")) : 1000,
            o.path("tls_cert_file", null),
            o.path("tls_key_file", null),
            o.path("smtp_auth_file", null));

    AcceptSettings accept =
        new AcceptSettings(
            map.containsKey("max_msg_size") ? Values.size(map.get("max_msg_size")) : 0,
            o.list("trusted_users", List.of()),
            o.bool("do_queue", false),
            o.bool("do_save_envelope_to", false));

    NotifySettings notifications =
        new NotifySettings(
            o.str("notify_command", null),
            o.duration("notify_after", Duration.ofHours(1)),
            o.duration("notify_timeout", Duration.ofSeconds(30)));

    Map<Path, String> routeFileProblems = new LinkedHashMap<>();
    if (checkRoutes) {
      checkRouteFiles(online, map.get("permanent_routes"), qrs, routeFileProblems);
      warn.addAll(routeFileProblems.values());
    }
    return new Config(
        file,
        List.copyOf(warn),
        List.copyOf(ignored),
        Collections.unmodifiableMap(routeFileProblems),
        Collections.unmodifiableMap(map),
        o.bool("run_as_user", builtin),
        names,
        dirs,
        log,
        mailboxes,
        online,
        notices,
        smtpd,
        accept,
        notifications);
  }

  private static List<Duration> warnIntervals(Setting wi) throws MasqException {
    if (wi == null) {
      return List.of(
          Duration.ofHours(1),
          Duration.ofHours(4),
          Duration.ofHours(8),
          Duration.ofDays(1),
          Duration.ofDays(2),
          Duration.ofDays(3));
    }
    List<Duration> ds = new ArrayList<>();
    for (String item : ConfigSyntax.list(wi)) {
      Duration d = Values.parseDuration(item);
      if (d == null) {
        throw Values.bad(wi, "'" + item + "' is not a time such as 30m or 4h");
      }
      ds.add(d);
    }
    return List.copyOf(ds);
  }

  /** The names of masq.conf's options (and query_routes.NAME), for {@link OptionFile}. */
  private static final OptionFile.Names NAMES =
      new OptionFile.Names() {
        @Override
        public boolean reads(String n) {
          return OptionNames.MAIN.contains(n)
              || (n.startsWith("query_routes.") && n.length() > "query_routes.".length());
        }

        @Override
        public boolean ignores(String n) {
          return notApplicable(n);
        }

        @Override
        public String nearest(String n) {
          return OptionNames.nearest(n, OptionNames.MAIN, Set.of("query_routes"));
        }

        @Override
        public String what() {
          return "option";
        }
      };

  /** A masqmail option without meaning in masq: accepted and ignored. */
  private static boolean notApplicable(String n) {
    int dot = n.indexOf('.');
    return OptionNames.MAIN_NOT_APPLICABLE.contains(n)
        || (dot > 0 && OptionNames.MAIN_NOT_APPLICABLE_PREFIXES.contains(n.substring(0, dot)));
  }

  /**
   * A Config from {@code list}; an error carries the warnings found before it. With {@code
   * checkRoutes}, a route file that is missing or not a regular file is warned about with the line
   * that names it.
   */
  private static Config build(
      Path file, List<Setting> list, Map<String, String> env, boolean strict, boolean checkRoutes)
      throws MasqException {
    List<String> warn = new ArrayList<>();
    try {
      return read(file, list, env, strict, checkRoutes, warn);
    } catch (ConfigError e) {
      throw e;
    } catch (MasqException e) {
      throw ConfigError.of(e, warn);
    }
  }

  /**
   * Warns about each route file of permanent_routes and query_routes.NAME that does not exist or is
   * not a regular file, naming the line of masq.conf that lists it: every command says so, while
   * only the command that uses the route fails on it, with the same line (masq-inject still queues
   * mail when an ISP's route file is missing). The warnings go into {@code problems} by the file's
   * absolute normalized path.
   */
  private static void checkRouteFiles(
      OnlineSettings online,
      Setting permanent,
      Map<String, Setting> queryRouteSettings,
      Map<Path, String> problems) {
    Map<Path, Setting> named = new LinkedHashMap<>();
    for (Path p : online.permanentRoutes()) {
      named.putIfAbsent(p, permanent);
    }
    for (Map.Entry<String, List<Path>> e : online.queryRoutes().entrySet()) {
      for (Path p : e.getValue()) {
        named.putIfAbsent(p, queryRouteSettings.get(e.getKey()));
      }
    }
    for (Map.Entry<Path, Setting> e : named.entrySet()) {
      Path p = e.getKey();
      String problem;
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        problem = a.isRegularFile() ? null : RegularFile.kind(p, a);
      } catch (IOException ex) {
        problem = ErrorText.ofFile(ex);
      }
      if (problem != null) {
        Setting s = e.getValue();
        problems.put(
            p.toAbsolutePath().normalize(),
            s.where() + ": " + s.name() + ": route file " + p + ": " + problem);
      }
    }
  }

  /**
   * Loads the configuration: {@code explicit} (from -C) if given, else {@code $MASQ_CONF}, else
   * {@code /etc/masq/masq.conf}; if none of these exists, the built-in single-user defaults. A file
   * named by -C or MASQ_CONF must exist.
   */
  public static Config load(Path explicit, Map<String, String> env, boolean strict)
      throws MasqException {
    Path file = explicit;
    if (file == null && env.get("MASQ_CONF") != null && !env.get("MASQ_CONF").isEmpty()) {
      try {
        file = Path.of(env.get("MASQ_CONF"));
      } catch (java.nio.file.InvalidPathException e) {
        throw new MasqException(
            Exit.CONFIG,
            "MASQ_CONF "
                + masq.Printable.value(env.get("MASQ_CONF"))
                + ": not a file name ("
                + e.getReason()
                + ")");
      }
    }
    if (file == null) {
      Path sys = Path.of("/etc/masq/masq.conf");
      if (Files.exists(sys)) {
        file = sys;
      }
    }
    if (file == null) {
      return build(null, List.of(), env, strict, false);
    }
    Path abs = file.toAbsolutePath();
    return build(abs, OptionFile.read(abs, "configuration file", NAMES), env, strict, true);
  }

  /** Built-in defaults only (as with no configuration file), for tests and tools. */
  public static Config defaults(Map<String, String> env) throws MasqException {
    return build(null, List.of(), env, false, false);
  }

  /** Parses configuration text as if read from {@code file} (which need not exist). */
  public static Config parse(String text, Path file, Map<String, String> env, boolean strict)
      throws MasqException {
    Path abs = file.toAbsolutePath();
    return build(abs, OptionFile.parse(text, abs, NAMES), env, strict, false);
  }

  /** host_name, or as masqmail: a value starting with / names a file (/etc/mailname) holding it. */
  private static String readHostName(Setting s, Map<String, String> env) throws MasqException {
    if (s == null) {
      return defaultHostName(env);
    }
    String v = s.value().strip();
    if (!v.startsWith("/")) {
      return v;
    }
    try {
      String first =
          new String(RegularFile.read(resolve(s, v), 4096), StandardCharsets.UTF_8)
              .lines()
              .findFirst()
              .orElse("")
              .strip();
      if (first.isEmpty() || first.contains(" ") || first.contains("/")) {
        throw Values.bad(s, "the file names no host (its first line is '" + first + "')");
      }
      return first;
    } catch (IOException e) {
      throw Values.bad(s, "cannot read the host name from it: " + ErrorText.ofFile(e));
    }
  }

  /** The kernel's host name, else {@code $HOSTNAME}, else localhost. */
  private static String defaultHostName(Map<String, String> env) {
    try {
      String h =
          Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the environment, then localhost
    }
    String h = env.get("HOSTNAME");
    return h == null || h.isBlank() ? "localhost" : h.strip();
  }

  /** Typed reads of the main options given, each with its default. */
  private record OptionLookup(Map<String, Setting> map) {
    String str(String name, String def) {
      Setting s = map.get(name);
      return s == null ? def : s.value();
    }

    boolean bool(String name, boolean def) throws MasqException {
      Setting s = map.get(name);
      return s == null ? def : Values.bool(s);
    }

    Duration duration(String name, Duration def) throws MasqException {
      Setting s = map.get(name);
      return s == null ? def : Values.duration(s);
    }

    List<String> list(String name, List<String> def) throws MasqException {
      Setting s = map.get(name);
      return s == null ? def : List.copyOf(ConfigSyntax.list(s));
    }

    Path path(String name, Path def) throws MasqException {
      Setting s = map.get(name);
      if (s == null) {
        return def;
      }
      if (s.value().isEmpty()) {
        throw Values.bad(s, "expected a file or directory name");
      }
      return resolve(s, s.value());
    }
  }

  /**
   * Resolves a file name against the directory of the file that names it; a name the file system
   * cannot hold (a NUL, or bytes the locale cannot encode) is the setting's error (exit 78).
   */
  static Path resolve(Setting s, String name) throws MasqException {
    Path p;
    try {
      p = Path.of(name);
    } catch (java.nio.file.InvalidPathException e) {
      throw Values.bad(s, "not a file name this system can use (" + e.getReason() + ")");
    }
    if (p.isAbsolute() || s.file() == null) {
      return p;
    }
    Path dir = s.file().getParent();
    return dir == null ? p : dir.resolve(p);
  }

  private static List<Path> paths(List<String> names, Setting s) throws MasqException {
    List<Path> out = new ArrayList<>();
    for (String n : names) {
      out.add(resolve(s, n));
    }
    return List.copyOf(out);
  }
}
