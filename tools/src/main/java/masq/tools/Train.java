package masq.tools;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import masq.config.Config;

/**
 * The training run that `make` records the JDK AOT cache from: it runs each command's usual
 * path once, in this JVM, on a throw-away spool, so that the classes they load are in the
 * cache. Not a user command.
 */
public final class Train {
  private Train() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("masq-train");
    try {
      Path conf = dir.resolve("masq.conf");
      Path route = dir.resolve("isp.route");
      Files.writeString(route, "mail_host = smtp.isp.example:587\ntls = starttls\nauth_name = login\n"
          + "auth_login = u\nauth_secret = s\nallowed_senders = *@train.example;<>\n"
          + "denied_recipients = *@blocked.example\nallowed_from_hdrs = a*\n"
          + "map_h_from_addresses = a: A Name <a.name@isp.example>\n"
          + "map_outgoing_addresses = *: *@isp.example\n");
      Files.writeString(conf, "spool_dir = \"" + dir.resolve("spool") + "\"\nlog_dir = \""
          + dir.resolve("log") + "\"\nrun_as_user = true\nhost_name = train.example\n"
          + "query_routes.isp = \"" + route + "\"\nmail_dir = \"" + dir.resolve("mail")
          + "\"\nmaildir_users = md\nalias_file = \"" + dir.resolve("aliases") + "\"\n");
      Files.writeString(dir.resolve("aliases"), "list: rcpt, md\n");
      Map<String, String> env = new HashMap<>(System.getenv());
      PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
      String msg = "From: a@b\nTo: c@d, \"E F\" <e@f>\nSubject: training\n\nbody\n..dot\n.\n";
      for (int i = 0; i < 3; i++) {
        Inject inject = new Inject(sink, sink, env, Clock.systemUTC());
        Inject.Options o = new Inject.Options();
        inject.parse(new String[] {"-C", conf.toString(), "-t", "-f", "x@y", "rcpt", "md", "list"}, o);
        Config cfg = Config.load(conf, env, false);
        inject.inject(new ByteArrayInputStream(msg.getBytes(StandardCharsets.UTF_8)), o, cfg);
      }
      // a queue run: what is left (remote recipients) stays; a dry run describes it
      for (String[] d : new String[][] {{}, {"--dry-run"}}) {
        String[] a = Stream.concat(Stream.of("-C", conf.toString()), Stream.of(d)).toArray(String[]::new);
        new Deliver(sink, sink, env, Clock.systemUTC()).execute(a);
      }
      for (String[] q : new String[][] {{"list"}, {"list", "--json"}, {"check"}}) {
        String[] a = Stream.concat(Stream.of("-C", conf.toString()), Stream.of(q)).toArray(String[]::new);
        new Queue(sink, sink, env, Clock.systemUTC()).execute(a);
      }
      // masq-rewrite, from stdin and from the spool
      String rmsg = "From: a, \"B\" <b@train.example> (x)\r\nSender: c\r\nReply-To: a@elsewhere.example\r\n"
          + "Mail-Followup-To: a,\r\n\tb\r\nTo: d@e.example\r\n\r\nbody\r\n";
      for (int i = 0; i < 3; i++) {
        new Rewrite(new ByteArrayInputStream(rmsg.getBytes(StandardCharsets.UTF_8)), sink, sink, env,
            Clock.systemUTC()).execute(new String[] {"-C", conf.toString(), "--route", "isp", "--envelope",
                "-f", "a", "-v"});
      }
      String id = masq.spool.Spool.open(dir.resolve("spool"), Clock.systemUTC(), 1).ids().get(0);
      new Rewrite(new ByteArrayInputStream(new byte[0]), sink, sink, env, Clock.systemUTC())
          .execute(new String[] {"-C", conf.toString(), "--route", "isp", "--id", id, "--envelope"});
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory left behind is harmless
      }
    }
  }
}
