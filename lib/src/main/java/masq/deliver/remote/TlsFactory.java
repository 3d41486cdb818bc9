package masq.deliver.remote;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import masq.MasqException;
import masq.config.PemFiles;
import masq.route.RouteTransport;
import masq.route.TlsMode;

/**
 * Makes TLS client sockets for a route. With {@code tls_verify} (the default without {@code
 * tls_fingerprint}) the server's chain must lead to a trusted CA, the JDK's or those in {@code
 * tls_trust_file} (PEM) instead, and its certificate must name the host we meant to reach (RFC 2818
 * rules, IP addresses against IP entries). With {@code tls_fingerprint}, the SHA-256 of the
 * server's certificate or of its public key must be one of the pins, and that is enough unless
 * {@code tls_verify = true} asks for the CA check too. With {@code tls_verify = false} or {@code
 * tls = may} any certificate is accepted: the connection is encrypted but not authenticated. The
 * route's client certificate is presented when the server asks; {@code tls_min_version} bounds the
 * protocol. Failures surface as IOExceptions whose message says why (unreadable file) or, for the
 * handshake, what {@link TlsFailure} makes of it: the certificate refused and why, and what to set.
 */
final class TlsFactory {
  private final SSLContext context;
  private final boolean verify;
  private final List<String> protocols;
  private final Path trustFile;

  /**
   * Where a session gets its factory: made when first needed, then shared by the route's sessions.
   */
  interface Source {
    TlsFactory get() throws IOException;
  }

  private TlsFactory(SSLContext context, boolean verify, List<String> protocols, Path trustFile) {
    this.context = context;
    this.verify = verify;
    this.protocols = List.copyOf(protocols);
    this.trustFile = trustFile;
  }

  /** The factory for the route's tls_* options. */
  static TlsFactory create(RouteTransport t) throws IOException {
    boolean verify = t.tlsVerify() && t.tls() != TlsMode.MAY;
    Path trustFile = t.tlsTrustFile();
    try {
      X509ExtendedTrustManager tm =
          new Checked(verify ? caTrust(trustFile) : new TrustAll(), verify, t.tlsFingerprints());
      KeyManager[] kms =
          t.tlsClientCertFile() == null
              ? null
              : PemFiles.keyManagers(
                  "tls_client_cert_file",
                  t.tlsClientCertFile(),
                  "tls_client_key_file",
                  t.tlsClientKeyFile());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kms, new TrustManager[] {tm}, null);
      return new TlsFactory(ctx, verify, t.tlsProtocols(), verify ? trustFile : null);
    } catch (MasqException e) {
      throw new IOException(e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot set up TLS"
              + (trustFile == null ? "" : " with tls_trust_file " + trustFile)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The JDK's trusted CAs, or those in {@code trustFile}. */
  private static X509ExtendedTrustManager caTrust(Path trustFile)
      throws GeneralSecurityException, IOException, MasqException {
    KeyStore ks = null;
    if (trustFile != null) {
      ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : PemFiles.certificates("tls_trust_file", trustFile)) {
        ks.setCertificateEntry("ca" + i++, c);
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    for (TrustManager m : tmf.getTrustManagers()) {
      if (m instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /**
   * Runs the TLS handshake over {@code plain} (already connected) for a server known as {@code
   * host}; returns the TLS socket, or throws with the reason.
   */
  SSLSocket handshake(Socket plain, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm(verify ? "HTTPS" : null);
    p.setProtocols(protocols.toArray(new String[0]));
    s.setSSLParameters(p);
    try {
      s.startHandshake();
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already failing
      }
      throw new IOException(TlsFailure.reason(e, host, protocols, trustFile), e);
    }
    return s;
  }

  /** SHA-256 of {@code der}, as 64 lower-case hex digits. */
  static String sha256(byte[] der) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * The route's check of the server: the inner one (the CA chain and host name, or none), then with
   * {@code tls_fingerprint} the server's own certificate or its public key must hash to a pin. A
   * refusal is a {@link TlsFailure.Refused}, which carries the chain to the reason.
   */
  private static final class Checked extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager inner;
    private final boolean verify;
    private final List<String> pins;

    Checked(X509ExtendedTrustManager inner, boolean verify, List<String> pins) {
      this.inner = inner;
      this.verify = verify;
      this.pins = pins;
    }

    /** Runs {@code innerCheck}, then the pins, on {@code chain}. */
    private void check(X509Certificate[] chain, InnerCheck innerCheck) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("the server sent no certificate");
      }
      try {
        innerCheck.run();
      } catch (CertificateException e) {
        throw TlsFailure.refused(chain, e, verify);
      }
      if (pins.isEmpty()) {
        return;
      }
      String cert = sha256(chain[0].getEncoded());
      String spki = sha256(chain[0].getPublicKey().getEncoded());
      if (!pins.contains(cert) && !pins.contains(spki)) {
        throw new TlsFailure.Refused(TlsFailure.Kind.PIN, chain, null);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s)
        throws CertificateException {
      check(chain, () -> inner.checkServerTrusted(chain, authType, s));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e)
        throws CertificateException {
      check(chain, () -> inner.checkServerTrusted(chain, authType, e));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(chain, () -> inner.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s)
        throws CertificateException {
      throw new CertificateException("a client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e)
        throws CertificateException {
      throw new CertificateException("a client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a client does not check clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return inner.getAcceptedIssuers();
    }
  }

  /** One of the inner trust manager's checks. */
  private interface InnerCheck {
    void run() throws CertificateException;
  }

  /** Accepts every certificate: tls_verify = false, or tls = may. */
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
