package masq.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import masq.Api;
import masq.Exit;
import masq.MasqException;

/**
 * The standalone SMTP server: accepts connections on each listen address and runs one {@link
 * Session} per connection on a platform thread (reused by later sessions). A watchdog ends sessions
 * idle for longer than smtp_timeout; beyond {@value #MAX_SESSIONS} sessions at once a new client
 * gets 421. On an SMTPS address (RFC 8314 implicit TLS) the TLS handshake comes first, before the
 * greeting. {@link #stop} closes the listening sockets, lets sessions finish what they are doing (a
 * message being sent is still accepted) and ends the others with 421.
 */
@Api
public final class Server {
  /** Sessions at once; a client beyond this gets 421 at once. */
  static final int MAX_SESSIONS = 500;

  private final Session.Settings settings;
  private final Duration timeout;
  private final List<ServerSocket> sockets = new ArrayList<>();
  private final Set<ServerSocket> smtps = ConcurrentHashMap.newKeySet();
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final List<Thread> acceptors = new ArrayList<>();
  private final Thread watchdog;
  // platform threads, kept for reuse: a session blocks in socket reads and fsyncs, which a
  // platform thread does in the kernel; on virtual threads each wait was a park, an epoll
  // registration and an unpark through the scheduler (a third more CPU per message)
  private final ExecutorService workers =
      Executors.newCachedThreadPool(
          Thread.ofPlatform().daemon().name("masq-smtpd-session").factory());
  private volatile boolean stopping;

  public Server(Session.Settings settings) {
    this.settings = settings;
    this.timeout = settings.config().smtpd().smtpTimeout();
    this.watchdog = Thread.ofPlatform().daemon().name("masq-smtpd-watchdog").unstarted(this::watch);
  }

