package masq.deliver.remote;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The byte pipe an SMTP session runs over: a TCP socket ({@link TcpChannel}, which can switch to
 * TLS) or a child process's stdout/stdin ({@link ProcessChannel}, for wrapper routes).
 */
interface SmtpChannel extends Closeable {
  InputStream in();

  OutputStream out();

  /**
   * Bounds every following read and write; one that waits longer fails with a
   * SocketTimeoutException.
   */
  void timeout(Duration timeout) throws IOException;

  /** How results name the peer: {@code host [address]:port} or {@code wrapper 'cmd'}. */
  String peer();

  /** The local address of the connection (for do_correct_helo), or null when there is none. */
  InetAddress localAddress();

  /**
   * Switches the channel to TLS (STARTTLS), or throws when the channel cannot; returns the protocol
   * negotiated (e.g. TLSv1.3).
   */
  String startTls(TlsFactory tls) throws IOException;

  @Override
  void close();
}
