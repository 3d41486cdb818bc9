package masq.tools;

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
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import masq.Exit;
import masq.MasqException;
import masq.config.Config;
import masq.log.MailLog;
import masq.smtp.Connection;
import masq.smtp.RelayPolicy;
import masq.smtp.Server;
import masq.smtp.ServerTls;
import masq.smtp.Session;
import masq.spool.Spool;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;

/**
 * masq-smtpd — SMTP server for the LAN, from inetd or standalone.
 *
 * <pre>
 * masq-smtpd [-C FILE] [-v] [-odq] [--listen [ADDR:PORT] ...] [--pidfile FILE]
 * </pre>
 *
 * <p>The reference is masq-smtpd(8). Without --listen: one SMTP session on stdin/stdout, for inetd
 * ({@code nowait}), xinetd, tcpserver or a systemd socket with {@code Accept=yes}. The client is
 * the peer of the inherited socket; when stdin is not an IP socket, {@code $TCPREMOTEIP}
 * (tcpserver), else {@code $REMOTE_HOST} (xinetd); with neither the client is local. With --listen:
 * a standalone server on each address given (a --listen without one takes listen_addresses, default
 * localhost:25), one thread per session, a pid file (--pidfile, default pid_dir/masq-smtpd.pid),
 * and on SIGTERM a graceful stop: listening ends, sessions finish the message they are receiving,
 * idle ones get 421, then exit 0.
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

  @Override
  String usage() {
    return """
    usage: masq-smtpd [-C FILE] [-v] [-odq] [--listen [ADDR:PORT] ...] [--pidfile FILE]
    Without --listen: one SMTP session on stdin/stdout (inetd, xinetd, tcpserver, systemd).
      --listen ADDR:PORT  run a standalone server there (repeatable; without an address:
                          listen_addresses, default localhost:25)
      --pidfile FILE      standalone: write the process id here (default pid_dir/masq-smtpd.pid)
      -odq                only queue accepted mail (as do_queue = true)
      -C FILE             configuration file (default $MASQ_CONF, /etc/masq/masq.conf, built-in)
      -v                  more detail on stderr
    See masq-smtpd(8).
    """;
  }

  /** What the command line asked for. */
  static final class SmtpdOptions {
    boolean listen;
    final List<String> addresses = new ArrayList<>();
    Path pidFile;
    boolean queueOnly;
  }

  @Override
  int run(String[] args) throws MasqException, IOException {
    SmtpdOptions o = new SmtpdOptions();
    if (!parse(args, o)) {
      return Exit.OK;
    }
    if (!o.listen) {
      return inetd(o);
    }
    return listen(o);
  }

  /** Parses the command line into {@code o}; false when help or version was shown. */
  boolean parse(String[] args, SmtpdOptions o) throws MasqException {
    CommandLine cl =
        CliParser.parse(
            this,
            args,
            // --listen, --listen ADDR:PORT, --listen=ADDR:PORT, repeatable; -bd as sendmail's
            Option.builder().longOpt("listen").hasArg().optionalArg(true).argName("ADDR").get(),
            Option.builder("bd").hasArg().optionalArg(true).argName("ADDR").get(),
            CliParser.valued("pidfile", "FILE"),
            Option.builder("odq").get(),
            // sendmail's forms of the default, accepted for sendmail -bs and -bd
            Option.builder("odi").get(),
            Option.builder("odb").get(),
            Option.builder("bs").get());
    if (cl == null) {
      return false;
    }
    if (!cl.getArgList().isEmpty()) {
      throw usageError("unknown option or argument " + cl.getArgList().get(0));
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
    String pid = CliParser.last(cl, "pidfile");
    o.pidFile = pid == null ? null : Path.of(pid);
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
        zone);
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
    List<InetSocketAddress> addrs = new ArrayList<>();
    for (String n : names) {
      addrs.add(Server.parseAddress(n));
    }
    Server server = new Server(st);
    // the pid file is written before the sockets open, so whoever sees the port open finds it
    Path pidFile = writePidFile(o.pidFile, cfg);
    try {
      server.start(addrs);
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

  private Path writePidFile(Path explicit, Config cfg) throws MasqException {
    Path f = explicit != null ? explicit : cfg.dirs().pidDir().resolve("masq-smtpd.pid");
    try {
      if (f.getParent() != null) {
        Files.createDirectories(f.getParent());
      }
      Path tmp = f.resolveSibling(f.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
      Files.writeString(tmp, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
