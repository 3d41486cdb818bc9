package masq.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import masq.Api;

/**
 * The byte streams a session talks over: a TCP socket (standalone server, or the socket inetd hands
 * over), or plain streams such as a pipe on stdin/stdout.
 */
@Api
public interface Connection extends AutoCloseable {
  InputStream input() throws IOException;

  OutputStream output() throws IOException;

  /** True when {@link #startTls} can work here (a socket). */
  boolean canStartTls();

  /** True when the connection is encrypted already (after startTls: an SMTPS connection). */
  default boolean secure() {
    return false;
  }

  /** Runs the server side of a TLS handshake; afterwards input() and output() are encrypted. */
  void startTls(SSLContext ctx) throws IOException;

  /** Called from another thread to end the connection: a blocked read returns or fails. */
  void abort();

  @Override
  void close();

  /** A connection over a socket. */
  static Connection of(Socket s) {
    return of(s, 0);
  }

  /**
   * A connection over a socket whose TLS handshake fails after {@code handshakeMillis} without
   * input (0: no limit). The session's watchdog sees every other read; reads without a socket
   * timeout are one read(2) each, with one they are a poll(2) as well.
   */
  static Connection of(Socket s, int handshakeMillis) {
    return new Connection() {
      private Socket socket = s;

      @Override
      public InputStream input() throws IOException {
        return socket.getInputStream();
      }

      @Override
      public OutputStream output() throws IOException {
        return socket.getOutputStream();
      }

      @Override
      public boolean canStartTls() {
        return !(socket instanceof SSLSocket);
      }

      @Override
      public boolean secure() {
        return socket instanceof SSLSocket;
      }

      @Override
      public void startTls(SSLContext ctx) throws IOException {
        Socket plain = socket;
        SSLSocket t = (SSLSocket) ctx.getSocketFactory().createSocket(plain, null, true);
        t.setUseClientMode(false);
        socket = t;
        plain.setSoTimeout(handshakeMillis);
        t.startHandshake();
        plain.setSoTimeout(0);
      }

      @Override
      public void abort() {
        close();
      }

      @Override
      public void close() {
        try {
          socket.close();
        } catch (IOException e) {
          // nothing more to do
        }
      }
    };
  }

  /** A connection over plain streams (no STARTTLS); {@code abort} is what ends it from outside. */
  static Connection of(InputStream in, OutputStream out, Runnable abort) {
    return new Connection() {
      @Override
      public InputStream input() {
        return in;
      }

      @Override
      public OutputStream output() {
        return out;
      }

      @Override
      public boolean canStartTls() {
        return false;
      }

      @Override
      public void startTls(SSLContext ctx) throws IOException {
        throw new IOException("TLS needs a socket");
      }

      @Override
      public void abort() {
        abort.run();
      }

      @Override
      public void close() {
        try {
          out.flush();
        } catch (IOException e) {
          // the client is gone
        }
      }
    };
  }
}
