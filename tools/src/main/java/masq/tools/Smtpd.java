package masq.tools;

import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import masq.ErrorText;
import masq.Exit;
import masq.MasqException;
import masq.TempFile;
import masq.config.Config;
import masq.log.MailLog;
import masq.smtp.AuthUsers;
import masq.smtp.Connection;
import masq.smtp.EtrnStarter;
import masq.smtp.RelayPolicy;
import masq.smtp.Server;
import masq.smtp.ServerTls;
import masq.smtp.Session;
import masq.spool.Spool;
import org.apache.commons.cli.CommandLine;

/**
 * masq-smtpd — SMTP server for the LAN, from inetd or standalone.
 *
 * <p>The reference is masq-smtpd(8); {@code masq-smtpd --help} lists the options (OPTIONS). Without
 * --listen: one SMTP session on stdin/stdout, for inetd ({@code nowait}), xinetd, tcpserver or a
 * systemd socket with {@code Accept=yes}. The client is the peer of the inherited socket; when
 * stdin is not an IP socket, {@code $TCPREMOTEIP} (tcpserver), else {@code $REMOTE_HOST} (xinetd);
 * with neither the client is local. With --listen: a standalone server on each address given (a
 * --listen without one takes listen_addresses, default localhost:25), one thread per session, a pid
 * file (--pidfile, default pid_dir/masq-smtpd.pid), and on SIGTERM a graceful stop: listening ends,
 * sessions finish the message they are receiving, idle ones get 421, then exit 0.
 *
 * <p>With smtp_auth_file, clients may log in (AUTH PLAIN or LOGIN, over TLS only: after STARTTLS or
 * on a --listen-smtps address, implicit TLS) and then relay; --add-user NAME sets a user's password
 * there (read from the terminal without echo, or one line of stdin). ETRN from clients in
 * relay_nets starts a detached masq-deliver for a route or domain.
 *
 * <p>Each message is answered 250 only once it is durably in the spool; then, unless do_queue or
 * -odq, {@code masq-deliver --id ID} is started in the background (from the directory in $MASQ_BIN,
 * set by the launcher).
 *
 * <p>DIAGNOSTICS: refusals, timeouts and lost clients go to the mail log; start-up errors are one
 * line on stderr (in inetd mode also a 421 reply) with exit 78 (configuration), 69 (cannot listen),
 * 73/75 (spool), 64 (usage).
 *
 * <p>SECURITY: the client is never trusted with more than relay_nets allows; no input can make the
 * session hold more than one 512-octet command or 16 KB of buffer in memory; only CR LF "." CR LF
 * ends DATA and bare CR or LF refuses the message (no SMTP smuggling); input pipelined after
 * STARTTLS is discarded. Run it as the spool's owner (mail), never as root.
 */
public final class Smtpd extends Tool {
  Smtpd(PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    super("masq-smtpd", out, err, env, clock);
  }

  public static void main(String[] args) {
    exit(new Smtpd(System.out, quietStderrOnSocket(), System.getenv(), Clock.systemUTC()), args);
  }

  /**
   * System.err, made to drop everything when descriptor 2 is a socket: classic inetd hands the
   * connection over as descriptors 0, 1 and 2, and nothing but SMTP may reach the client, so
   * warnings and -v output (masq-smtpd's and sendmail -bs's) are dropped.
   */
  static PrintStream quietStderrOnSocket() {
    boolean socket;
    try {
      socket = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString().startsWith("socket:");
    } catch (IOException | RuntimeException e) {
      socket = false;
    }
    if (socket) {
      System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    }
    return System.err;
  }

