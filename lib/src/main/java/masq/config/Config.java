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
import masq.Exit;
import masq.MasqException;

/**
 * The main configuration, immutable once loaded. Option names and meanings are masqmail's (see
 * masq.conf(5)); everything is validated here, so the rest of masq reads typed values.
 */
public final class Config {
  /** The file this came from, or null for the built-in single-user defaults. */
  private final Path file;

  private final List<String> warnings;
  private final Map<String, Setting> settings;

  private final String hostName;
  private final List<String> localHosts;
  private final List<String> localAddresses;
  private final List<String> notLocalAddresses;
  private final Path spoolDir;
  private final Path logDir;
  private final boolean logToStderr;
  private final Path mailDir;
  private final Path lockDir;
  private final Path pidDir;
  private final Path aliasFile;
  private final Path globaliasFile;
  private final boolean caselessMatching;
  private final boolean doQueue;
  private final boolean doRelay;
  private final List<String> listenAddresses;
  private final List<Path> permanentRoutes;
  private final Map<String, List<Path>> queryRoutes;
  private final String onlineQuery;
  private final Path onlineFile;
  private final String mboxDefault;
  private final List<String> mboxUsers;
  private final List<String> mdaUsers;
  private final List<String> maildirUsers;
  private final String maildirPath;
  private final boolean runAsUser;
  private final String mda;
  private final boolean mdaFromline;
  private final boolean mdaFromhack;
  private final boolean pipeFromline;
  private final boolean pipeFromhack;
  private final Path errmsgFile;
  private final Path warnmsgFile;
  private final List<Duration> warnIntervals;
  private final Duration maxDeferTime;
  private final long maxMsgSize;
  private final boolean deferAll;
  private final boolean doSaveEnvelopeTo;
  private final String logUser;
  private final int debugLevel;
  private final boolean useSyslog;
  private final List<String> trustedUsers;
  private final List<String> relayNets;
  private final Duration smtpTimeout;
  private final int maxRecipients;
  private final Path tlsCertFile;
  private final Path tlsKeyFile;
  private final Duration mdaTimeout;
  private final Duration onlineQueryTimeout;
  // issue 17: notify_command and its timing (masq.notify.Notifier)
  private final String notifyCommand;
  private final Duration notifyAfter;
  private final Duration notifyTimeout;

