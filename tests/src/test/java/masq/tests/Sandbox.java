package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away masq installation for one end-to-end test: a directory with a spool, a log and a
 * masq.conf, and a way to run the real {@code bin/} launchers against it as processes. The source
 * tree comes from the {@code masq.home} system property (set by the pom).
 */
public final class Sandbox {
  public final Path dir;
  public final Path conf;
  public final Path spool;
  public final Path logDir;
  public final Path mailDir;
  public static final Path HOME =
      Path.of(System.getProperty("masq.home", "..")).toAbsolutePath().normalize();

  /** The result of one command. */
  public record Run(int exit, byte[] stdout, String stderr) {
    public String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    /** Asserts the exit code, showing stderr when it differs. */
    public Run expect(int code) {
      assertEquals(code, exit, () -> "exit code; stderr was: " + stderr + "; stdout: " + out());
      return this;
    }
  }

  /** A sandbox whose masq.conf holds the basic lines plus {@code extraConf}. */
  public Sandbox(Path dir, String extraConf) throws IOException {
    this.dir = dir;
    this.spool = dir.resolve("spool");
    this.logDir = dir.resolve("log");
    this.mailDir = dir.resolve("mail");
    this.conf = dir.resolve("masq.conf");
    Files.createDirectories(mailDir);
    Files.writeString(
        conf,
        "host_name = test.example\n"
            + "spool_dir = \""
            + spool
            + "\"\n"
            + "log_dir = \""
            + logDir
            + "\"\n"
            + "mail_dir = \""
            + mailDir
            + "\"\n"
            + "run_as_user = true\n"
            + extraConf);
  }

  public static Path bin(String tool) {
    return HOME.resolve("bin").resolve(tool);
  }

  /** Runs {@code bin/TOOL -C masq.conf ARGS...} with {@code stdin} as its input. */
  public Run run(byte[] stdin, String tool, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(bin(tool).toString());
    cmd.add("-C");
    cmd.add(conf.toString());
    cmd.addAll(Arrays.asList(args));
    return exec(cmd, stdin, Map.of());
  }

  public Run run(String stdin, String tool, String... args)
      throws IOException, InterruptedException {
    return run(stdin.getBytes(StandardCharsets.UTF_8), tool, args);
  }

  /**
   * Starts {@code bin/TOOL -C masq.conf ARGS...} in the background (a server, a daemon), stdin
   * empty, stdout and stderr into {@code output}; the caller stops it.
   */
  public Process start(Path output, String tool, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(bin(tool).toString(), "-C", conf.toString()));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().remove("MASQ_CONF");
    return pb.start();
  }

  /** The Python the tests' scripted clients and checks run with. */
  public static final String PYTHON = "/usr/bin/python3";

  /** Runs the Python {@code script} with {@code args}, with no input. */
  public static Run python(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, "-c", script));
    cmd.addAll(List.of(args));
    return exec(cmd, new byte[0], Map.of());
  }

  /** Runs any command with {@code stdin}, waiting at most two minutes. */
  public static Run exec(List<String> cmd, byte[] stdin, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> e = pb.environment();
    e.remove("MASQ_CONF");
    e.putAll(env);
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread to = pump(p.getInputStream(), out);
    Thread te = pump(p.getErrorStream(), err);
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    } catch (IOException ignored) {
      // the command stopped reading early; its exit code tells why
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + cmd);
    }
    to.join();
    te.join();
    return new Run(p.exitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  static Thread pump(InputStream in, OutputStream out) {
    Thread t =
        new Thread(() -> {
          try (in) {
            in.transferTo(out);
          } catch (IOException ignored) {
            // the process went away
          }
        });
    t.start();
    return t;
  }

  /** IDs of the committed messages (files queue/ID.msg), sorted. */
  public List<String> queuedIds() throws IOException {
    return SpoolFiles.ids(spool.resolve("queue"));
  }

  /** The stored message of {@code id} (its data, without the envelope at the end of the file). */
  public String message(String id) throws IOException {
    return new String(SpoolFiles.data(spool.resolve("queue"), id), StandardCharsets.ISO_8859_1);
  }

  /** The notices in the queue (messages with the null sender), in arrival order. */
  public List<String> noticeIds() throws IOException {
    List<String> out = new ArrayList<>();
    for (String id : queuedIds()) {
      if (envelope(id).contains("\nsender\t<>\n")) {
        out.add(id);
      }
    }
    return out;
  }

  /** The current envelope of {@code id}, as text. */
  public String envelope(String id) throws IOException {
    return SpoolFiles.envelope(spool.resolve("queue"), id);
  }

  /**
   * Makes message {@code id} {@code ms} milliseconds older, the tests' clock for masq's times
   * counted from a message's arrival (warn_intervals, max_defer_time, notify_after): its envelope's
   * {@code received} moves back. Only between runs, while nothing holds the message.
   */
  public void backdate(String id, long ms) throws IOException {
    SpoolFiles.backdate(spool.resolve("queue"), id, ms);
  }

  /** The log file's text ("" when there is none yet). */
  public String log() throws IOException {
    Path f = logDir.resolve("masq.log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
