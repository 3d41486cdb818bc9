package masq.smtp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import masq.Exit;
import masq.MasqException;
import masq.config.RegularFile;

/**
 * The server's TLS context for STARTTLS, from {@code tls_cert_file} (PEM, the certificate first,
 * then any intermediate ones) and {@code tls_key_file} (PEM, unencrypted: PKCS#8 "BEGIN PRIVATE
 * KEY" with an RSA, EC or EdDSA key, or PKCS#1 "BEGIN RSA PRIVATE KEY").
 */
public final class ServerTls {
  private ServerTls() {}

  /** A certificate or key file set by {@code option}: a regular file (a FIFO would hang). */
  private static byte[] file(String option, Path f) throws MasqException {
    try {
      return RegularFile.read(f, 1 << 20);
    } catch (IOException e) {
      throw new MasqException(Exit.CONFIG, option + " " + f + ": " + RegularFile.reason(e), e);
    }
  }

  /** Loads certificate and key; a problem with either is a configuration error (78). */
  public static SSLContext serverContext(Path certFile, Path keyFile) throws MasqException {
    try {
      Collection<? extends Certificate> chain;
      byte[] certBytes = file("tls_cert_file", certFile);
      chain =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(certBytes));
      if (chain.isEmpty()) {
        throw new MasqException(
            Exit.CONFIG, "tls_cert_file " + certFile + ": no certificate in it");
      }
      PrivateKey key =
          privateKey(new String(file("tls_key_file", keyFile), StandardCharsets.US_ASCII), keyFile);
      char[] pw = new char[0];
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("masq", key, pw, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (IOException e) {
      throw new MasqException(
          Exit.CONFIG, "cannot read TLS certificate or key: " + e.getMessage(), e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new MasqException(
          Exit.CONFIG,
          "bad TLS certificate or key (" + certFile + ", " + keyFile + "): " + e.getMessage(),
          e);
    }
  }

  private static PrivateKey privateKey(String pem, Path file)
      throws MasqException, GeneralSecurityException {
    byte[] der;
    if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
      der = block(pem, "PRIVATE KEY");
    } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      der = pkcs1ToPkcs8(block(pem, "RSA PRIVATE KEY"));
    } else {
      throw new MasqException(
          Exit.CONFIG,
          "tls_key_file "
              + file
              + ": no unencrypted PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
    }
    GeneralSecurityException last = null;
    for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  private static byte[] block(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end, b);
    if (b < 0 || e < 0) {
      throw new IllegalArgumentException("unterminated PEM block " + type);
    }
    return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
  private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algId = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algId.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algId, 0, body, version.length, algId.length);
    System.arraycopy(octets, 0, body, version.length + algId.length, octets.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] len;
    if (n < 0x80) {
      len = new byte[] {(byte) n};
    } else if (n < 0x100) {
      len = new byte[] {(byte) 0x81, (byte) n};
    } else if (n < 0x10000) {
      len = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      len = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
    byte[] out = new byte[1 + len.length + n];
    out[0] = (byte) tag;
    System.arraycopy(len, 0, out, 1, len.length);
    System.arraycopy(content, 0, out, 1 + len.length, n);
    return out;
  }
}
