package masq.deliver.remote;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import masq.route.AuthMechanism;
import masq.smtp.Reply;
import masq.spool.Outcome;

/**
 * SMTP AUTH (RFC 4954) with one mechanism, the route's {@code auth_login} and the secret. PLAIN and
 * CRAM-MD5 use the JDK's SASL clients; LOGIN, which the JDK lacks, is its two prompts answered
 * here; SCRAM-SHA-256 is {@link ScramClient}; XOAUTH2 (Google's and Microsoft's) and OAUTHBEARER
 * (RFC 7628) send the OAuth2 token as their initial response, on the AUTH line however long it is
 * (RFC 4954 allows 12,288 octets there), and answer the server's error challenge (a JSON document)
 * as those documents say, with an empty response (XOAUTH2) or a single %x01 (OAUTHBEARER), so that
 * the server ends with its failure reply; the reason then holds the reply and the challenge.
 *
 * <p>The secret never appears in results or logs. Any reply other than 235 or 334 makes the session
 * fail: a 4xx or 5xx as a refusal with that reply, anything else (a 250, say) as an unexpected
 * reply; the recipients are deferred (a wrong password is fixed by the user, not by bouncing the
 * mail). An answer the client cannot give (a SCRAM server whose signature is wrong) cancels the
 * exchange with "*" and defers; a 235 before a SCRAM server proved that it knows the password
 * defers too.
 */
final class SmtpAuth {
  private SmtpAuth() {}

  /** The client half of one mechanism: an optional initial response, then challenge answers. */
  interface Exchange {
    /** The initial response, or null for none. */
    byte[] initial() throws SaslException;

    byte[] answer(byte[] challenge) throws SaslException;

    /** After 235: null when the exchange is complete, else why the success is not to be trusted. */
    default String unfinished() {
      return null;
    }

    /** What the server said on the way that a refusal should show (an error challenge), or null. */
    default String said() {
      return null;
    }
  }

  /**
   * Runs the exchange on {@code c}.
   *
   * @param serverName the server's name (SASL's, and OAUTHBEARER's host)
   * @param port the server's port (OAUTHBEARER's port)
   */
  static void authenticate(
      SmtpConnection c,
      AuthMechanism mech,
      String login,
      String secret,
      String serverName,
      int port,
      Duration timeout)
      throws SmtpFailure {
    String name = mech.smtpName();
    Exchange ex;
    try {
      ex = exchange(mech, login, secret, serverName, port);
    } catch (SaslException e) {
      throw new SmtpFailure(
          Outcome.DEFERRED, "AUTH " + name + " not available: " + SmtpConnection.reason(e), true);
    }
    byte[] first;
    try {
      first = ex.initial();
    } catch (SaslException e) {
      throw new SmtpFailure(
          Outcome.DEFERRED, "AUTH " + name + " failed: " + SmtpConnection.reason(e), true);
    }
    // an empty initial response is "=" (RFC 4954 section 4)
    String ir = first == null ? null : first.length == 0 ? "=" : b64(first);
    c.command("AUTH " + name + (ir == null ? "" : " " + ir));
    c.flush();
    Reply r = c.readReply(timeout);
    if (ir != null && ir.length() > 500 && (r.code() == 500 || r.code() == 501)) {
      // RFC 4954 lets the AUTH line be 12,288 octets, but some servers take fewer (Dovecot 2.3:
      // about 1,000, "500 5.5.2 Line too long"): the initial response then goes on a line of its
      // own, as the answer to the server's empty challenge
      c.command("AUTH " + name);
      c.flush();
      r = c.readReply(timeout);
      if (r.code() == 334) {
        c.command(ir);
        c.flush();
        r = c.readReply(timeout);
      }
    }
    for (int round = 0; round < 10; round++) {
      if (round > 0) {
        r = c.readReply(timeout);
      }
      if (r.code() == 235) {
        String why = ex.unfinished();
        if (why != null) {
          throw new SmtpFailure(
              Outcome.DEFERRED, "AUTH " + name + " with " + c.peer() + " failed: " + why, true);
        }
        return;
      }
      if (r.code() != 334) {
        String said = ex.said();
        throw new SmtpFailure(
            Outcome.DEFERRED,
            r.isTransient() || r.isPermanent()
                ? "AUTH "
                    + name
                    + " as "
                    + login
                    + " refused by "
                    + c.peer()
                    + ": "
                    + r.oneLine()
                    + (said == null ? "" : " (" + said + ")")
                : "AUTH "
                    + name
                    + ": unexpected reply "
                    + r.code()
                    + " from "
                    + c.peer()
                    + " (wanted 334 or 235)",
            true);
      }
      byte[] answer;
      try {
        answer = ex.answer(Base64.getMimeDecoder().decode(r.lines().get(0).strip()));
      } catch (IllegalArgumentException e) {
        cancel(c, timeout);
        throw new SmtpFailure(
            Outcome.DEFERRED, "AUTH " + name + ": bad challenge from " + c.peer(), true);
      } catch (SaslException e) {
        cancel(c, timeout);
        throw new SmtpFailure(
            Outcome.DEFERRED,
            "AUTH " + name + " with " + c.peer() + " failed: " + SmtpConnection.reason(e),
            true);
      }
      c.command(b64(answer)); // an empty answer is an empty line
      c.flush();
    }
    throw new SmtpFailure(
        Outcome.DEFERRED, "AUTH " + name + " with " + c.peer() + " does not end", true);
  }

