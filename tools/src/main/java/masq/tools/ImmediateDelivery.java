package masq.tools;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.log.MailLog;

/**
 * Delivery at once of freshly accepted messages by a detached {@code masq-deliver [-C FILE] --id
 * ID...}, the one way masq-smtpd and masq-inject start it ({@link #startDetached}): the
 * masq-deliver beside the command ($MASQ_BIN, set by the launchers), in a session of its own
 * (setsid), stdin from /dev/null, stdout and stderr discarded (or stderr kept for a standalone
 * server logging to it), never waited for, so it outlives the command and no caller waits on its
 * output. For masq-smtpd, an instance batches: while one run is going, newly accepted IDs are
 * collected and handed to the next run, so a busy server starts one process at a time rather than
 * one per message. When masq-deliver is not installed, this is logged once and the mail simply
 * stays queued for the next queue run.
 */
final class ImmediateDelivery {
  /** The most IDs given to one run. */
  static final int MAX_IDS = 100;

  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path FLOCK = Path.of("/usr/bin/flock");
  private static final Redirect DEV_NULL = Redirect.from(new File("/dev/null"));

  private final Path program;
  private final Path config;
  private final boolean keepStderr;
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
    this.config = config;
    this.log = log;
  }

  /** The masq-deliver beside the running command: $MASQ_BIN/masq-deliver. */
  static Path program(Map<String, String> env) {
    String binDir = env.get("MASQ_BIN");
    return binDir == null || binDir.isEmpty()
        ? Path.of("masq-deliver-not-found")
        : Path.of(binDir, "masq-deliver");
  }

  /**
   * Starts {@code PROGRAM [-C CONFIG] --id ID...} detached and returns without waiting for the run:
   * in a session of its own when setsid(1) is there (a terminal's signals and hang-up then do not
   * reach it), stdin from /dev/null, stdout and stderr discarded (a caller reading this command's
   * output to its end does not wait for the run; with {@code keepStderr}, stderr is this
   * process's).
   *
   * <p>With {@code forked}, the process returned is not the run but a parent that forks it and
   * exits at once ({@code setsid -f}, else {@code sh -c '"$@" &'}): wait for it (a few ms) before
   * the JVM ends, as a short command does. A JVM that ends while a thread waits for a child (the
   * process reaper in waitpid) waits 300 ms for that thread first; so does the caller.
   *
   * @throws IOException when it cannot be started (the caller says so; the mail stays queued)
   */
  static Process startDetached(
      Path program, Path config, List<String> ids, boolean forked, boolean keepStderr)
      throws IOException {
    List<String> args = new ArrayList<>(2 * ids.size());
    for (String id : ids) {
      args.add("--id");
      args.add(id);
    }
    return startDetached(program, config, args, null, forked, keepStderr);
  }

  /**
   * As {@link #startDetached(Path, Path, List, boolean, boolean)}, for {@code PROGRAM [-C CONFIG]
   * ARGS}; with a {@code lock} file, the run is started under {@code flock -n LOCK} (util-linux),
   * which holds a flock(2) lock on it while the run lasts and starts nothing when another run holds
   * it (without flock(1) the run starts unlocked).
   */
  static Process startDetached(
      Path program, Path config, List<String> args, Path lock, boolean forked, boolean keepStderr)
      throws IOException {
    if (!Files.isExecutable(program)) {
      throw new IOException(program + " not found");
    }
    List<String> cmd = new ArrayList<>(10 + args.size());
    if (Files.isExecutable(SETSID)) {
      cmd.add(SETSID.toString());
      if (forked) {
        cmd.add("-f");
      }
    } else if (forked) {
      cmd.addAll(List.of("/bin/sh", "-c", "\"$@\" &", "sh"));
    }
    if (lock != null && Files.isExecutable(FLOCK)) {
      cmd.addAll(List.of(FLOCK.toString(), "-n", "-E", "0", lock.toString()));
    }
    cmd.add(program.toString());
    if (config != null) {
      cmd.add("-C");
      cmd.add(config.toString());
    }
    cmd.addAll(args);
    return new ProcessBuilder(cmd)
        .redirectInput(DEV_NULL)
        .redirectOutput(Redirect.DISCARD)
        .redirectError(keepStderr ? Redirect.INHERIT : Redirect.DISCARD)
        .start();
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
    List<String> batch = pending.subList(0, Math.min(MAX_IDS, pending.size()));
    List<String> ids = List.copyOf(batch);
    batch.clear();
    try {
      Process p = startDetached(program, config, ids, false, keepStderr);
      running++;
      p.onExit().thenRun(this::finished);
      return true;
    } catch (IOException e) {
      log.write("smtpd: cannot start " + program + ": " + e.getMessage() + "; mail stays queued");
      return false;
    }
  }
}
