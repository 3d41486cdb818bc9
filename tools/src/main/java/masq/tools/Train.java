package masq.tools;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import masq.config.Config;
import masq.smtp.Connection;
import masq.smtp.Server;
import masq.smtp.Session;

/**
 * The training runs that `make` records the JDK AOT caches from: each runs a command's usual paths,
 * in this JVM, on a throw-away spool, so that the classes they load are in the cache. Without
 * arguments, every command's (masq.aot); with {@code inject}, only masq-inject's (masq-inject.aot):
 * a JVM started with an AOT cache loads every class in it, so the command run once per message gets
 * a cache without the SMTP client, the server and the queue tools. Not a user command.
 */
public final class Train {
  private Train() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("masq-train");
    try {
      Path conf = dir.resolve("masq.conf");
      Path route = dir.resolve("isp.route");
      Files.writeString(
          route,
          "mail_host = smtp.isp.example:587\ntls = starttls\nauth_name = login\n"
              + "auth_login = u\nauth_secret = s\nallowed_senders = *@train.example;<>\n"
              + "denied_recipients = *@blocked.example\nallowed_from_hdrs = a*\n"
              + "map_h_from_addresses = a: A Name <a.name@isp.example>\n"
              + "map_outgoing_addresses = *: *@isp.example\n");
      Files.writeString(
          conf,
          "spool_dir = \""
              + dir.resolve("spool")
              + "\"\nlog_dir = \""
              + dir.resolve("log")
              + "\"\nrun_as_user = true\nhost_name = train.example\n"
              + "query_routes.isp = \""
              + route
              + "\"\nmail_dir = \""
              + dir.resolve("mail")
              + "\"\nmaildir_users = md\nalias_file = \""
              + dir.resolve("aliases")
              + "\"\n");
      Files.writeString(dir.resolve("aliases"), "list: rcpt, md\n");
      Map<String, String> env = new HashMap<>(System.getenv());
      PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
      ArgvBytes.exact(new String[] {"-odq"}); // what Tool.exit does first (plain ASCII)
      trainInject(dir, conf, env, sink);
      if (args.length > 0 && args[0].equals("inject")) {
        return;
      }
      // a queue run: what is left (remote recipients) stays; a dry run describes it
      for (String[] d : new String[][] {{}, {"--dry-run"}}) {
        String[] a =
            Stream.concat(Stream.of("-C", conf.toString()), Stream.of(d)).toArray(String[]::new);
        new Deliver(sink, sink, env, Clock.systemUTC()).execute(a);
      }
      trainSmtpd(conf, env, sink);
      trainRoute(dir, conf, env, sink);
      for (String[] q : new String[][] {{"list"}, {"list", "--json"}, {"check"}}) {
        String[] a =
            Stream.concat(Stream.of("-C", conf.toString()), Stream.of(q)).toArray(String[]::new);
        new QueueTool(sink, sink, env, Clock.systemUTC()).execute(a);
      }
      // the sendmail names: mailq through the dispatcher
      new Sendmail("mailq", sink, sink, env, Clock.systemUTC())
          .execute(new String[] {"-C", conf.toString()});
      // masq-rewrite, from stdin and from the spool
      String rmsg =
          "From: a, \"B\" <b@train.example> (x)\r\nSender: c\r\nReply-To: a@elsewhere.example\r\n"
              + "Mail-Followup-To: a,\r\n\tb\r\nTo: d@e.example\r\n\r\nbody\r\n";
      for (int i = 0; i < 3; i++) {
        new Rewrite(
                new ByteArrayInputStream(rmsg.getBytes(StandardCharsets.UTF_8)),
                sink,
                sink,
                env,
                Clock.systemUTC())
            .execute(
                new String[] {
                  "-C", conf.toString(), "--route", "isp", "--envelope", "-f", "a", "-v"
                });
      }
      String id = masq.spool.Spool.open(dir.resolve("spool"), Clock.systemUTC(), 1).ids().get(0);
      new Rewrite(new ByteArrayInputStream(new byte[0]), sink, sink, env, Clock.systemUTC())
          .execute(
              new String[] {"-C", conf.toString(), "--route", "isp", "--id", id, "--envelope"});
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory left behind is harmless
      }
    }
  }

  /**
   * masq-inject's paths: queuing only (-odq), then the default with local recipients delivered here
   * and the remote part handed to a detached masq-deliver (a stand-in that exits at once), over a
   * permanent route; and sendmail's accept mode, which runs masq-inject.
   */
  private static void trainInject(Path dir, Path conf, Map<String, String> env, PrintStream sink)
      throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path deliver = bin.resolve("masq-deliver");
    Files.writeString(deliver, "#!/bin/sh\nexit 0\n");
    deliver.toFile().setExecutable(true);
    env.put("MASQ_BIN", bin.toString());
    Path lan = dir.resolve("lan-train.route");
    Files.writeString(lan, "mail_host = 127.0.0.1:9\n");
    Path pconf = dir.resolve("permanent.conf");
    Files.writeString(pconf, Files.readString(conf) + "permanent_routes = \"" + lan + "\"\n");
    String msg = "From: a@b\nTo: c@d, \"E F\" <e@f>\nSubject: training\n\nbody\n..dot\n.\n";
    String[][] runs = {
      {"-C", conf.toString(), "-odq", "-i", "c@d"},
      {"-C", conf.toString(), "-t", "-f", "x@y", "rcpt", "md", "list"},
      {"-C", pconf.toString(), "-t", "-f", "x@y", "rcpt", "md", "list"},
      {"-C", pconf.toString(), "-oi", "c@d"},
    };
    for (int i = 0; i < 2; i++) {
      for (String[] args : runs) {
        Inject inject = new Inject(sink, sink, env, Clock.systemUTC());
        Inject.InjectOptions o = new Inject.InjectOptions();
        inject.parse(args, o);
        Config cfg = Config.load(inject.configFile, env, false);
        inject.inject(new ByteArrayInputStream(msg.getBytes(StandardCharsets.UTF_8)), o, cfg);
      }
    }
    // sendmail as a mail client calls it: the plan, then masq-inject in this process
    Sendmail sm = new Sendmail("sendmail", sink, sink, env, Clock.systemUTC());
    String[] smArgs = {"-C", conf.toString(), "-oi", "-oem", "-t", "-f", "a@b", "--", "c@d"};
    Sendmail.Plan plan = sm.plan(smArgs);
    ((Inject) plan.tool())
        .inject(
            new ByteArrayInputStream(msg.getBytes(StandardCharsets.UTF_8)),
            injectOptions((Inject) plan.tool(), plan.args()),
            Config.load(conf, env, false));
    env.remove("MASQ_BIN");
  }

  private static Inject.InjectOptions injectOptions(Inject inject, java.util.List<String> args)
      throws Exception {
    Inject.InjectOptions o = new Inject.InjectOptions();
    inject.parse(args.toArray(String[]::new), o);
    return o;
  }

  /**
   * A queue run over a route (masq-deliver --route): the queued remote mail goes to a masq SMTP
   * server in this JVM, on a loopback port, with the route's rewriting.
   */
  private static void trainRoute(Path dir, Path conf, Map<String, String> env, PrintStream sink)
      throws Exception {
    Smtpd smtpd = new Smtpd(sink, sink, env, Clock.systemUTC());
    Smtpd.SmtpdOptions o = new Smtpd.SmtpdOptions();
    smtpd.parse(new String[] {"-C", conf.toString(), "-odq"}, o);
    Config cfg = Config.load(conf, env, false);
    Server server =
        new Server(
            smtpd.settings(cfg, o, java.time.ZoneId.systemDefault(), new ImmediateDelivery[1]));
    server.start(java.util.List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    try {
      int port = server.boundAddresses().get(0).getPort();
      Path route = dir.resolve("lan.route");
      Files.writeString(
          route,
          "mail_host = 127.0.0.1:"
              + port
              + "\n"
              + "map_h_from_addresses = a: A Name <a.name@lan.example>\nmap_outgoing_addresses = *: *@lan.example\n");
      Path rconf = dir.resolve("route.conf");
      Files.writeString(rconf, Files.readString(conf) + "query_routes.lan = \"" + route + "\"\n");
      for (String[] d : new String[][] {{"--dry-run"}, {}}) {
        String[] a =
            Stream.concat(Stream.of("-C", rconf.toString(), "--route", "lan"), Stream.of(d))
                .toArray(String[]::new);
        new Deliver(sink, sink, env, Clock.systemUTC()).execute(a);
      }
    } finally {
      server.stop(java.time.Duration.ofSeconds(5));
    }
  }

  /** An inetd-mode masq-smtpd session, scripted, through in-memory streams. */
  private static void trainSmtpd(Path conf, Map<String, String> env, PrintStream sink)
      throws Exception {
    String script =
        "EHLO pc.lan\r\nMAIL FROM:<a@pc.lan> SIZE=100 BODY=8BITMIME\r\n"
            + "RCPT TO:<bob@train.example>\r\nRCPT TO:<x@elsewhere.example>\r\nRCPT TO:<bad>\r\nDATA\r\n"
            + "Subject: training\r\nFrom: a@pc.lan\r\n\r\nbody\r\n..dot\r\n.\r\n"
            + "MAIL FROM:<a@pc.lan>\r\nRCPT TO:<bob@train.example>\r\nDATA\r\nbare\nlf\r\n.\r\n"
            + "RSET\r\nNOOP\r\nVRFY bob\r\nHELP\r\nBOGUS\r\nQUIT\r\n";
    Smtpd smtpd = new Smtpd(sink, sink, env, Clock.systemUTC());
    Smtpd.SmtpdOptions o = new Smtpd.SmtpdOptions();
    smtpd.parse(new String[] {"-C", conf.toString(), "-odq"}, o);
    Config cfg = Config.load(conf, env, false);
    Session.Settings st =
        smtpd.settings(cfg, o, Tool.zoneNow(Clock.systemUTC()), new ImmediateDelivery[1]);
    for (String client : new String[] {null, "127.0.0.1", "192.0.2.1"}) {
      ByteArrayOutputStream replies = new ByteArrayOutputStream();
      Session session =
          new Session(
              st,
              Connection.of(
                  new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)),
                  replies,
                  () -> {}),
              client);
      Thread watchdog = Smtpd.watchdog(session, cfg.smtpd().smtpTimeout());
      session.run();
      watchdog.interrupt();
    }
    // as inetd hands it over: a TCP socket channel used through its socket adaptor
    System.inheritedChannel();
    try (ServerSocketChannel ss =
            ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel client = SocketChannel.open(ss.getLocalAddress());
        SocketChannel server = ss.accept()) {
      client.write(ByteBuffer.wrap(script.getBytes(StandardCharsets.UTF_8)));
      Session session =
          new Session(
              st,
              Connection.of(server.socket()),
              ((InetSocketAddress) server.getRemoteAddress()).getAddress().getHostAddress());
      Thread watchdog = Smtpd.watchdog(session, cfg.smtpd().smtpTimeout());
      session.run();
      watchdog.interrupt();
    }
  }
}