  /** masq-smtpd's own options, as --help lists them. */
  private static final List<OptionDef> OPTIONS =
      List.of(
          // --listen, --listen ADDR:PORT, --listen=ADDR:PORT, repeatable
          OptionDef.valued(
              "--listen",
              "[ADDR:PORT]",
              "run a standalone server there (repeatable; without an address: listen_addresses,"
                  + " default localhost:25)"),
          OptionDef.valued(
              "--listen-smtps",
              "ADDR:PORT",
              "standalone: also SMTPS (TLS from the first byte, port 465) there (repeatable; needs"
                  + " tls_cert_file and tls_key_file)"),
          OptionDef.valued(
              "--add-user",
              "NAME",
              "set NAME's password in smtp_auth_file (read from the terminal, or one line of"
                  + " stdin; never from the command line)"),
          OptionDef.valued(
              "--iterations",
              "N",
              "with --add-user: PBKDF2 iterations (default " + AuthUsers.ITERATIONS + ")"),
          OptionDef.valued(
              "--pidfile",
              "FILE",
              "standalone: write the process id here (default pid_dir/masq-smtpd.pid)"),
          OptionDef.flag("-odq", "only queue accepted mail (as do_queue = true)"),
          // sendmail's forms, accepted for sendmail -bs and -bd
          OptionDef.valued("-bd", "[ADDR:PORT]", "as --listen (sendmail's -bd)"),
          OptionDef.flag("-odi", "sendmail's delivery mode: accepted, the default"),
          OptionDef.flag("-odb", "sendmail's delivery mode: accepted, the default"),
          OptionDef.flag("-bs", "sendmail's one session on stdin/stdout: accepted, the default"));

  @Override
  String synopsis() {
    return """
    usage: masq-smtpd [-C FILE] [-v] [-odq] [--listen [ADDR:PORT] ...]
                      [--listen-smtps ADDR:PORT ...] [--pidfile FILE]
           masq-smtpd [-C FILE] --add-user NAME [--iterations N]
    Without --listen: one SMTP session on stdin/stdout (inetd, xinetd, tcpserver, systemd).
    """;
  }

  @Override
  List<OptionDef> options() {
    return withCommon(OPTIONS);
  }

  @Override
  String manPage() {
    return "masq-smtpd(8)";
  }

  /** What the command line asked for. */
  static final class SmtpdOptions {
    boolean listen;
    final List<String> addresses = new ArrayList<>();
    Path pidFile;
    boolean queueOnly;
    final List<String> smtpsAddresses = new ArrayList<>();
    boolean smtpsOnly;
    String addUser;
    int iterations = AuthUsers.ITERATIONS;
  }

  @Override
  int run(String[] args) throws MasqException, IOException {
    SmtpdOptions o = new SmtpdOptions();
    if (!parse(args, o)) {
      return Exit.OK;
    }
    if (o.addUser != null) {
      return addUser(o.addUser, o.iterations);
    }
    if (!o.listen) {
      return inetd(o);
    }
    return listen(o);
  }

  /** Parses the command line into {@code o}; false when help or version was shown. */
  boolean parse(String[] args, SmtpdOptions o) throws MasqException {
    CommandLine cl = CliParser.parse(this, args);
    if (cl == null) {
      return false;
    }
    if (cl.hasOption("iterations") && !cl.hasOption("add-user")) {
      throw usageError("--iterations goes with --add-user");
    }
    if (cl.hasOption("add-user")) {
      o.addUser = CliParser.last(cl, "add-user");
      String it = CliParser.last(cl, "iterations");
      if (it != null) {
        o.iterations = it.matches("[0-9]{1,8}") ? Integer.parseInt(it) : -1;
        if (o.iterations < AuthUsers.MIN_ITERATIONS || o.iterations > AuthUsers.MAX_ITERATIONS) {
          throw usageError(
              "--iterations takes a number from "
                  + AuthUsers.MIN_ITERATIONS
                  + " to "
                  + AuthUsers.MAX_ITERATIONS);
        }
      }
      if (!cl.getArgList().isEmpty()) {
        throw usageError(
            "--add-user takes the password from the terminal or standard input, never from the"
                + " command line");
      }
      for (String other : new String[] {"listen", "bd", "listen-smtps", "pidfile", "odq", "bs"}) {
        if (cl.hasOption(other)) {
          throw usageError("--add-user goes alone (with -C and -v at most)");
        }
      }
      if (!AuthUsers.validName(o.addUser)) {
        throw usageError(
            "user name '" + o.addUser + "' is not 1 to 64 letters, digits and . _ - + @");
      }
      return true;
    }
    if (!cl.getArgList().isEmpty()) {
      throw usageError("unknown option or argument " + cl.getArgList().get(0));
    }
    String[] smtps = cl.getOptionValues("listen-smtps");
    if (smtps != null) {
      o.listen = true;
      o.smtpsAddresses.addAll(List.of(smtps));
    }
    for (String opt : new String[] {"listen", "bd"}) {
      if (cl.hasOption(opt)) {
        o.listen = true;
        String[] v = cl.getOptionValues(opt);
        for (String a : v == null ? new String[0] : v) {
          if (a.startsWith("-")) {
            throw usageError("unknown option " + a); // not an address: an option masq-smtpd lacks
          }
          o.addresses.add(a);
        }
      }
    }
    o.smtpsOnly = smtps != null && !cl.hasOption("listen") && !cl.hasOption("bd");
    String pid = CliParser.last(cl, "pidfile");
    o.pidFile = pid == null ? null : fileArgument("--pidfile", pid);
    o.queueOnly = cl.hasOption("odq");
    return true;
  }

