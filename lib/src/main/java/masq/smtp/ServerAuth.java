package masq.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import masq.Printable;
import masq.log.MailLog;

/**
 * SMTP AUTH (RFC 4954) on the server side of one session, with the mechanisms PLAIN (RFC 4616) and
 * LOGIN, against {@link AuthUsers}. It is offered only over TLS (STARTTLS or an SMTPS listener);
 * before TLS an AUTH gets 538 5.7.11. Each failed login is logged (the name tried, never a
 * password) and answered 535 5.7.8 only after a pause of one second per failure so far on the
 * connection (1 s, then 2 s, ...). After a success the session knows the login ({@link #user}) and
 * a second AUTH gets 503.
 */
final class ServerAuth {
  /** The mechanisms, as EHLO lists them. */
  static final String MECHANISMS = "PLAIN LOGIN";

  /** The longest SASL response line read (RFC 4954 section 4: at least 12288 octets). */
  static final int MAX_RESPONSE = 12288;

  /** How the exchange talks to the client: sends {@code 334 challenge}, returns the answer. */
  interface Challenger {
    /**
     * @return the client's line, or null when the connection ended
     */
    SmtpInput.Line challenge(String base64) throws IOException;
  }

  private final AuthUsers users;
  private final MailLog log;
  private final String who;
  private final long pauseMillis;
  private String user;
  private int failures;

  /**
   * @param users the users, or null when smtp_auth_file is not set (no AUTH)
   * @param who the client, for the log
   */
  ServerAuth(AuthUsers users, MailLog log, String who) {
    this(users, log, who, 1000);
  }

  ServerAuth(AuthUsers users, MailLog log, String who, long pauseMillis) {
    this.users = users;
    this.log = log;
    this.who = who;
    this.pauseMillis = pauseMillis;
  }

  /** Whether EHLO lists AUTH: a user file is set and the connection is encrypted. */
  boolean offered(boolean tls) {
    return users != null && tls;
  }

  /** The login of an authenticated client, or null. */
  String user() {
    return user;
  }

  /**
   * Handles {@code AUTH argument}.
   *
   * @param ehlo the client said EHLO (AUTH is an ESMTP extension)
   * @param transaction a mail transaction is open (MAIL given)
   * @return the final reply; a null reply means the connection ended during the exchange
   */
  Reply command(String argument, boolean ehlo, boolean tls, boolean transaction, Challenger io)
      throws IOException {
    if (users == null) {
      return Reply.of(502, "5.5.1", "AUTH not available");
    }
    if (!ehlo) {
      return Reply.of(503, "5.5.1", "say EHLO first");
    }
    if (user != null) {
      return Reply.of(503, "5.5.1", "already authenticated");
    }
    if (transaction) {
      return Reply.of(503, "5.5.1", "AUTH not allowed during a mail transaction");
    }
    String[] words = argument.split(" ", -1);
    if (argument.isEmpty() || words.length > 2) {
      return Reply.of(501, "5.5.4", "syntax: AUTH mechanism [initial-response]");
    }
    String mech = words[0].toUpperCase(Locale.ROOT);
    if (!tls) {
      return Reply.of(538, "5.7.11", "encryption required for requested authentication mechanism");
    }
    String initial = words.length == 2 ? words[1] : null;
    String[] credentials;
    try {
      credentials =
          switch (mech) {
            case "PLAIN" -> plain(initial, io);
            case "LOGIN" -> login(initial, io);
            default ->
                throw new Refusal(Reply.of(504, "5.5.4", "unrecognized authentication type"));
          };
    } catch (Refusal r) {
      return r.reply;
    }
    if (credentials == null) {
      return null;
    }
    char[] password = AuthUsers.chars(credentials[1].getBytes(StandardCharsets.ISO_8859_1));
    boolean good;
    try {
      good = users.verify(credentials[0], password);
    } catch (IOException e) {
      log.write(
          "smtpd: AUTH for "
              + who
              + " impossible: cannot read smtp_auth_file "
              + users.file()
              + ": "
              + e.getMessage());
      return Reply.of(454, "4.7.0", "temporary authentication failure");
    } finally {
      Arrays.fill(password, '\0');
    }
    String name = Printable.value(credentials[0]);
    if (!good) {
      failures++;
      log.write("smtpd: " + mech + " authentication failed for " + who + ": user " + name);
      pause(failures * pauseMillis);
      return Reply.of(535, "5.7.8", "authentication credentials invalid");
    }
    user = credentials[0];
    log.write("smtpd: " + who + " authenticated as " + user + " (" + mech + ")");
    return Reply.of(235, "2.7.0", "authentication successful");
  }

  /** PLAIN: {@code [authzid] NUL authcid NUL passwd}; an authzid other than authcid is refused. */
  private static String[] plain(String initial, Challenger io) throws IOException, Refusal {
    byte[] msg;
    if (initial == null) {
      msg = response(io, "");
      if (msg == null) {
        return null;
      }
    } else {
      msg = decode(initial);
    }
    String s = new String(msg, StandardCharsets.ISO_8859_1);
    int a = s.indexOf('\0');
    int b = a < 0 ? -1 : s.indexOf('\0', a + 1);
    if (a < 0 || b < 0 || s.indexOf('\0', b + 1) >= 0) {
      throw new Refusal(Reply.of(501, "5.5.2", "PLAIN: not authzid NUL authcid NUL password"));
    }
    String authz = utf8(s.substring(0, a));
    String authc = utf8(s.substring(a + 1, b));
    if (!authz.isEmpty() && !authz.equals(authc)) {
      throw new Refusal(Reply.of(535, "5.7.8", "may not act as another user"));
    }
    return new String[] {authc, s.substring(b + 1)};
  }

  /** LOGIN: the name and the password, each asked for with a Base64 prompt. */
  private static String[] login(String initial, Challenger io) throws IOException, Refusal {
    byte[] name = initial != null ? decode(initial) : response(io, b64("Username:"));
    if (name == null) {
      return null;
    }
    byte[] pw = response(io, b64("Password:"));
    if (pw == null) {
      return null;
    }
    return new String[] {
      utf8(new String(name, StandardCharsets.ISO_8859_1)),
      new String(pw, StandardCharsets.ISO_8859_1)
    };
  }

  /** Sends a challenge and decodes the answer; "*" cancels (RFC 4954 section 4). */
  private static byte[] response(Challenger io, String challenge) throws IOException, Refusal {
    SmtpInput.Line line = io.challenge(challenge);
    if (line == null) {
      return null;
    }
    if (line.tooLong()) {
      throw new Refusal(Reply.of(500, "5.5.6", "authentication exchange line too long"));
    }
    if (line.text().equals("*")) {
      throw new Refusal(Reply.of(501, "5.7.0", "authentication cancelled"));
    }
    return decode(line.text());
  }

  private static byte[] decode(String b64) throws Refusal {
    if (b64.equals("=")) {
      return new byte[0]; // an empty initial response
    }
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new Refusal(Reply.of(501, "5.5.2", "cannot decode Base64 response"));
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static String utf8(String latin1) {
    return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** An exchange that ends with a reply other than success or failure of the credentials. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialised
    final Reply reply;

    Refusal(Reply reply) {
      super(null, null, false, false);
      this.reply = reply;
    }
  }
}
