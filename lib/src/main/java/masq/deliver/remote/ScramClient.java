package masq.deliver.remote;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.sasl.SaslException;

/**
 * The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding: the first message,
 * the proof, and the check of the server's signature, which proves that the server knows the
 * password (a server that cannot prove it, or whose proof is wrong, fails the exchange). The
 * password is used as it is (no SASLprep: an ASCII password is the same either way).
 *
 * <p>Trusts the server for nothing: its nonce must extend ours, its salt must be base64, its
 * iteration count at most {@link #MAX_ITERATIONS} (so a server cannot make us compute for minutes).
 */
final class ScramClient implements SmtpAuth.Exchange {
  /** The most PBKDF2 iterations a server may ask for (about a second's work). */
  static final int MAX_ITERATIONS = 1_000_000;

  private static final String GS2_HEADER = "n,,";

  private final String password;
  private final String clientFirstBare;
  private final String clientNonce;
  private byte[] serverSignature;
  private boolean verified;

  ScramClient(String login, String password) {
    this(login, password, nonce());
  }

  /** With a given client nonce (the test vectors of RFC 7677). */
  ScramClient(String login, String password, String clientNonce) {
    this.password = password;
    this.clientNonce = clientNonce;
    this.clientFirstBare = "n=" + saslName(login) + ",r=" + clientNonce;
  }

  private static String nonce() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /** RFC 5802's saslname: "=" and "," escaped. */
  private static String saslName(String login) {
    return login.replace("=", "=3D").replace(",", "=2C");
  }

  @Override
  public byte[] initial() {
    return (GS2_HEADER + clientFirstBare).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] answer(byte[] challenge) throws SaslException {
    String msg = new String(challenge, StandardCharsets.UTF_8);
    return serverSignature == null ? clientFinal(msg) : serverFinal(msg);
  }

  /** The answer to the server-first message: the client-final message with the proof. */
  private byte[] clientFinal(String serverFirst) throws SaslException {
    if (serverFirst.startsWith("m=")) {
      throw new SaslException("the server asks for a SCRAM extension masq does not know");
    }
    String nonce = attribute(serverFirst, 'r');
    String salt = attribute(serverFirst, 's');
    String count = attribute(serverFirst, 'i');
    if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
      throw new SaslException("the server's nonce does not extend masq's");
    }
    int iterations;
    try {
      iterations = Integer.parseInt(count);
    } catch (NumberFormatException e) {
      throw new SaslException("bad iteration count from the server");
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new SaslException(
          "the server asks for " + iterations + " iterations (1 to " + MAX_ITERATIONS + ")");
    }
    byte[] saltBytes;
    try {
      saltBytes = Base64.getDecoder().decode(salt);
    } catch (IllegalArgumentException e) {
      throw new SaslException("bad salt from the server");
    }
    String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes()) + ",r=";
    withoutProof += nonce;
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    try {
      SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      byte[] salted =
          f.generateSecret(new PBEKeySpec(password.toCharArray(), saltBytes, iterations, 256))
              .getEncoded();
      byte[] clientKey = hmac(salted, "Client Key");
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      byte[] clientSignature = hmac(storedKey, authMessage);
      byte[] proof = new byte[clientKey.length];
      for (int i = 0; i < proof.length; i++) {
        proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
      }
      serverSignature = hmac(hmac(salted, "Server Key"), authMessage);
      return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
          .getBytes(StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new SaslException("SCRAM-SHA-256 is not available: " + e.getMessage());
    }
  }

  /** The server-final message: its signature checked; the answer is empty. */
  private byte[] serverFinal(String serverFinal) throws SaslException {
    if (verified) {
      throw new SaslException("the server goes on after its final message");
    }
    if (serverFinal.startsWith("e=")) {
      throw new SaslException("the server says: " + SmtpAuth.shown(serverFinal.substring(2)));
    }
    byte[] v;
    try {
      v = Base64.getDecoder().decode(attribute(serverFinal, 'v'));
    } catch (IllegalArgumentException e) {
      throw new SaslException("bad server signature");
    }
    if (!MessageDigest.isEqual(v, serverSignature)) {
      throw new SaslException(
          "the server's signature is wrong: it does not know the password (nothing sent)");
    }
    verified = true;
    return new byte[0];
  }

  @Override
  public String unfinished() {
    return verified ? null : "the server did not prove that it knows the password (nothing sent)";
  }

  private static String attribute(String msg, char name) throws SaslException {
    for (String part : msg.split(",", -1)) {
      if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
        return part.substring(2);
      }
    }
    throw new SaslException("the server's message lacks " + name + "=");
  }

  private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
  }
}
