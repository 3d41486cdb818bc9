package masq.deliver.remote;

import java.nio.charset.StandardCharsets;
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

/**
 * SMTP AUTH (RFC 4954) with the route's {@code auth_name}, {@code auth_login} and {@code
 * auth_secret}. PLAIN and CRAM-MD5 use the JDK's SASL clients; LOGIN, which the JDK lacks, is its
 * two prompts answered here. The secret never appears in results or logs. Any reply other than 235
 * or 334 makes the session fail: a 4xx or 5xx as a refusal with that reply, anything else (a 250,
 * say) as an unexpected reply; the recipients are deferred (a wrong password is fixed by the user,
 * not by bouncing the mail).
 */
final class SmtpAuth {
  private SmtpAuth() {}

  /** The client half of one mechanism: an optional initial response, then challenge answers. */
  private interface Exchange {
    byte[] initial() throws SaslException;

    byte[] answer(byte[] challenge) throws SaslException;
  }

  static void authenticate(
      SmtpConnection c,
      AuthMechanism mech,
      String login,
      String secret,
      String serverName,
      java.time.Duration timeout)
      throws SmtpFailure {
    Exchange ex;
    try {
      ex = exchange(mech, login, secret, serverName);
    } catch (SaslException e) {
      throw new SmtpFailure(
          Outcome.DEFERRED,
          "AUTH " + mech.smtpName() + " not available: " + SmtpConnection.reason(e),
          true);
    }
    try {
      byte[] first = ex.initial();
      c.command("AUTH " + mech.smtpName() + (first == null ? "" : " " + b64(first)));
      c.flush();
      for (int round = 0; round < 10; round++) {
        SmtpReply r = c.readReply(timeout);
        if (r.code() == 235) {
          return;
        }
        if (r.code() != 334) {
          throw new SmtpFailure(
              Outcome.DEFERRED,
              r.transient4xx() || r.permanent5xx()
                  ? "AUTH "
                      + mech.smtpName()
                      + " as "
                      + login
                      + " refused by "
                      + c.peer()
                      + ": "
                      + r.oneLine()
                  : "AUTH "
                      + mech.smtpName()
                      + ": unexpected reply "
                      + r.code()
                      + " from "
                      + c.peer()
                      + " (wanted 334 or 235)",
              true);
        }
        byte[] challenge;
        try {
          challenge = Base64.getMimeDecoder().decode(r.lines().get(0).strip());
        } catch (IllegalArgumentException e) {
          c.command("*");
          c.flush();
          c.readReply(timeout);
          throw new SmtpFailure(
              Outcome.DEFERRED,
              "AUTH " + mech.smtpName() + ": bad challenge from " + c.peer(),
              true);
        }
        c.command(b64(ex.answer(challenge)));
        c.flush();
      }
      throw new SmtpFailure(
          Outcome.DEFERRED,
          "AUTH " + mech.smtpName() + " with " + c.peer() + " does not end",
          true);
    } catch (SaslException e) {
      throw new SmtpFailure(
          Outcome.DEFERRED,
          "AUTH " + mech.smtpName() + " failed: " + SmtpConnection.reason(e),
          true);
    }
  }

  private static String b64(byte[] b) {
    return b.length == 0 ? "=" : Base64.getEncoder().encodeToString(b);
  }

  private static Exchange exchange(
      AuthMechanism mech, String login, String secret, String serverName) throws SaslException {
    if (mech == AuthMechanism.LOGIN) {
      return new Exchange() {
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
    }
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
