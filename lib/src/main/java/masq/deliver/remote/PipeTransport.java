package masq.deliver.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import masq.address.Address;
import masq.exec.Child;
import masq.message.Header;
import masq.route.Variables;
import masq.spool.Outcome;
import org.apache.commons.io.TaggedIOException;
import org.apache.commons.io.input.TaggedInputStream;

/**
 * A {@code pipe} route: the message is written to the stdin of {@code pipe} once per recipient. The
 * command is split like a shell would (no shell runs) and each word is expanded with {@link
 * Variables#expandOrKeep} (a backslash quotes, an unknown name stays as written) from {@link
 * #variables}. What is written: with {@code pipe_fromline} a {@code From SENDER DATE} line first,
 * the (rewritten) headers, a blank line and the body, LF line ends; with {@code pipe_fromhack} each
 * body line starting with "From " gets a ">". The environment holds PATH and masqmail's pipe
 * variables (RETURN_PATH, SENDER, SENDER_LOCAL, SENDER_DOMAIN, RECEIVED_HOST, LOCAL_PART, DOMAIN,
 * USER, LOGNAME, MESSAGE_ID); the first 4 KB of the command's output go to the log.
 *
 * <p>Outcomes: exit 0 delivered; exit 75 (EX_TEMPFAIL) deferred; any other exit or a signal failed;
 * a command that cannot start deferred (failed with {@code connect_error_fail}); one that outlives
 * the pipe timeout is killed with everything it started and deferred, even when it keeps its output
 * open or prints without end (see {@link Command#bounded}); a message that cannot be read is
 * deferred, and if reading fails midway the command is killed before its input ends. Trusts the
 * command for its exit status.
 */
final class PipeTransport {
  /** Output of a pipe command kept for the log; the rest is counted, not logged. */
  private static final int OUTPUT_KEPT = 4096;

  private static final DateTimeFormatter CTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

  private final RemoteSettings s;
  private final Clock clock;
  private final Consumer<String> log;

  PipeTransport(RemoteSettings s, Clock clock, Consumer<String> log) {
    this.s = s;
    this.clock = clock;
    this.log = log;
  }

  void deliver(List<OutgoingMessage> messages, ResultSink sink) {
    for (OutgoingMessage m : messages) {
      List<RecipientResult> rs = new ArrayList<>();
      for (Address a : m.recipients()) {
        rs.add(one(m, a));
      }
      sink.accept(m, rs);
    }
  }

  private RecipientResult one(OutgoingMessage m, Address rcpt) {
    String host = "pipe '" + s.transport().pipe() + "'";
    InputStream body;
    try {
      body = m.body().open();
    } catch (IOException e) {
      return new RecipientResult(
          m.id(),
          rcpt,
          Outcome.DEFERRED,
          host,
          "cannot read message " + m.id() + ": " + SmtpConnection.reason(e));
    }
    try {
      return run(m, rcpt, host, body);
    } finally {
      try {
        body.close();
      } catch (IOException ignored) {
        // the result stands
      }
    }
  }

  /**
   * masqmail's variables for a pipe command, per message and recipient: {@code uid} (the message
   * ID), {@code received_host}, {@code ident}, {@code return_path} (as rewritten for the route),
   * {@code return_path_local}, {@code return_path_domain}, {@code rcpt}, {@code rcpt_local}, {@code
   * rcpt_domain}.
   */
  static Map<String, String> variables(OutgoingMessage m, Address rcpt) {
    Map<String, String> v = new LinkedHashMap<>();
    Address rp = m.returnPath();
    v.put("uid", m.id());
    v.put("received_host", m.receivedHost());
    v.put("ident", m.ident());
    v.put("return_path", rp.toString());
    v.put("return_path_local", rp.localPart());
    v.put("return_path_domain", rp.domain() == null ? "" : rp.domain());
    return Variables.recipient(v, rcpt);
  }

