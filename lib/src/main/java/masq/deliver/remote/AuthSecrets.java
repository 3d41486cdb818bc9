package masq.deliver.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import masq.ErrorText;
import masq.config.RegularFile;
import masq.exec.Child;
import masq.route.Route;
import masq.route.RouteAuth;
import masq.route.Words;
import masq.spool.Outcome;

/**
 * The AUTH secrets of one queue run: each route's {@code auth_secret}, or the first line of its
 * {@code auth_secret_file} or of what its {@code auth_secret_command} prints, fetched when a
 * connection first needs it and at most once per route (a failure too is kept for the run, so a
 * failing command is not run again for each MX host). {@link #forget} drops them all at the end of
 * the run; a new run fetches them afresh, so a command that hands out short-lived OAuth2 tokens
 * gives a fresh one each time.
 *
 * <p>The command runs without a shell (its line split into words as {@code wrapper}'s is), with
 * masq-deliver's environment and nothing added, /dev/null as its input and its standard error
 * discarded, through {@link Child#bounded}: killed with everything it started after {@code
 * auth_secret_timeout}; more than {@link #MAX_OUTPUT} bytes of output is an error. Its output is
 * never logged or put in a reason: a failure names the command and its exit status only. The secret
 * goes nowhere but into the AUTH exchange: not into another process's arguments or environment, the
 * log, or a result.
 */
public final class AuthSecrets {
  /** The most a secret command may print (an OAuth2 token is a few kilobytes). */
  static final int MAX_OUTPUT = 64 * 1024;

  /** A route's secret, or why there is none. */
  private record Fetched(String secret, String failure) {}

  private final Map<Route, Fetched> fetched = new HashMap<>();

  /** The secret of {@code route}; a failure to get it defers the route's mail with its reason. */
  synchronized String secret(Route route) throws SmtpFailure {
    Fetched f = fetched.computeIfAbsent(route, r -> fetch(r.transport().auth()));
    if (f.failure() != null) {
      throw new SmtpFailure(Outcome.DEFERRED, f.failure(), true);
    }
    return f.secret();
  }

  /** Drops every secret fetched (the end of a run). */
  public synchronized void forget() {
    fetched.clear();
  }

  private static Fetched fetch(RouteAuth a) {
    if (a.secret() != null) {
      return new Fetched(a.secret(), null);
    }
    if (a.secretFile() != null) {
      try {
        return firstLine(
            RegularFile.read(a.secretFile(), MAX_OUTPUT), "auth_secret_file " + a.secretFile());
      } catch (IOException e) {
        return new Fetched(
            null,
            "AUTH secret: cannot read auth_secret_file "
                + a.secretFile()
                + ": "
                + ErrorText.ofFile(e));
      }
    }
    String what = "auth_secret_command '" + a.secretCommand() + "'";
    List<String> argv = Words.split(a.secretCommand()); // checked when the route was read
    Child.Finished f;
    try {
      f =
          Child.bounded(
              new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD),
              null,
              a.secretTimeout(),
              MAX_OUTPUT);
    } catch (IOException e) {
      return new Fetched(null, "AUTH secret: cannot run " + what + ": " + SmtpConnection.reason(e));
    }
    if (f.timedOut()) {
      return new Fetched(
          null,
          "AUTH secret: "
              + what
              + " did not exit within "
              + Child.seconds(a.secretTimeout())
              + " and was killed");
    }
    if (f.exitCode() != 0) {
      return new Fetched(
          null,
          "AUTH secret: " + what + " exited with status " + f.exitCode() + " (output not shown)");
    }
    if (f.truncated()) {
      return new Fetched(
          null, "AUTH secret: " + what + " printed more than " + MAX_OUTPUT + " bytes");
    }
    return firstLine(f.output(), what);
  }

  /** The first line of {@code b} without its line end; an empty one is a failure. */
  private static Fetched firstLine(byte[] b, String what) {
    String s = new String(b, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isEmpty()) {
      return new Fetched(
          null, "AUTH secret: " + what + " gave no secret (its first line is empty)");
    }
    return new Fetched(line, null);
  }
}
