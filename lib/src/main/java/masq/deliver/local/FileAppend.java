package masq.deliver.local;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code /file} delivery of system mode, run in its own process as the recipient (root's
 * masq-deliver starts it through setpriv): appends standard input to the file named by the one
 * argument with {@link Mbox}'s locking and crash safety. The outcome is its exit status (0
 * delivered, 75 deferred, 1 failed) and one line on standard output, as {@link PipeCommand} reads
 * them from any MDA.
 *
 * <p>SECURITY: it has the user's rights only, so it can write only what the user could; the file is
 * never followed through a symbolic link.
 */
public final class FileAppend {
  private FileAppend() {}

  /**
   * The command line that runs this class with the JVM and class path of this process, and the
   * short-lived commands' flags {@code shortFlags}: bin/launch.sh gives every command its list as
   * MASQ_SHORT_FLAGS (null when this process was not started by it: none then).
   */
  static List<String> command(Path file, String shortFlags) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "-Xlog:disable"));
    for (String flag : (shortFlags == null ? "" : shortFlags).split(" ")) {
      if (!flag.isEmpty()) {
        cmd.add(flag);
      }
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            FileAppend.class.getName(),
            file.toString()));
    return cmd;
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      System.out.println("usage: FileAppend FILE");
      Runtime.getRuntime().halt(64);
    }
    LocalResult o =
        new Mbox(Clock.systemUTC(), Duration.ofSeconds(10))
            .append(Path.of(args[0]), null, out -> System.in.transferTo(out));
    System.out.println(o.detail());
    System.out.flush();
    Runtime.getRuntime()
        .halt(
            switch (o.kind()) {
              case DELIVERED -> 0;
              case DEFERRED -> 75;
              case FAILED -> 1;
            });
  }
}
