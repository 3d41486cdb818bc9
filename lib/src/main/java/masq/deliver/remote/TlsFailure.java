package masq.deliver.remote;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;
import masq.ErrorText;
import masq.route.TlsPins;

/**
 * Why a TLS handshake with a route's server failed, in masq's words: what happened, the server's
 * certificate when it was refused (subject, issuer, validity, SHA-256 fingerprint) and the route
 * option that would mend it ({@code tls_trust_file}, {@code tls_fingerprint}, {@code tls_verify},
 * {@code tls_min_version}, {@code tls_client_cert_file}, {@code tls}). The certificate comes with
 * {@link Refused}, which the route's trust manager throws in place of the JDK's refusal, so the
 * chain is known even though the handshake failed.
 */
final class TlsFailure {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private TlsFailure() {}

  /** Why a certificate was refused. */
  enum Kind {
    /** No trusted CA vouches for it (self-signed, unknown CA, expired, not yet valid...). */
    UNTRUSTED,
    /** It does not name the host masq meant to reach. */
    NAME,
    /** It matches none of the route's {@code tls_fingerprint} pins. */
    PIN
  }

  /**
   * The server's certificate was refused: the chain and why. Keeps the JDK refusal's cause, from
   * which the JDK picks the TLS alert it sends (certificate_expired, bad_certificate...).
   */
  static final class Refused extends CertificateException {
    private static final long serialVersionUID = 1L;
    private final Kind kind;
    private final X509Certificate[] chain;

    Refused(Kind kind, X509Certificate[] chain, CertificateException why) {
      super(
          why == null ? "certificate refused" : why.getMessage(),
          why == null ? null : why.getCause());
      this.kind = kind;
      this.chain = chain.clone();
    }
  }

  /**
   * The refusal {@code e} of {@code chain} by the CA and host name check, as a {@link Refused}: a
   * certificate path problem is {@link Kind#UNTRUSTED}, anything else the host name check's (which
   * the JDK runs after the path check, with {@code verify}).
   */
  static Refused refused(X509Certificate[] chain, CertificateException e, boolean verify) {
    if (e instanceof Refused r) {
      return r;
    }
    Throwable c = e.getCause();
    boolean path = c instanceof CertPathValidatorException || c instanceof CertPathBuilderException;
    return new Refused(path || !verify ? Kind.UNTRUSTED : Kind.NAME, chain, e);
  }