  private Config(
      Path file,
      List<Setting> list,
      Map<String, String> env,
      boolean strict,
      boolean checkRoutes,
      List<String> warn)
      throws MasqException {
    this.file = file;
    Map<String, Setting> map = new LinkedHashMap<>();
    Map<String, List<Path>> qr = new LinkedHashMap<>();
    Map<String, Setting> qrs = new LinkedHashMap<>();
    for (Setting s : list) {
      String n = s.name();
      String unknown = nameWarning(s);
      if (unknown != null) {
        if (strict) {
          throw new MasqException(Exit.CONFIG, unknown);
        }
        warn.add(unknown);
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
      warn.add(
          ld.where()
              + ": masqmail option 'lock_dir' has no effect in masq: messages are locked in the spool");
    }
    Setting dl = map.get("debug_level");
    if (dl != null && !dl.value().strip().equals("0")) {
      warn.add(dl.where() + ": masqmail option 'debug_level' has no effect in masq: use -v");
    }
    this.settings = Collections.unmodifiableMap(map);
    this.queryRoutes = Collections.unmodifiableMap(qr);

    String home = env.getOrDefault("HOME", System.getProperty("user.home", "/"));
    boolean builtin = file == null;
    Path state = Path.of(env.getOrDefault("XDG_STATE_HOME", home + "/.local/state"), "masq");

    this.hostName = hostName(map.get("host_name"));
    String shortHost =
        hostName.contains(".") ? hostName.substring(0, hostName.indexOf('.')) : hostName;
    this.localHosts =
        list(
            "local_hosts",
            shortHost.equals(hostName)
                ? List.of("localhost", hostName)
                : List.of("localhost", shortHost, hostName));
    this.localAddresses = list("local_addresses", List.of());
    this.notLocalAddresses = list("not_local_addresses", List.of());
    this.spoolDir =
        path("spool_dir", builtin ? state.resolve("spool") : Path.of("/var/spool/masq"));
    Setting logDirSetting = map.get("log_dir");
    // masqmail 1.0: an empty log_dir means standard error (its man page's advice under systemd)
    this.logToStderr = logDirSetting != null && logDirSetting.value().isEmpty();
    this.logDir =
        logToStderr
            ? null
            : path("log_dir", builtin ? state.resolve("log") : Path.of("/var/log/masq"));
    this.mailDir = path("mail_dir", builtin ? Path.of(home) : Path.of("/var/mail"));
    this.lockDir = path("lock_dir", spoolDir.resolve("lock"));
    this.pidDir = path("pid_dir", builtin ? state : Path.of("/run/masq"));
    this.aliasFile = path("alias_file", null);
    this.globaliasFile = path("globalias_file", null);
    this.caselessMatching = bool("caseless_matching", false);
    this.doQueue = bool("do_queue", false);
    this.doRelay = bool("do_relay", false);
    this.listenAddresses = list("listen_addresses", List.of());
    Setting pr = map.get("permanent_routes");
    this.permanentRoutes = pr == null ? List.of() : paths(ConfigSyntax.fileList(pr), pr);
    this.onlineQuery = str("online_query", null);
    this.onlineFile = path("online_file", null);
    this.mboxDefault = str("mbox_default", builtin ? "maildir" : "mbox");
    if (!List.of("mbox", "mda", "maildir").contains(mboxDefault)) {
      throw Values.bad(map.get("mbox_default"), "expected mbox, mda or maildir");
    }
    this.mboxUsers = list("mbox_users", List.of());
    this.mdaUsers = list("mda_users", List.of());
    this.maildirUsers = list("maildir_users", List.of());
    this.maildirPath =
        str("maildir_path", builtin ? home + "/Maildir/" : mailDir + "/${rcpt_local}/");
    this.runAsUser = bool("run_as_user", builtin);
    this.mda = str("mda", null);
    if ("mda".equals(mboxDefault) && mda == null) {
      throw Values.bad(map.get("mbox_default"), "mbox_default = mda needs the mda option");
    }
    this.mdaFromline = bool("mda_fromline", false);
    this.mdaFromhack = bool("mda_fromhack", false);
    this.pipeFromline = bool("pipe_fromline", false);
    this.pipeFromhack = bool("pipe_fromhack", false);
    this.errmsgFile = path("errmsg_file", null);
    this.warnmsgFile = path("warnmsg_file", null);
    Setting wi = map.get("warn_intervals");
    if (wi == null) {
      this.warnIntervals =
          List.of(
              Duration.ofHours(1),
              Duration.ofHours(4),
              Duration.ofHours(8),
              Duration.ofDays(1),
              Duration.ofDays(2),
              Duration.ofDays(3));
    } else {
      List<Duration> ds = new ArrayList<>();
      for (String item : ConfigSyntax.list(wi)) {
        Duration d = Values.parseDuration(item);
        if (d == null) {
          throw Values.bad(wi, "'" + item + "' is not a time such as 30m or 4h");
        }
        ds.add(d);
      }
      this.warnIntervals = List.copyOf(ds);
    }
    this.maxDeferTime = duration("max_defer_time", Duration.ofDays(4));
    this.maxMsgSize = map.containsKey("max_msg_size") ? Values.size(map.get("max_msg_size")) : 0;
    this.deferAll = bool("defer_all", false);
    this.doSaveEnvelopeTo = bool("do_save_envelope_to", false);
    this.logUser = str("log_user", null);
    this.debugLevel = map.containsKey("debug_level") ? Values.count(map.get("debug_level")) : 0;
    this.useSyslog = bool("use_syslog", false);
    this.trustedUsers = list("trusted_users", List.of());
    this.relayNets = list("relay_nets", List.of("127.0.0.0/8", "::1/128"));
    this.smtpTimeout = duration("smtp_timeout", Duration.ofMinutes(5));
    this.maxRecipients =
        map.containsKey("max_recipients") ? Values.count(map.get("max_recipients")) : 1000;
    this.tlsCertFile = path("tls_cert_file", null);
    this.tlsKeyFile = path("tls_key_file", null);
    this.mdaTimeout = duration("mda_timeout", Duration.ofMinutes(5));
    this.onlineQueryTimeout = duration("online_query_timeout", Duration.ofSeconds(30));
    // issue 17: notify_command
    this.notifyCommand = str("notify_command", null);
    this.notifyAfter = duration("notify_after", Duration.ofHours(1));
    this.notifyTimeout = duration("notify_timeout", Duration.ofSeconds(30));
    if (checkRoutes) {
      checkRouteFiles(qrs, warn);
    }
    this.warnings = List.copyOf(warn);
  }

  /**
   * The warning for an option masq does not know (with the nearest known name when it looks like a
   * typing mistake) or knows as masqmail's but without meaning here; null for a known option.
   */
  private static String nameWarning(Setting s) {
    String n = s.name();
    if (OptionNames.MAIN.contains(n)
        || (n.startsWith("query_routes.") && n.length() > "query_routes.".length())) {
      return null;
    }
    int dot = n.indexOf('.');
    String prefix = dot > 0 ? n.substring(0, dot) : n;
    if (OptionNames.MAIN_NOT_APPLICABLE.contains(n)
        || (dot > 0 && OptionNames.MAIN_NOT_APPLICABLE_PREFIXES.contains(prefix))) {
      return s.where() + ": masqmail option '" + n + "' is not applicable to masq and is ignored";
    }
    String near = OptionNames.nearest(n, OptionNames.MAIN, Set.of("query_routes"));
    return s.where()
        + ": unknown option '"
        + ConfigSyntax.quote(n)
        + "'"
        + (near == null ? "" : " (did you mean " + near + "?)");
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
      return new Config(file, list, env, strict, checkRoutes, warn);
    } catch (ConfigError e) {
      throw e;
    } catch (MasqException e) {
      throw ConfigError.of(e, warn);
    }
  }