  /**
   * The shared part of every session: configuration, spool, policy, TLS, delivery hook; dates in
   * the log and in Received: headers are in {@code zone}.
   */
  Session.Settings settings(
      Config cfg, SmtpdOptions o, ZoneId zone, ImmediateDelivery[] deliveryOut)
      throws MasqException {
    RelayPolicy policy = new RelayPolicy(cfg);
    SSLContext tls = null;
    if (cfg.smtpd().tlsCertFile() != null || cfg.smtpd().tlsKeyFile() != null) {
      if (cfg.smtpd().tlsCertFile() == null || cfg.smtpd().tlsKeyFile() == null) {
        throw new MasqException(Exit.CONFIG, "STARTTLS needs both tls_cert_file and tls_key_file");
      }
      tls = ServerTls.serverContext(cfg.smtpd().tlsCertFile(), cfg.smtpd().tlsKeyFile());
    }
    if (!o.smtpsAddresses.isEmpty() && tls == null) {
      throw new MasqException(Exit.CONFIG, "--listen-smtps needs tls_cert_file and tls_key_file");
    }
    Spool spool = openSpool(cfg);
    MailLog log = log(cfg, zone);
    ImmediateDelivery delivery = null;
    if (!o.queueOnly && !cfg.accept().doQueue()) {
      // with log_dir = "" a standalone server's deliveries log to its stderr too; never in inetd
      // mode, where stderr may be the client's socket
      delivery =
          new ImmediateDelivery(
              ImmediateDelivery.program(env), cfg.file(), log, o.listen && cfg.log().logToStderr());
    }
    deliveryOut[0] = delivery;
    ImmediateDelivery d = delivery;
    Path program = ImmediateDelivery.program(env);
    boolean keepStderr = o.listen && cfg.log().logToStderr();
    EtrnStarter etrn =
        (args, lock) -> {
          Process fork =
              ImmediateDelivery.startDetached(program, cfg.file(), args, lock, true, keepStderr);
          try {
            fork.waitFor(5, TimeUnit.SECONDS); // a few ms: the run is forked off (setsid -f)
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    return new Session.Settings(
        cfg,
        spool,
        log,
        policy,
        tls,
        d == null ? null : d::accepted,
        login(),
        uid(),
        verbose > 0 ? line -> err.println(name + ": " + line) : null,
        zone,
        cfg.smtpd().smtpAuthFile() == null ? null : new AuthUsers(cfg.smtpd().smtpAuthFile()),
        etrn);
  }

  /** One session on stdin/stdout. */
  int inetd(SmtpdOptions o) throws IOException, MasqException {
    Session.Settings st;
    ImmediateDelivery[] delivery = new ImmediateDelivery[1];
    try {
      Config cfg = loadConfig();
      st = settings(cfg, o, zoneNow(clock), delivery);
    } catch (MasqException | RuntimeException e) {
      // tell the client too, so it retries later instead of waiting (a configuration that cannot
      // be read, a FIFO among them, is refused without waiting on it, so this reply always comes)
      System.out.print("421 4.3.0 masq-smtpd: service not available\r\n");
      System.out.flush();
      throw e;
    }
    Channel ch = System.inheritedChannel();
    Connection conn;
    String client;
    if (ch instanceof SocketChannel sc && sc.getRemoteAddress() instanceof InetSocketAddress peer) {
      conn = Connection.of(sc.socket());
      client = peer.getAddress().getHostAddress();
    } else {
      client = envClient();
      InputStream in = new FileInputStream(FileDescriptor.in);
      OutputStream os = new FileOutputStream(FileDescriptor.out);
      conn =
          Connection.of(
              in,
              os,
              () -> {
                // a read on a pipe cannot be interrupted: the session is over, so is the process
                if (delivery[0] != null) {
                  delivery[0].flush();
                }
                Runtime.getRuntime().halt(Exit.OK);
              });
    }
    Session session = new Session(st, conn, client);
    Thread watchdog = watchdog(session, st.config().smtpd().smtpTimeout());
    try {
      session.run();
    } finally {
      watchdog.interrupt();
      if (delivery[0] != null) {
        delivery[0].flush();
      }
    }
    return Exit.OK;
  }

  static Thread watchdog(Session session, Duration timeout) {
    long tick = Math.max(50, Math.min(1000, timeout.toMillis() / 4));
    return Thread.ofPlatform()
        .daemon()
        .start(() -> {
          while (true) {
            try {
              Thread.sleep(tick);
            } catch (InterruptedException e) {
              return;
            }
            session.expire(System.nanoTime(), timeout.toNanos());
          }
        });
  }

  /** The client address from tcpserver's or xinetd's environment, or null (local). */
  String envClient() {
    for (String k : new String[] {"TCPREMOTEIP", "REMOTE_HOST"}) {
      String v = env.get(k);
      if (v != null && RelayPolicy.literal(v.strip()) != null) {
        return RelayPolicy.literal(v.strip()).getHostAddress();
      }
    }
    return null;
  }

  /** The standalone server; returns when stopped. */
  int listen(SmtpdOptions o) throws MasqException, IOException {
    Config cfg = loadConfig();
    ImmediateDelivery[] delivery = new ImmediateDelivery[1];
    Session.Settings st = settings(cfg, o, ZoneId.systemDefault(), delivery);
    List<String> names =
        o.addresses.isEmpty()
            ? (cfg.smtpd().listenAddresses().isEmpty()
                ? List.of("localhost:25")
                : cfg.smtpd().listenAddresses())
            : o.addresses;
    if (o.smtpsOnly) {
      names = List.of(); // --listen-smtps without --listen
    }
    List<InetSocketAddress> addrs = new ArrayList<>();
    for (String n : names) {
      addrs.add(Server.parseAddress(n));
    }
    List<InetSocketAddress> tlsAddrs = new ArrayList<>();
    for (String n : o.smtpsAddresses) {
      tlsAddrs.add(Server.parseAddress(n));
    }
    Server server = new Server(st);
    // the pid file is written before the sockets open, so whoever sees the port open finds it
    Path pidFile = writePidFile(o.pidFile, cfg);
    try {
      server.start(addrs, tlsAddrs);
    } catch (MasqException | RuntimeException e) {
      if (pidFile != null) {
        Files.deleteIfExists(pidFile);
      }
      throw e;
    }
    st.log().write("smtpd: listening on " + server.describe());
    if (verbose > 0) {
      err.println(name + ": listening on " + server.describe());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> {
              Duration grace =
                  cfg.smtpd().smtpTimeout().compareTo(Duration.ofSeconds(60)) < 0
                      ? cfg.smtpd().smtpTimeout()
                      : Duration.ofSeconds(60);
              boolean clean = server.stop(grace);
              st.log()
                  .write("smtpd: stopped" + (clean ? "" : "; sessions still open were cut off"));
              if (delivery[0] != null) {
                delivery[0].flush();
              }
              if (pidFile != null) {
                try {
                  Files.deleteIfExists(pidFile);
                } catch (IOException e) {
                  // a stale pid file names a dead process
                }
              }
              stopped.countDown();
              out.flush();
              err.flush();
              Runtime.getRuntime().halt(Exit.OK);
            }));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Exit.OK;
  }

  /**
   * --add-user: sets NAME's password in smtp_auth_file. The password comes from the terminal (asked
   * twice, without echo) or, when stdin is not a terminal, from its first line.
   */
  int addUser(String user, int iterations) throws MasqException, IOException {
    Config cfg = loadConfig();
    if (cfg.smtpd().smtpAuthFile() == null) {
      throw new MasqException(
          Exit.CONFIG,
          "smtp_auth_file is not set"
              + (cfg.file() == null ? "" : " in " + cfg.file())
              + "; --add-user writes there");
    }
    char[] pw = readPassword(user);
    try {
      boolean added = new AuthUsers(cfg.smtpd().smtpAuthFile()).put(user, pw, iterations);
      if (verbose > 0) {
        err.println(
            name
                + ": "
                + (added ? "added user " : "changed the password of ")
                + user
                + " in "
                + cfg.smtpd().smtpAuthFile());
      }
    } catch (java.nio.file.AccessDeniedException e) {
      throw new MasqException(
          Exit.CANTCREAT, "cannot write " + cfg.smtpd().smtpAuthFile() + ": permission denied", e);
    } catch (IOException e) {
      throw new MasqException(
          Exit.IOERR, "cannot write " + cfg.smtpd().smtpAuthFile() + ": " + ErrorText.ofFile(e), e);
    } finally {
      java.util.Arrays.fill(pw, '\0');
    }
    return Exit.OK;
  }

  /** The new password: from the terminal, twice without echo, else the first line of stdin. */
  private static char[] readPassword(String user) throws MasqException, IOException {
    Console c = stdinIsTerminal() ? System.console() : null;
    if (c != null) {
      char[] a = c.readPassword("Password for %s: ", user);
      char[] b = a == null ? null : c.readPassword("Again: ");
      if (a == null || b == null) {
        throw new MasqException(Exit.NOINPUT, "no password given");
      }
      boolean same = java.util.Arrays.equals(a, b);
      java.util.Arrays.fill(b, '\0');
      if (!same) {
        java.util.Arrays.fill(a, '\0');
        throw new MasqException(Exit.DATAERR, "the two passwords differ; nothing changed");
      }
      return checked(a);
    }
    byte[] line = new byte[1024];
    int n = 0;
    int ch;
    InputStream in = System.in;
    while ((ch = in.read()) >= 0 && ch != '\n') {
      if (n == line.length) {
        throw new MasqException(Exit.DATAERR, "password longer than 1023 bytes");
      }
      line[n++] = (byte) ch;
    }
    if (n == 0 && ch < 0) {
      throw new MasqException(Exit.NOINPUT, "no password on standard input");
    }
    if (n > 0 && line[n - 1] == '\r') {
      n--;
    }
    java.nio.CharBuffer cb = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(line, 0, n));
    java.util.Arrays.fill(line, (byte) 0);
    char[] pw = new char[cb.remaining()];
    cb.get(pw);
    java.util.Arrays.fill(cb.array(), '\0');
    return checked(pw);
  }

  /** True when descriptor 0 is a terminal (a pipe or file gives its first line instead). */
  private static boolean stdinIsTerminal() {
    try {
      String t = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
      return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty") || t.equals("/dev/console");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static char[] checked(char[] pw) throws MasqException {
    if (pw.length == 0) {
      throw new MasqException(Exit.DATAERR, "empty password; nothing changed");
    }
    return pw;
  }

  private Path writePidFile(Path explicit, Config cfg) throws MasqException {
    Path f = explicit != null ? explicit : cfg.dirs().pidDir().resolve("masq-smtpd.pid");
    try {
      if (f.getParent() != null) {
        Files.createDirectories(f.getParent());
      }
      Path tmp = f.resolveSibling(f.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
      Files.writeString(tmp, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
      TempFile.replace(tmp, f);
      return f;
    } catch (IOException e) {
      if (explicit != null) {
        throw new MasqException(
            Exit.CANTCREAT, "cannot write pid file " + f + ": " + e.getMessage(), e);
      }
      err.println(name + ": warning: cannot write pid file " + f + ": " + e.getMessage());
      return null;
    }
  }
}
