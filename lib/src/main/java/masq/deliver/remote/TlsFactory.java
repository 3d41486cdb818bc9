package masq.deliver.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import masq.config.RegularFile;

/**
 * Makes TLS client sockets for a route. With {@code tls_verify} (the default) the server's chain
 * must lead to a trusted CA, the JDK's or those in {@code tls_trust_file} (PEM) instead, and its
 * certificate must name the host we meant to reach (RFC 2818 rules, IP addresses against IP
 * entries). With {@code tls_verify = false} any certificate is accepted: the connection is
 * encrypted but not authenticated. Failures surface as IOExceptions whose message says why
 * (unreadable trust file, handshake refused, verification failed).
 */
final class TlsFactory {
  private final SSLContext context;
  private final boolean verify;

  private TlsFactory(SSLContext context, boolean verify) {
    this.context = context;
    this.verify = verify;
  }

  /** The factory for {@code tls_verify}/{@code tls_trust_file}. */
  static TlsFactory create(boolean verify, Path trustFile) throws IOException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      TrustManager[] tms = null;
      if (!verify) {
        tms = new TrustManager[] {new TrustAll()};
      } else if (trustFile != null) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        Collection<? extends Certificate> certs;
        try (InputStream in =
            new java.io.ByteArrayInputStream(RegularFile.read(trustFile, 1 << 20))) {
          certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
          throw new IOException(
              "cannot read tls_trust_file " + trustFile + ": " + RegularFile.reason(e), e);
        }
        if (certs.isEmpty()) {
          throw new IOException("tls_trust_file " + trustFile + " holds no certificate");
        }
        int i = 0;
        for (Certificate c : certs) {
          ks.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        tms = tmf.getTrustManagers();
      }
      ctx.init(null, tms, null);
      return new TlsFactory(ctx, verify);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot set up TLS"
              + (trustFile == null ? "" : " with tls_trust_file " + trustFile)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Runs the TLS handshake over {@code plain} (already connected) for a server known as {@code
   * host}; returns the TLS socket, or throws with the reason.
   */
  SSLSocket handshake(Socket plain, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm(verify ? "HTTPS" : null);
    s.setSSLParameters(p);
    try {
      s.startHandshake();
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already failing
      }
      throw e;
    }
    return s;
  }

  /** Accepts every certificate: tls_verify = false. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