  /** Cancels the exchange ("*", RFC 4954); the server's reply to it changes nothing. */
  private static void cancel(SmtpConnection c, Duration timeout) throws SmtpFailure {
    c.command("*");
    c.flush();
    c.readReply(timeout);
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /** Text a server sent, for a reason: at most 200 characters, control characters as "?". */
  static String shown(String s) {
    String t = s.strip();
    t = t.length() > 200 ? t.substring(0, 200) + "..." : t;
    StringBuilder sb = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char ch = t.charAt(i);
      sb.append(ch < 0x20 || ch == 0x7f ? '?' : ch);
    }
    return sb.toString();
  }

  private static Exchange exchange(
      AuthMechanism mech, String login, String secret, String serverName, int port)
      throws SaslException {
    return switch (mech) {
      case LOGIN ->
          new Exchange() {
            private int step;

            @Override
            public byte[] initial() {
              return null;
            }

            @Override
            public byte[] answer(byte[] challenge) {
              // the prompts are "Username:" and "Password:", in that order
              return (step++ == 0 ? login : secret).getBytes(StandardCharsets.UTF_8);
            }
          };
      case SCRAM_SHA_256 -> new ScramClient(login, secret);
      case XOAUTH2 ->
          new BearerExchange("user=" + login + "\u0001auth=Bearer " + secret + "\u0001\u0001", "");
      case OAUTHBEARER ->
          new BearerExchange(
              "n,a="
                  + login.replace("=", "=3D").replace(",", "=2C")
                  + ",\u0001host="
                  + serverName
                  + "\u0001port="
                  + port
                  + "\u0001auth=Bearer "
                  + secret
                  + "\u0001\u0001",
              "\u0001");
      case PLAIN, CRAM_MD5 -> jdk(mech, login, secret, serverName);
    };
  }

  /**
   * XOAUTH2 and OAUTHBEARER: the token in the initial response; a challenge is the server's error
   * (JSON), kept for the refusal and answered with {@code errorAnswer}.
   */
  private static final class BearerExchange implements Exchange {
    private final String initial;
    private final String errorAnswer;
    private String error;

    BearerExchange(String initial, String errorAnswer) {
      this.initial = initial;
      this.errorAnswer = errorAnswer;
    }

    @Override
    public byte[] initial() {
      return initial.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] answer(byte[] challenge) throws SaslException {
      if (error != null) {
        throw new SaslException("a second error challenge");
      }
      error = shown(new String(challenge, StandardCharsets.UTF_8));
      return errorAnswer.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String said() {
      return error == null ? null : "error challenge: " + error;
    }
  }

  private static Exchange jdk(AuthMechanism mech, String login, String secret, String serverName)
      throws SaslException {
    SaslClient sasl =
        Sasl.createSaslClient(
            new String[] {mech.smtpName()},
            null,
            "smtp",
            serverName,
            Map.of(),
            callbacks -> {
              for (Callback cb : callbacks) {
                if (cb instanceof NameCallback n) {
                  n.setName(login);
                } else if (cb instanceof PasswordCallback p) {
                  p.setPassword(secret.toCharArray());
                } else {
                  throw new UnsupportedCallbackException(cb);
                }
              }
            });
    if (sasl == null) {
      throw new SaslException("the JDK has no SASL client for " + mech.smtpName());
    }
    return new Exchange() {
      @Override
      public byte[] initial() throws SaslException {
        return sasl.hasInitialResponse() ? sasl.evaluateChallenge(new byte[0]) : null;
      }

      @Override
      public byte[] answer(byte[] challenge) throws SaslException {
        return sasl.evaluateChallenge(challenge);
      }
    };
  }
}