  /** A syntax error with the warnings about the options above it. */
  private static ConfigError withWarnings(ConfigError e) {
    List<String> warn = new ArrayList<>();
    for (Setting s : e.before()) {
      String w = nameWarning(s);
      if (w != null) {
        warn.add(w);
      }
    }
    return new ConfigError(e.getMessage(), warn, List.of());
  }

  /**
   * Warns about each route file of permanent_routes and query_routes.NAME that does not exist or is
   * not a regular file, naming the line of masq.conf that lists it: every command says so, while
   * only the command that uses the route fails on it (masq-inject still queues mail when an ISP's
   * route file is missing).
   */
  private void checkRouteFiles(Map<String, Setting> queryRouteSettings, List<String> warn) {
    Map<Path, Setting> named = new LinkedHashMap<>();
    for (Path p : permanentRoutes) {
      named.putIfAbsent(p, settings.get("permanent_routes"));
    }
    for (Map.Entry<String, List<Path>> e : queryRoutes.entrySet()) {
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
        problem = RegularFile.reason(ex);
      }
      if (problem != null) {
        Setting s = e.getValue();
        warn.add(s.where() + ": " + s.name() + ": route file " + p + ": " + problem);
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
      file = Path.of(env.get("MASQ_CONF"));
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
    List<Setting> list;
    try {
      list = ConfigSyntax.read(abs);
    } catch (ConfigError e) {
      throw withWarnings(e);
    }
    return build(abs, list, env, strict, true);
  }

  /** Built-in defaults only (as with no configuration file), for tests and tools. */
  public static Config defaults(Map<String, String> env) throws MasqException {
    return build(null, List.of(), env, false, false);
  }

  /** Parses configuration text as if read from {@code file} (which need not exist). */
  public static Config parse(String text, Path file, Map<String, String> env, boolean strict)
      throws MasqException {
    Path abs = file.toAbsolutePath();
    List<Setting> list;
    try {
      list = ConfigSyntax.parse(text, abs);
    } catch (ConfigError e) {
      throw withWarnings(e);
    }
    return build(abs, list, env, strict, false);
  }

  /** host_name, or as masqmail: a value starting with / names a file (/etc/mailname) holding it. */
  private static String hostName(Setting s) throws MasqException {
    if (s == null) {
      return defaultHostName();
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
      throw Values.bad(s, "cannot read the host name from it: " + RegularFile.reason(e));
    }
  }

  private static String defaultHostName() {
    try {
      String h =
          Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the environment, then localhost
    }
    String h = System.getenv("HOSTNAME");
    return h == null || h.isBlank() ? "localhost" : h.strip();
  }

  private String str(String name, String def) {
    Setting s = settings.get(name);
    return s == null ? def : s.value();
  }

  private boolean bool(String name, boolean def) throws MasqException {
    Setting s = settings.get(name);
    return s == null ? def : Values.bool(s);
  }

  private Duration duration(String name, Duration def) throws MasqException {
    Setting s = settings.get(name);
    return s == null ? def : Values.duration(s);
  }

  private List<String> list(String name, List<String> def) throws MasqException {
    Setting s = settings.get(name);
    return s == null ? def : List.copyOf(ConfigSyntax.list(s));
  }

  private Path path(String name, Path def) throws MasqException {
    Setting s = settings.get(name);
    if (s == null) {
      return def;
    }
    if (s.value().isEmpty()) {
      throw Values.bad(s, "expected a file or directory name");
    }
    return resolve(s, s.value());
  }

  /** Resolves a file name against the directory of the file that names it. */
  static Path resolve(Setting s, String name) {
    Path p = Path.of(name);
    if (p.isAbsolute() || s.file() == null) {
      return p;
    }
    Path dir = s.file().getParent();
    return dir == null ? p : dir.resolve(p);
  }

  private static List<Path> paths(List<String> names, Setting s) {
    List<Path> out = new ArrayList<>();
    for (String n : names) {
      out.add(resolve(s, n));
    }
    return List.copyOf(out);
  }

  /** The configuration file, or null when the built-in defaults are in use. */
  public Path file() {
    return file;
  }

  /**
   * Warnings found while loading (unknown or not applicable options), each naming file and line.
   */
  public List<String> warnings() {
    return warnings;
  }

  /** The raw statement for a main option, or null. */
  public Setting setting(String name) {
    return settings.get(name);
  }

  public String hostName() {
    return hostName;
  }

  public List<String> localHosts() {
    return localHosts;
  }

  public List<String> localAddresses() {
    return localAddresses;
  }

  public List<String> notLocalAddresses() {
    return notLocalAddresses;
  }

  public Path spoolDir() {
    return spoolDir;
  }

  /** Where masq.log is written; null when the log goes to standard error instead. */
  public Path logDir() {
    return logDir;
  }

  /** {@code log_dir = ""} (masqmail 1.0): the log goes to standard error. */
  public boolean logToStderr() {
    return logToStderr;
  }

  public Path mailDir() {
    return mailDir;
  }

  public Path lockDir() {
    return lockDir;
  }

  public Path pidDir() {
    return pidDir;
  }

  public Path aliasFile() {
    return aliasFile;
  }

  public Path globaliasFile() {
    return globaliasFile;
  }

  public boolean caselessMatching() {
    return caselessMatching;
  }

  public boolean doQueue() {
    return doQueue;
  }

  public boolean doRelay() {
    return doRelay;
  }

  public List<String> listenAddresses() {
    return listenAddresses;
  }

  public List<Path> permanentRoutes() {
    return permanentRoutes;
  }

  /** {@code query_routes.NAME} → route files, in the order given. */
  public Map<String, List<Path>> queryRoutes() {
    return queryRoutes;
  }

  public String onlineQuery() {
    return onlineQuery;
  }

  public Path onlineFile() {
    return onlineFile;
  }

  public String mboxDefault() {
    return mboxDefault;
  }

  public List<String> mboxUsers() {
    return mboxUsers;
  }

  public List<String> mdaUsers() {
    return mdaUsers;
  }

  public List<String> maildirUsers() {
    return maildirUsers;
  }

  public String maildirPath() {
    return maildirPath;
  }

  public boolean runAsUser() {
    return runAsUser;
  }

  public String mda() {
    return mda;
  }

  public boolean mdaFromline() {
    return mdaFromline;
  }

  public boolean mdaFromhack() {
    return mdaFromhack;
  }

  public boolean pipeFromline() {
    return pipeFromline;
  }

  public boolean pipeFromhack() {
    return pipeFromhack;
  }

  public Path errmsgFile() {
    return errmsgFile;
  }

  public Path warnmsgFile() {
    return warnmsgFile;
  }

  public List<Duration> warnIntervals() {
    return warnIntervals;
  }

  public Duration maxDeferTime() {
    return maxDeferTime;
  }

  /** Largest accepted body in bytes; 0 means no limit. */
  public long maxMsgSize() {
    return maxMsgSize;
  }

  public boolean deferAll() {
    return deferAll;
  }

  public boolean doSaveEnvelopeTo() {
    return doSaveEnvelopeTo;
  }

  public String logUser() {
    return logUser;
  }

  public int debugLevel() {
    return debugLevel;
  }

  public boolean useSyslog() {
    return useSyslog;
  }

  public List<String> trustedUsers() {
    return trustedUsers;
  }

  public List<String> relayNets() {
    return relayNets;
  }

  public Duration smtpTimeout() {
    return smtpTimeout;
  }

  public int maxRecipients() {
    return maxRecipients;
  }

  public Path tlsCertFile() {
    return tlsCertFile;
  }

  public Path tlsKeyFile() {
    return tlsKeyFile;
  }

  /** (masq) How long an MDA or pipe command may run before it is killed and the mail deferred. */
  public Duration mdaTimeout() {
    return mdaTimeout;
  }

  /** (masq) How long online_query may run before it is killed and nothing taken as online. */
  public Duration onlineQueryTimeout() {
    return onlineQueryTimeout;
  }

  // issue 17: notify_command
  /** (masq) The command run on events the user should hear of (masq.notify.Notifier), or null. */
  public String notifyCommand() {
    return notifyCommand;
  }

  /** (masq) How long a recipient may be deferred before notify_command hears of it. */
  public Duration notifyAfter() {
    return notifyAfter;
  }

  /** (masq) How long notify_command may run before it is killed. */
  public Duration notifyTimeout() {
    return notifyTimeout;
  }
}
