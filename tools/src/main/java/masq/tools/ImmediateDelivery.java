package masq.tools;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import masq.log.MailLog;

/**
 * Delivery at once of freshly accepted messages, as masq-inject does it without -odq: runs {@code
 * masq-deliver [-C FILE] --id ID...} as a background process that outlives this one (stdin empty,
 * stdout and stderr discarded, or stderr kept for a standalone server logging to it). While one run
 * is going, newly accepted IDs are collected and handed to the next run, so a busy server starts
 * one process at a time rather than one per message. When masq-deliver is not installed, this is
 * logged once and the mail simply stays queued for the next queue run.
 */
final class ImmediateDelivery {
  /** The most IDs given to one run. */
  static final int MAX_IDS = 100;

  private final Path program;
  private final boolean keepStderr;
  private final List<String> prefix;
  private final MailLog log;
  private final List<String> pending = new ArrayList<>();
  private int running;
  private boolean missingReported;

  /**
   * @param config the configuration file to pass with -C, or null for the defaults
   */
  ImmediateDelivery(Path program, Path config, MailLog log) {
    this(program, config, log, false);
  }

  /**
   * @param keepStderr give the runs this process's stderr instead of discarding theirs: for a
   *     standalone server whose log is its stderr ({@code log_dir = ""}, e.g. systemd's journal),
   *     so that the delivery lines reach it too
   */
  ImmediateDelivery(Path program, Path config, MailLog log, boolean keepStderr) {
    this.keepStderr = keepStderr;
    this.program = program;
    List<String> p = new ArrayList<>();
    p.add(program.toString());
    if (config != null) {
      p.add("-C");
      p.add(config.toString());
    }
    this.prefix = List.copyOf(p);
    this.log = log;
  }

  /** A message was committed: deliver it now, or soon after the run in progress. */
  synchronized void accepted(String id) {
    pending.add(id);
    if (running == 0) {
      startLocked();
    }
  }

  /** Starts a run for whatever is still waiting, without waiting for the run in progress. */
  synchronized void flush() {
    while (!pending.isEmpty()) {
      if (!startLocked()) {
        return;
      }
    }
  }

  private synchronized void finished() {
    running--;
    if (running == 0) {
      startLocked();
    }
  }

  private boolean startLocked() {
    if (pending.isEmpty()) {
      return true;
    }
    if (!Files.isExecutable(program)) {
      if (!missingReported) {
        missingReported = true;
        log.write(
            "smtpd: " + program + " not found; accepted mail stays queued for the next queue run");
      }
      pending.clear();
      return false;
    }
    List<String> cmd = new ArrayList<>(prefix);
    List<String> batch = pending.subList(0, Math.min(MAX_IDS, pending.size()));
    for (String id : batch) {
      cmd.add("--id");
      cmd.add(id);
    }
    batch.clear();
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(Redirect.DISCARD)
              .redirectError(keepStderr ? Redirect.INHERIT : Redirect.DISCARD)
              .start();
      p.getOutputStream().close(); // its stdin: at end at once
      running++;
      p.onExit().thenRun(this::finished);
      return true;
    } catch (IOException e) {
      log.write("smtpd: cannot start " + program + ": " + e.getMessage() + "; mail stays queued");
      return false;
    }
  }
}
