package masq.config;

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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import masq.ErrorText;
import masq.Exit;
import masq.MasqException;

/**
 * The TLS certificate and key files that configuration names, in PEM: certificates (the own one
 * first, then any intermediate ones; or trusted CAs), and an unencrypted private key, PKCS#8 "BEGIN
 * PRIVATE KEY" with an RSA, EC or EdDSA key, or PKCS#1 "BEGIN RSA PRIVATE KEY". Shared by the
 * server's STARTTLS ({@code tls_cert_file}/{@code tls_key_file} of masq.conf) and the client's
 * per-route certificate ({@code tls_client_cert_file}/{@code tls_client_key_file}). Every problem
 * is a {@link MasqException} (exit 78) naming the option and the file.
 */
public final class PemFiles {
  private PemFiles() {}

  /** The file {@code option} names: a regular file (a FIFO would hang), at most 1 MiB. */
  private static byte[] read(String option, Path f) throws MasqException {
    try {
      return RegularFile.read(f, 1 << 20);
    } catch (IOException e) {
      throw new MasqException(Exit.CONFIG, option + " " + f + ": " + ErrorText.ofFile(e), e);
    }
  }

  /** The certificates in {@code f}, at least one. */
  public static List<Certificate> certificates(String option, Path f) throws MasqException {
    byte[] bytes = read(option, f);
    List<Certificate> out;
    try {
      out =
          new ArrayList<>(
              CertificateFactory.getInstance("X.509")
                  .generateCertificates(new ByteArrayInputStream(bytes)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new MasqException(
          Exit.CONFIG, option + " " + f + ": not PEM certificates: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new MasqException(Exit.CONFIG, option + " " + f + ": no certificate in it");
    }
    return out;
  }

  /**
   * The key managers that present the chain in {@code certFile} with the key in {@code keyFile};
   * {@code certOption}/{@code keyOption} name the options in error messages.
   */
  public static KeyManager[] keyManagers(
      String certOption, Path certFile, String keyOption, Path keyFile) throws MasqException {
    List<Certificate> chain = certificates(certOption, certFile);
    PrivateKey key = privateKey(keyOption, keyFile);
    try {
      char[] pw = new char[0];
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("masq", key, pw, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      return kmf.getKeyManagers();
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new MasqException(
          Exit.CONFIG,
          "bad TLS certificate or key ("
              + certFile
              + ", "
              + keyFile
              + "): "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
          e);
    }
  }

  private static PrivateKey privateKey(String option, Path file) throws MasqException {
    String pem = new String(read(option, file), StandardCharsets.US_ASCII);
    byte[] der;
    try {
      if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
        der = block(pem, "PRIVATE KEY");
      } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
        der = pkcs1ToPkcs8(block(pem, "RSA PRIVATE KEY"));
      } else {
        throw new MasqException(
            Exit.CONFIG,
            option
                + " "
                + file
                + ": no unencrypted PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
      }
    } catch (IllegalArgumentException e) {
      throw new MasqException(Exit.CONFIG, option + " " + file + ": " + e.getMessage(), e);
    }
    GeneralSecurityException last = null;
    for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new MasqException(
        Exit.CONFIG, option + " " + file + ": unreadable private key: " + last.getMessage(), last);
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