  /**
   * Parses {@code host[:port]}, {@code [v6]:port} or {@code :port} (any address); the port is 25
   * when not given.
   */
  public static InetSocketAddress parseAddress(String s) throws MasqException {
    String t = s.strip();
    String host;
    String port = "25";
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw bad(s);
      }
      host = t.substring(1, close);
      String rest = t.substring(close + 1);
      if (rest.startsWith(":")) {
        port = rest.substring(1);
      } else if (!rest.isEmpty()) {
        throw bad(s);
      }
    } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
      host = t.substring(0, t.indexOf(':'));
      port = t.substring(t.indexOf(':') + 1);
    } else {
      host = t; // a bare IPv6 address or a host name
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw bad(s);
    }
    if (p < 0 || p > 65535) {
      throw bad(s);
    }
    if (host.isEmpty() || host.equals("*")) {
      return new InetSocketAddress(p);
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), p);
    } catch (IOException e) {
      throw new MasqException(Exit.CONFIG, "listen address '" + s + "': unknown host " + host);
    }
  }

  private static MasqException bad(String s) {
    return new MasqException(Exit.USAGE, "listen address '" + s + "' is not HOST:PORT");
  }

  /** Opens every listening socket (all or nothing) and starts accepting. */
  public void start(List<InetSocketAddress> addresses) throws MasqException {
    start(addresses, List.of());
  }

  /**
   * Opens every listening socket, plain ({@code addresses}) and SMTPS ({@code tlsAddresses}, which
   * need the settings' TLS context), all or nothing, and starts accepting.
   */
  public void start(List<InetSocketAddress> addresses, List<InetSocketAddress> tlsAddresses)
      throws MasqException {
    List<InetSocketAddress> all = new ArrayList<>(addresses);
    all.addAll(tlsAddresses);
    for (int i = 0; i < all.size(); i++) {
      InetSocketAddress a = all.get(i);
      try {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(a, 512);
        sockets.add(ss);
        if (i >= addresses.size()) {
          smtps.add(ss);
        }
      } catch (IOException e) {
        closeSockets();
        throw new MasqException(
            Exit.UNAVAILABLE, "cannot listen on " + a + ": " + e.getMessage(), e);
      }
    }
    for (ServerSocket ss : sockets) {
      Thread t =
          Thread.ofPlatform()
              .name("masq-smtpd-accept " + ss.getLocalSocketAddress())
              .start(() -> accept(ss));
      acceptors.add(t);
    }
    watchdog.start();
  }

  /** The addresses actually bound (port 0 becomes the port the system chose). */
  public List<InetSocketAddress> boundAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (ServerSocket ss : sockets) {
      out.add((InetSocketAddress) ss.getLocalSocketAddress());
    }
    return out;
  }

  private void accept(ServerSocket ss) {
    while (!stopping) {
      Socket s;
      try {
        s = ss.accept();
      } catch (SocketException e) {
        return; // closed by stop()
      } catch (IOException e) {
        settings
            .log()
            .write("smtpd: accept on " + ss.getLocalSocketAddress() + " failed: " + e.getMessage());
        try {
          Thread.sleep(100); // out of file descriptors, say: do not spin
        } catch (InterruptedException ie) {
          return;
        }
        continue;
      }
      try {
        s.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(s);
        continue;
      }
      String client = s.getInetAddress().getHostAddress();
      if (sessions.size() >= MAX_SESSIONS) {
        settings
            .log()
            .write("smtpd: " + MAX_SESSIONS + " sessions at once; " + client + " turned away");
        Thread.ofVirtual()
            .start(() -> {
              try (s) {
                s.getOutputStream()
                    .write(
                        Reply.of(
                                421,
                                "4.7.0",
                                settings.config().names().hostName()
                                    + " too many connections, try again later")
                            .encode());
              } catch (IOException e) {
                // the client is gone
              }
            });
        continue;
      }
      // the TLS handshake is the one read the watchdog does not see
      Connection conn =
          Connection.of(s, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis() * 2 + 1000));
      boolean implicitTls = smtps.contains(ss);
      Session session = new Session(settings, conn, client);
      sessions.add(session);
      if (stopping) {
        session.stop();
      }
      workers.execute(() -> {
        try {
          if (implicitTls) {
            conn.startTls(settings.tls()); // SMTPS: the handshake before the greeting
          }
          session.run();
        } catch (IOException e) {
          settings
              .log()
              .write(
                  "smtpd: TLS handshake with "
                      + client
                      + " failed: "
                      + ServerTls.handshakeFailure(e));
          conn.close();
        } finally {
          sessions.remove(session);
        }
      });
    }
  }

  private void watch() {
    long nanos = timeout.toNanos();
    long tick = Math.max(50, Math.min(1000, timeout.toMillis() / 4));
    while (true) {
      try {
        Thread.sleep(tick);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Session s : sessions) {
        s.expire(now, nanos);
      }
    }
  }

  /** The bound addresses as {@code 127.0.0.1:25, [::1]:25} (for logs). */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (InetSocketAddress a : boundAddresses()) {
      String h = a.getAddress().getHostAddress();
      sb.append(sb.isEmpty() ? "" : ", ")
          .append(h.contains(":") ? "[" + h + "]" : h)
          .append(':')
          .append(a.getPort());
    }
    return sb.toString();
  }

  /** Number of sessions in progress. */
  public int sessionCount() {
    return sessions.size();
  }

  /**
   * Stops accepting, asks every session to end, and waits up to {@code grace} for them; true when
   * all ended in time.
   */
  public boolean stop(Duration grace) {
    stopping = true;
    closeSockets();
    for (Thread t : acceptors) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    long end = System.nanoTime() + grace.toNanos();
    while (!sessions.isEmpty() && System.nanoTime() < end) {
      for (Session s : sessions) {
        s.stop();
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    watchdog.interrupt();
    return sessions.isEmpty();
  }

  private void closeSockets() {
    for (ServerSocket ss : sockets) {
      try {
        ss.close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing more to do
    }
  }
}
