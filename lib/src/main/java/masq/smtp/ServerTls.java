package masq.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import masq.Api;
import masq.ErrorText;
import masq.Exit;
import masq.MasqException;
import masq.config.PemFiles;

/**
 * The server's TLS context for STARTTLS, from {@code tls_cert_file} (PEM, the certificate first,
 * then any intermediate ones) and {@code tls_key_file} (PEM, unencrypted; {@link PemFiles} says
 * which kinds).
 */
@Api
public final class ServerTls {
  private ServerTls() {}

  /** Loads certificate and key; a problem with either is a configuration error (78). */
  public static SSLContext serverContext(Path certFile, Path keyFile) throws MasqException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          PemFiles.keyManagers("tls_cert_file", certFile, "tls_key_file", keyFile), null, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new MasqException(
          Exit.CONFIG,
          "bad TLS certificate or key (" + certFile + ", " + keyFile + "): " + e.getMessage(),
          e);
    }
  }

  /**
   * Why a client's TLS handshake failed, in masq's words (the log line and the trace): the client
   * refused the server's certificate, offers only old TLS versions or no common cipher, did not
   * speak TLS, took too long or closed the connection.
   */
  static String handshakeFailure(IOException e) {
    String alert = ErrorText.alert(e);
    String msg = e.getMessage() == null ? "" : e.getMessage();
    if (alert != null && ErrorText.alertReceived(e) && alert.startsWith("certificate")
        || "bad_certificate".equals(alert)
        || "unknown_ca".equals(alert)) {
      return "the client refused the server's certificate (alert "
          + alert
          + "): it does not trust tls_cert_file's certificate (a self-signed certificate, or one"
          + " of a private CA, must be made known to the client)";
    }
    if ("protocol_version".equals(alert) || msg.contains("Client requested protocol")) {
      return "the client offers only TLS versions older than 1.2, which masq-smtpd refuses";
    }
    if ("handshake_failure".equals(alert)
        || "insufficient_security".equals(alert)
        || msg.contains("no cipher suites in common")) {
      return "the client and masq-smtpd have no TLS cipher in common";
    }
    if (msg.contains("Unsupported or unrecognized SSL message")) {
      return "the client does not speak TLS (plain SMTP on the smtps port?)";
    }
    if (e instanceof SocketTimeoutException || e.getCause() instanceof SocketTimeoutException) {
      return "the client did not finish the TLS handshake in time";
    }
    if (msg.contains("terminated the handshake")
        || e instanceof EOFException
        || e instanceof SocketException
        || e.getCause() instanceof EOFException) {
      return "the client closed the connection during the TLS handshake";
    }
    return "TLS handshake failed: " + ErrorText.of(e);
  }
}
