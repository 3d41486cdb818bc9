package masq.deliver.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * An SMTP connection over TCP, optionally switched to TLS. Trusts nothing from the peer. Read
 * timeouts are the socket's, so a silent server fails a read with SocketTimeoutException; a write
 * that blocks longer than the timeout (a server that stopped reading) closes the socket through a
 * {@link Watchdog} and fails the same way.
 */
final class TcpChannel extends StreamChannel {
  private final String host;
  private final InetSocketAddress address;

  /** {@link #peer()}, made once: it is named in every result of the connection. */
  private final String peer;

  private Socket socket;
  private final Watchdog watchdog = new Watchdog(this::close);

  private TcpChannel(String host, InetSocketAddress address, Socket socket) throws IOException {
    this.host = host;
    this.address = address;
    String ip = address.getAddress().getHostAddress();
    this.peer = (host.equals(ip) ? "" : host + " ") + "[" + ip + "]:" + address.getPort();
    try {
      use(socket);
    } catch (IOException | RuntimeException e) {
      watchdog.close();
      throw e;
    }
  }

  /**
   * Connects to {@code address} (known as {@code host}, the name TLS verifies), in at most {@code
   * timeout}.
   */
  static TcpChannel connect(String host, InetSocketAddress address, Duration timeout)
      throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(address, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      return new TcpChannel(host, address, s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void use(Socket s) throws IOException {
    socket = s;
    in = s.getInputStream();
    out = watchdog.bound(s.getOutputStream(), () -> timeout);
  }

  @Override
  public void timeout(Duration timeout) throws IOException {
    super.timeout(timeout);
    socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
  }

  @Override
  public String peer() {
    return peer;
  }

  @Override
  public InetAddress localAddress() {
    return socket.getLocalAddress();
  }

  @Override
  public String startTls(TlsFactory tls) throws IOException {
    javax.net.ssl.SSLSocket s = tls.handshake(socket, host, address.getPort());
    use(s);
    return s.getSession().getProtocol();
  }

  @Override
  public void close() {
    watchdog.close();
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to do with it
    }
  }
}