  /**
   * The reason for the failed handshake {@code e} with {@code host}, the name masq meant to reach.
   *
   * @param protocols the TLS versions the route allows ({@code tls_min_version})
   * @param trustFile the route's {@code tls_trust_file}, or null
   */
  static String reason(IOException e, String host, List<String> protocols, Path trustFile) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Refused r && r.chain.length > 0) {
        return certificate(r, host, trustFile, Instant.now());
      }
    }
    String alert = ErrorText.alert(e);
    boolean only13 = !protocols.contains("TLSv1.2");
    String versions = only13 ? "TLS 1.3" : "TLS 1.2 or 1.3";
    String msg = e.getMessage() == null ? "" : e.getMessage();
    if ("protocol_version".equals(alert)
        || msg.contains("not accepted by client preferences")
        || msg.contains("No appropriate protocol")) {
      return only13
          ? "no TLS 1.3: the server does not speak it (tls_min_version = 1.3); lower"
              + " tls_min_version to 1.2"
          : "old TLS only: the server speaks no TLS version newer than 1.1, and masq refuses"
              + " TLS 1.0 and 1.1 as unsafe: the server's TLS must be upgraded";
    }
    if ("handshake_failure".equals(alert)
        || "insufficient_security".equals(alert)
        || msg.contains("No negotiable cipher suite")) {
      return "no TLS cipher in common with the server"
          + (alert == null ? "" : " (alert " + alert + ")")
          + ": its TLS settings are too old or too narrow for "
          + versions
          + " with today's ciphers; or it wants a client certificate (tls_client_cert_file)";
    }
    if (alert != null && ErrorText.alertReceived(e) && clientCertificateAlert(alert)) {
      return "the server refused masq's client certificate, or wants one (alert "
          + alert
          + "): set tls_client_cert_file and tls_client_key_file to a certificate it accepts";
    }
    if (msg.contains("Unsupported or unrecognized SSL message")) {
      return "no TLS on this port: the server answered in clear text; for a port"
          + " where SMTP starts in clear (25, 587) set tls = starttls, not smtps";
    }
    if (has(e, SocketTimeoutException.class)) {
      return "timeout: the server did not finish the TLS handshake in time";
    }
    if (msg.contains("terminated the handshake")
        || has(e, EOFException.class)
        || has(e, SocketException.class)) {
      return "server closed the connection during the TLS handshake: it may not speak TLS"
          + " there (tls = smtps is for port 465, starttls for 587 and 25), or refuses masq's TLS"
          + " versions ("
          + versions
          + ") or ciphers";
    }
    if (alert != null && ErrorText.alertReceived(e)) {
      return "the server ended the TLS handshake with the alert " + alert;
    }
    return "TLS handshake failed: " + ErrorText.of(e);
  }

  /** A refused certificate: what is wrong with it, what it is, and what to set. */
  private static String certificate(Refused r, String host, Path trustFile, Instant now) {
    X509Certificate c = r.chain[0];
    String fp = TlsPins.colons(TlsFactory.sha256(encoded(c)));
    String about = " (" + describe(c, fp) + ")";
    String pinIt = "tls_fingerprint = " + fp;
    return switch (r.kind) {
      case PIN ->
          "no tls_fingerprint matches the server's certificate: its SHA-256 fingerprint is "
              + fp
              + ", its public key's (SPKI) "
              + TlsPins.colons(TlsFactory.sha256(c.getPublicKey().getEncoded()))
              + about
              + "; if the server's certificate has changed, check the new one and add its"
              + " fingerprint to tls_fingerprint";
      case NAME ->
          "certificate for "
              + names(c)
              + ", not for "
              + host
              + about
              + "; set mail_host to a name the certificate is for, or pin the certificate with "
              + pinIt
              + " if it is the right one";
      case UNTRUSTED -> untrusted(r, now, trustFile) + about + untrustedAdvice(r.chain, now, pinIt);
    };
  }

  private static String untrusted(Refused r, Instant now, Path trustFile) {
    X509Certificate c = r.chain[0];
    X509Certificate x = outOfDate(r.chain, now);
    if (x != null) {
      String whose =
          x.equals(c) ? "certificate" : "certificate of its CA " + dn(x.getSubjectX500Principal());
      return now.isAfter(x.getNotAfter().toInstant())
          ? whose + " expired on " + WHEN.format(x.getNotAfter().toInstant()) + " UTC"
          : whose + " is not valid before " + WHEN.format(x.getNotBefore().toInstant()) + " UTC";
    }
    if (r.getCause() instanceof CertPathValidatorException v && v.getMessage() != null) {
      // a trusted CA, but the chain fails a check of its own: revoked, an algorithm refused
      return "certificate refused: " + ErrorText.clean(v.getMessage());
    }
    String where = trustFile == null ? "among the system's CAs" : "in tls_trust_file " + trustFile;
    return selfSigned(c)
        ? "untrusted certificate: self-signed, not " + where
        : "untrusted certificate: issued by "
            + dn(c.getIssuerX500Principal())
            + ", a CA not "
            + where;
  }

  /** The first certificate of {@code chain} that is not valid at {@code now}, or null. */
  private static X509Certificate outOfDate(X509Certificate[] chain, Instant now) {
    for (X509Certificate x : chain) {
      if (now.isAfter(x.getNotAfter().toInstant()) || now.isBefore(x.getNotBefore().toInstant())) {
        return x;
      }
    }
    return null;
  }

  private static String untrustedAdvice(X509Certificate[] chain, Instant now, String pinIt) {
    X509Certificate c = chain[0];
    if (outOfDate(chain, now) != null) {
      return "; the server's administrator must renew it, unless this computer's clock is wrong"
          + " (meanwhile "
          + pinIt
          + " accepts this very certificate, dates unchecked)";
    }
    if (selfSigned(c)) {
      return "; if it is the right server's, pin it with "
          + pinIt
          + ", or put the certificate in a PEM file named by tls_trust_file"
          + " (tls_verify = false accepts any certificate: encrypted, not authenticated)";
    }
    return "; if the CA is right, put its certificate (PEM) in the file tls_trust_file names,"
        + " or pin the server's certificate with "
        + pinIt
        + " (tls_verify = false accepts any certificate: encrypted, not authenticated)";
  }

  /** Subject, issuer, validity and fingerprint, for a user to recognise the certificate. */
  private static String describe(X509Certificate c, String fp) {
    return "subject "
        + dn(c.getSubjectX500Principal())
        + "; issuer "
        + dn(c.getIssuerX500Principal())
        + "; valid "
        + WHEN.format(c.getNotBefore().toInstant())
        + " to "
        + WHEN.format(c.getNotAfter().toInstant())
        + " UTC; SHA-256 fingerprint "
        + fp;
  }

  /** The names a certificate is for: its DNS and IP subject alternative names, else its subject. */
  private static String names(X509Certificate c) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = c.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2 || type == 7) { // dNSName, iPAddress
            out.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // then the subject is all there is to show
    }
    return out.isEmpty() ? dn(c.getSubjectX500Principal()) : String.join(", ", out);
  }

  private static boolean selfSigned(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
  }

  private static String dn(X500Principal p) {
    return '"' + p.getName(X500Principal.RFC2253) + '"';
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      return new byte[0]; // it was parsed from its encoding: cannot happen
    }
  }

  private static boolean clientCertificateAlert(String alert) {
    return switch (alert.toLowerCase(Locale.ROOT)) {
      case "certificate_required",
          "bad_certificate",
          "unknown_ca",
          "access_denied",
          "certificate_unknown",
          "unsupported_certificate" ->
          true;
      default -> false;
    };
  }

  private static boolean has(Throwable e, Class<? extends Throwable> kind) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (kind.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
