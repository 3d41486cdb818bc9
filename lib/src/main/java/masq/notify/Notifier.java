package masq.notify;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.Api;
import masq.Exit;
import masq.MasqException;
import masq.Printable;
import masq.config.Config;
import masq.exec.Child;
import masq.log.MailLog;
import masq.route.Words;

/**
 * Runs {@code notify_command} (masq.conf(5)) for one {@link NotifyEvent}: without a shell (the
 * command line split into words, as online_query), standard input /dev/null, its output discarded,
 * with the event in its environment: {@code MASQ_EVENT}, {@code MASQ_ID}, {@code MASQ_RECIPIENT},
 * {@code MASQ_ROUTE}, {@code MASQ_REASON} (each one line; empty when it does not apply) and nothing
 * else but a few variables passed on from masq's own environment so that a desktop notifier can
 * reach the session ({@link #PASSED}); no route option, and so no secret, is ever in it.
 *
 * <p>Detached: {@link #fire} starts the command and returns at once; a virtual thread waits for it
 * and kills it (with everything it started) once it has run {@code notify_timeout} (default 30s).
 * {@link #await} waits for those still running, each at most until its own deadline: a run that
 * calls it at its end is never held longer than the timeout. Trusts the configuration; a command
 * that cannot start, fails or times out is one log line, never an error of the run.
 */
@Api
public final class Notifier {
  /** The variables of masq's environment a notify_command gets too (when they are set). */
  static final List<String> PASSED =
      List.of(
          "PATH",
          "HOME",
          "USER",
          "LOGNAME",
          "LANG",
          "LC_ALL",
          "TZ",
          "DISPLAY",
          "WAYLAND_DISPLAY",
          "XDG_RUNTIME_DIR",
          "DBUS_SESSION_BUS_ADDRESS");

  private final List<String> argv;
  private final Duration timeout;
  private final MailLog log;
  private final Map<String, String> env;
  private final List<Thread> running = new ArrayList<>();

  private Notifier(List<String> argv, Duration timeout, MailLog log, Map<String, String> env) {
    this.argv = argv;
    this.timeout = timeout;
    this.log = log;
    this.env = env;
  }

  /**
   * The notifier of {@code cfg} (one that does nothing without notify_command); exit 78 when the
   * command line cannot be split into words.
   *
   * @param env this process's environment, for {@link #PASSED}
   */
  public static Notifier of(Config cfg, MailLog log, Map<String, String> env) throws MasqException {
    String cmd = cfg.notifications().notifyCommand();
    List<String> argv = null;
    if (cmd != null && !cmd.isBlank()) {
      try {
        argv = Words.split(cmd);
      } catch (IllegalArgumentException e) {
        throw new MasqException(Exit.CONFIG, "notify_command '" + cmd + "': " + e.getMessage());
      }
    }
    return new Notifier(
        argv == null || argv.isEmpty() ? null : List.copyOf(argv),
        cfg.notifications().notifyTimeout(),
        log,
        env);
  }

  /** True when there is a notify_command. */
  public boolean on() {
    return argv != null;
  }

  /**
   * Starts notify_command for one event, without waiting for it. Null values are given as empty
   * variables.
   */
  public void fire(NotifyEvent event, String id, String recipient, String route, String reason) {
    if (argv == null) {
      return;
    }
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> e = pb.environment();
    e.clear();
    for (String name : PASSED) {
      String v = env.get(name);
      if (v != null) {
        e.put(name, v);
      }
    }
    e.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
    e.put("MASQ_EVENT", event.word());
    e.put("MASQ_ID", clean(id));
    e.put("MASQ_RECIPIENT", clean(recipient));
    e.put("MASQ_ROUTE", clean(route));
    e.put("MASQ_REASON", clean(reason));
    String what = "notify_command for " + event.word() + (id == null ? "" : " " + id);
    Thread t =
        Thread.ofVirtual()
            .start(() -> {
              try {
                Child.Finished f = Child.bounded(pb, null, timeout, 0);
                if (f.timedOut()) {
                  log.write(what + " killed after " + Child.seconds(timeout));
                } else if (f.exitCode() != 0) {
                  log.write(what + " exited " + f.exitCode());
                }
              } catch (IOException ex) {
                log.write(what + " cannot run " + argv.get(0) + ": " + Child.whyNotStarted(ex));
              }
            });
    synchronized (running) {
      running.add(t);
    }
  }

  /**
   * Waits for the notify_commands started so far, each at most until its deadline (when it is
   * killed); at most {@code notify_timeout} after the last {@link #fire}.
   */
  public void await() {
    List<Thread> ts;
    synchronized (running) {
      ts = new ArrayList<>(running);
      running.clear();
    }
    for (Thread t : ts) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static String clean(String v) {
    if (v == null) {
      return "";
    }
    String s = Printable.of(v);
    return s.length() > 1000 ? s.substring(0, 1000) : s;
  }
}
