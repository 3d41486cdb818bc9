package masq.deliver.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import masq.exec.Child;

/**
 * A user of the system's user database (login, uid, gid, home), as {@code getent passwd} reports
 * it: what system mode needs to give a mailbox to its user and to run an MDA, pipe or file delivery
 * as that user.
 *
 * <p>SECURITY: the name is checked to be a plain login before it is passed to getent (as one
 * argument, no shell); the answer is trusted, it is the system's user database. Fails (null) when
 * there is no such user; an error when the database cannot be asked.
 */
record Account(String name, long uid, long gid, String home) {
  private static final String LOGIN = "[A-Za-z0-9_][A-Za-z0-9_.-]*\\$?";

  /** How long getent may take; then it is killed and the user taken as unknown for this run. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * The account of {@code login}, or null when the user database has none.
   *
   * @throws IOException when the database cannot be asked: getent cannot run, fails otherwise than
   *     with "not found", or does not answer within 10 seconds (it is killed then)
   */
  static Account lookup(String login) throws IOException {
    if (!login.matches(LOGIN) || login.length() > 64) {
      return null;
    }
    // bounded: a user database that hangs (an unreachable LDAP server) must not hang the run; the
    // answer is one short line
    Child.Finished f =
        Child.bounded(
            new ProcessBuilder(List.of("getent", "passwd", login))
                .redirectError(ProcessBuilder.Redirect.DISCARD),
            null,
            TIMEOUT,
            4096);
    if (f.timedOut()) {
      throw new IOException("getent did not answer within " + Child.seconds(TIMEOUT));
    }
    if (f.exitCode() == 2) {
      return null; // getent(1): the key was not found
    }
    if (f.exitCode() != 0 || f.truncated()) {
      throw new IOException("getent passwd " + login + " failed with status " + f.exitCode());
    }
    String[] e = new String(f.output(), StandardCharsets.UTF_8).strip().split(":", -1);
    try {
      if (e.length < 7 || !e[0].equals(login)) {
        return null;
      }
      return new Account(e[0], Long.parseLong(e[2]), Long.parseLong(e[3]), e[5]);
    } catch (NumberFormatException ex) {
      return null;
    }
  }

  /**
   * The command that runs {@code argv} as this user: util-linux's setpriv, with the user's uid, gid
   * and supplementary groups, and no way to regain privileges.
   */
  List<String> runAs(List<String> argv) {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=" + uid,
                "--regid=" + gid,
                "--init-groups",
                "--no-new-privs",
                "--"));
    cmd.addAll(argv);
    return cmd;
  }
}
