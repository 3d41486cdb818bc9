package masq.deliver.local;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import masq.exec.Child;

/**
 * Runs an MDA or a {@code |pipe} alias (through {@link Child#bounded}) with the message on its
 * standard input, directly (no shell), with masqmail's environment (local.c {@code pipe_out}):
 * RETURN_PATH, SENDER, SENDER_DOMAIN, SENDER_LOCAL, RECEIVED_HOST, DOMAIN, LOCAL_PART, USER,
 * LOGNAME, MESSAGE_ID, QUALIFY_DOMAIN, plus PATH so that the command can find its own helpers. Exit
 * 0 is delivered, 75 (EX_TEMPFAIL) deferred, anything else or a signal failed; a command that runs
 * longer than the timeout is killed (with its children) and the delivery deferred. The first line
 * of its output is kept as the reason.
 */
final class PipeCommand {
  /** Output kept by {@link #run} for its reason line. */
  private static final int KEEP = 4096;

  private PipeCommand() {}

  static LocalResult run(
      List<String> argv, Map<String, String> env, Mbox.Writer writer, Duration timeout) {
    return run(argv.get(0), argv, env, writer, timeout);
  }

  /** The same, naming the command {@code label} in outcomes (e.g. "procmail as ann"). */
  static LocalResult run(
      String label,
      List<String> argv,
      Map<String, String> env,
      Mbox.Writer writer,
      Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(argv);
    Map<String, String> e = pb.environment();
    String path = e.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    e.clear();
    e.putAll(env);
    e.put("PATH", path);
    pb.redirectErrorStream(true);
    Child.Finished f;
    try {
      f = Child.bounded(pb, writer::writeTo, timeout, KEEP);
    } catch (IOException ex) {
      return LocalResult.failed("5.3.0", "cannot run " + label + ": " + Mbox.reason(ex));
    }
    if (f.timedOut()) {
      return LocalResult.deferred(
          "4.3.0", label + " timed out after " + Child.seconds(timeout) + " and was killed");
    }
    int rc = f.exitCode();
    String said = f.firstLine(200);
    String suffix = said.isEmpty() ? "" : ": " + said;
    if (rc == 0) {
      return LocalResult.delivered(label);
    }
    if (rc == 75) {
      return LocalResult.deferred(
          "4.3.0", label + " exited with status 75 (temporary failure)" + suffix);
    }
    if (rc > 128) {
      return LocalResult.failed("5.3.0", label + " killed by signal " + (rc - 128) + suffix);
    }
    return LocalResult.failed("5.3.0", label + " exited with status " + rc + suffix);
  }
}