  private RecipientResult run(OutgoingMessage m, Address rcpt, String host, InputStream body) {
    Map<String, String> vars = variables(m, rcpt);
    List<String> argv = new ArrayList<>();
    Child.Finished f;
    try {
      for (String w : masq.route.Words.split(s.transport().pipe())) {
        argv.add(Variables.expandOrKeep(w, vars));
      }
      if (argv.isEmpty()) {
        throw new IOException("pipe command is empty");
      }
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
      env.clear();
      env.put("PATH", path);
      env.put("RETURN_PATH", vars.get("return_path"));
      env.put("SENDER", vars.get("return_path"));
      env.put("SENDER_LOCAL", vars.get("return_path_local"));
      env.put("SENDER_DOMAIN", vars.get("return_path_domain"));
      env.put("RECEIVED_HOST", vars.get("received_host"));
      env.put("LOCAL_PART", vars.get("rcpt_local"));
      env.put("DOMAIN", vars.get("rcpt_domain"));
      env.put("USER", vars.get("rcpt_local"));
      env.put("LOGNAME", vars.get("rcpt_local"));
      env.put("MESSAGE_ID", m.id());
      f = Child.bounded(pb, out -> feed(m, body, out), s.timeouts().pipe(), OUTPUT_KEPT);
    } catch (IOException | IllegalArgumentException e) {
      return new RecipientResult(
          m.id(),
          rcpt,
          s.transport().connectErrorFail() ? Outcome.FAILED : Outcome.DEFERRED,
          host,
          "cannot run pipe command: " + SmtpConnection.reason(e));
    }
    String prefix = m.id() + " pipe '" + argv.get(0) + "' for " + rcpt + ": ";
    for (String l : f.lines()) {
      log.accept(prefix + l);
    }
    if (f.truncated()) {
      log.accept(prefix + "(" + (f.outputSize() - f.output().length) + " more bytes of output)");
    }
    if (f.timedOut()) {
      return new RecipientResult(
          m.id(),
          rcpt,
          Outcome.DEFERRED,
          host,
          "pipe command timed out after " + Child.seconds(s.timeouts().pipe()) + " and was killed");
    }
    if (f.inputFailure() != null) {
      return new RecipientResult(
          m.id(), rcpt, Outcome.DEFERRED, host, f.inputFailure().getMessage());
    }
    int code = f.exitCode();
    if (code == 0) {
      return new RecipientResult(m.id(), rcpt, Outcome.DELIVERED, host, "exit 0");
    }
    if (code == 75) {
      return new RecipientResult(
          m.id(), rcpt, Outcome.DEFERRED, host, "exit 75 (temporary failure)");
    }
    return new RecipientResult(
        m.id(),
        rcpt,
        Outcome.FAILED,
        host,
        code > 128 ? "killed by signal " + (code - 128) : "exit " + code);
  }

  /**
   * Writes the message to the child. A message that cannot be read to its end is an {@link
   * Child.InputFailure}: the child is then killed before its stdin closes, so it never sees a
   * truncated message as complete.
   */
  private void feed(OutgoingMessage m, InputStream body, OutputStream out) throws IOException {
    // the tag tells the message's read failures from the child's end of the pipe
    TaggedInputStream tracked = new TaggedInputStream(body);
    try {
      if (s.transport().pipeFromline()) {
        String sender = m.returnPath().isNull() ? "MAILER-DAEMON" : m.returnPath().toString();
        LocalDateTime t = LocalDateTime.ofInstant(clock.instant(), ZoneId.systemDefault());
        out.write(
            ("From " + sender + " " + CTIME.format(t) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      for (Header h : m.headers()) {
        out.write(h.bytes());
      }
      out.write('\n');
      copyBody(tracked, out);
    } catch (IOException e) {
      if (tracked.isCauseOf(e)) {
        IOException read = ((TaggedIOException) e).getCause();
        throw new Child.InputFailure(
            "cannot read message " + m.id() + ": " + SmtpConnection.reason(read), read);
      }
      throw e; // the child stopped reading: its exit status says how it went
    }
  }

  private void copyBody(InputStream body, OutputStream out) throws IOException {
    byte[] buf = new byte[64 * 1024];
    if (!s.transport().pipeFromhack()) {
      for (int n = body.read(buf); n >= 0; n = body.read(buf)) {
        out.write(buf, 0, n);
      }
      return;
    }
    byte[] from = {'F', 'r', 'o', 'm', ' '};
    int matched = 0; // bytes of "From " seen at the start of the current line, -1: not at start
    for (int n = body.read(buf); n >= 0; n = body.read(buf)) {
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (matched >= 0) {
          if (b == from[matched]) {
            if (++matched == from.length) {
              out.write('>');
              out.write(from);
              matched = -1;
            }
            continue;
          }
          out.write(from, 0, matched);
          matched = -1;
        }
        out.write(b);
        if (b == '\n') {
          matched = 0;
        }
      }
    }
    if (matched > 0) {
      out.write(from, 0, matched);
    }
  }
}
