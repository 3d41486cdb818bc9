package masq.smtp;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import masq.Exit;
import masq.MasqException;
import masq.config.PemFiles;

/**
 * The server's TLS context for STARTTLS, from {@code tls_cert_file} (PEM, the certificate first,
 * then any intermediate ones) and {@code tls_key_file} (PEM, unencrypted; {@link PemFiles} says
 * which kinds).
 */
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
}
