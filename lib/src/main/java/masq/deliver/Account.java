package masq.deliver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A user of the system's user database (login, uid, gid, home), as {@code getent passwd} reports
 * it: what system mode needs to give a mailbox to its user and to run an MDA, pipe or file delivery
 * as that user.
 *
 * <p>SECURITY: the name is checked to be a plain login before it is passed to getent (as one
 * argument, no shell); the answer is trusted, it is the system's user database. Fails (null) when
 * there is no such user or getent cannot be run.
 */
record Account(String name, long uid, long gid, String home) {
  private static final String LOGIN = "[A-Za-z0-9_][A-Za-z0-9_.-]*\\$?";

  /** The account of {@code login}, or null when the user database has none. */
  static Account lookup(String login) {
    if (!login.matches(LOGIN) || login.length() > 64) {
      return null;
    }
    try {
      Process p =
          new ProcessBuilder(List.of("getent", "passwd", login))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] b = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      String[] f = new String(b, StandardCharsets.UTF_8).strip().split(":", -1);
      if (f.length < 7 || !f[0].equals(login)) {
        return null;
      }
      return new Account(f[0], Long.parseLong(f[2]), Long.parseLong(f[3]), f[5]);
    } catch (IOException | NumberFormatException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
