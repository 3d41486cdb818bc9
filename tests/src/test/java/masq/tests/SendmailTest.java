package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/sendmail: masqmail's options and program names mapped onto the tools, each run as a real
 * process against a sandbox spool.
 */
class SendmailTest {
  @TempDir Path tmp;

  private static final String MSG =
      "From: me@test.example\nTo: a@far.example\nSubject: s\n\nbody\n";

  /** Runs bin/sendmail under {@code name} (a symbolic link) with -C and {@code args}. */
  private static Sandbox.Run as(Sandbox sb, String name, String stdin, String... args)
      throws Exception {
    Path link = sb.dir.resolve("names").resolve(name);
    if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, Sandbox.bin("sendmail"));
    }
    List<String> cmd = new ArrayList<>(List.of(link.toString(), "-C", sb.conf.toString()));
    cmd.addAll(List.of(args));
    return Sandbox.exec(
        cmd, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  private static void oneLineError(Sandbox.Run r, String prefix) {
    assertEquals(64, r.exit(), r.stderr());
    assertEquals(1, r.stderr().lines().count(), r.stderr());
    assertTrue(r.stderr().startsWith(prefix), r.stderr());
    assertFalse(r.stderr().contains("Exception"), r.stderr());
  }

  @Test
  void defaultAndBmAcceptAMessageWithEveryInjectOption() throws Exception {
    Sandbox sb = new Sandbox(tmp.resolve("sb"), "do_queue = true\n");
    sb.run(
            "To: x@far.example\nBcc: hidden@far.example\n\nbody\n.\nafter the dot\n",
            "sendmail",
            "-t",
            "-f",
            "boss@test.example",
            "-F",
            "The Boss",
            "-oem",
            "-m",
            "-odq",
            "extra@far.example")
        .expect(0);
    sb.run(
            "Subject: dot\n\n.\nstill here\n",
            "sendmail",
            "-bm",
            "-oi",
            "-B",
            "8BITMIME",
            "-d",
            "5",
            "--",
            "y@far.example")
        .expect(0);
    List<String> ids = sb.queuedIds();
    assertEquals(2, ids.size());
    String all = sb.envelope(ids.get(0)) + sb.envelope(ids.get(1));
    assertTrue(all.contains("sender\t<boss@test.example>"), all);
    for (String r :
        List.of(
            "<x@far.example>", "<hidden@far.example>", "<extra@far.example>", "<y@far.example>")) {
      assertTrue(all.contains(r), r + " in " + all);
    }
    String msgs = sb.message(ids.get(0)) + sb.message(ids.get(1));
    assertFalse(msgs.contains("Bcc:"), msgs);
    assertFalse(msgs.contains("after the dot"), "without -i a lone dot ends the message");
    assertTrue(msgs.contains("still here"), "with -oi it does not");
  }

  @Test
  void mailqAndBpListTheQueueAndMailrmAndMrmRemove() throws Exception {
    Sandbox sb = new Sandbox(tmp.resolve("sb"), "do_queue = true\n");
    assertEquals("mail queue is empty.\n", as(sb, "mailq", null).expect(0).out());
    as(sb, "sendmail", MSG, "-i", "a@far.example").expect(0);
    as(sb, "sendmail", MSG, "-i", "b@far.example").expect(0);
    List<String> ids = sb.queuedIds();
    assertEquals(2, ids.size());
    for (String name : List.of("mailq", "sendmail")) {
      String list =
          (name.equals("mailq") ? as(sb, name, null) : as(sb, name, null, "-bp")).expect(0).out();
      assertTrue(list.contains(ids.get(0) + " <= ") && list.contains(ids.get(1) + " <= "), list);
      assertTrue(list.contains("== a@far.example") && list.contains("== b@far.example"), list);
    }
    as(sb, "mailrm", null, ids.get(0)).expect(0);
    assertEquals(List.of(ids.get(1)), sb.queuedIds());
    as(sb, "sendmail", null, "-Mrm", ids.get(1)).expect(0);
    assertEquals(List.of(), sb.queuedIds());
    Sandbox.Run r = as(sb, "sendmail", null, "-M", "rm", ids.get(1)).expect(67);
    assertTrue(r.stderr().contains(ids.get(1)), r.stderr());
  }

  @Test
  void newaliasesAndBiDoNothingAndBvPrintsTheVersion() throws Exception {
    Sandbox sb = new Sandbox(tmp.resolve("sb"), "");
    Sandbox.Run n = as(sb, "newaliases", null).expect(0);
    assertEquals("", n.out() + n.stderr());
    as(sb, "sendmail", null, "-bi").expect(0);
    assertTrue(
        as(sb, "sendmail", null, "-bV").expect(0).out().matches("sendmail \\(masq\\) \\S+\n"));
    assertTrue(as(sb, "mailq", null, "--help").expect(0).out().contains("-qo NAME"));
  }

  @Test
  void qAndRunqRunTheQueueAndQoNamesTheRoute() throws Exception {
    Path route = tmp.resolve("isp1.route");
    Files.writeString(route, "mail_host = 127.0.0.1:9\n");
    Sandbox sb =
        new Sandbox(
            tmp.resolve("sb"),
            "do_queue = true\nmbox_default = mbox\n" + "query_routes.isp1 = \"" + route + "\"\n");
    as(sb, "sendmail", MSG, "-i", "bob").expect(0);
    assertFalse(Files.exists(sb.mailDir.resolve("bob")), "do_queue: not delivered yet");
    as(sb, "runq", null).expect(0);
    assertTrue(Files.readString(sb.mailDir.resolve("bob")).contains("body"));
    as(sb, "sendmail", MSG, "-i", "carol").expect(0);
    as(sb, "sendmail", null, "-q").expect(0);
    assertTrue(Files.exists(sb.mailDir.resolve("carol")));
    as(sb, "sendmail", null, "-qo", "isp1").expect(0);
    as(sb, "sendmail", null, "-qoisp1").expect(0);
    Sandbox.Run r = as(sb, "sendmail", null, "-qo", "isp9").expect(69);
    assertEquals(
        "sendmail: unknown route 'isp9' (did you mean isp1? known: isp1)\n",
        r.stderr(),
        "in the words of the command the user typed");
  }

  @Test
  void odbDeliversInABackgroundProcess() throws Exception {
    Sandbox sb = new Sandbox(tmp.resolve("sb"), "mbox_default = mbox\n");
    as(sb, "sendmail", MSG, "-odb", "-i", "erin").expect(0);
    // wait for the background delivery's last step, so that the temporary directory's removal
    // does not race its writes
    Await.until("the background delivery's Completed", () -> sb.log().contains(" Completed"));
    assertEquals(List.of(), sb.queuedIds(), sb.log());
    assertTrue(Files.readString(sb.mailDir.resolve("erin")).contains("body"), sb.log());
  }

  @Test
  void bsSpeaksSmtpOnStdinAndStdout() throws Exception {
    Sandbox sb = new Sandbox(tmp.resolve("sb"), "do_queue = true\n");
    Sandbox.Run r =
        as(
                sb,
                "sendmail",
                "EHLO pc.lan\r\nMAIL FROM:<a@test.example>\r\nRCPT TO:<bob@test.example>\r\n"
                    + "DATA\r\nSubject: bs\r\n\r\nhi\r\n.\r\nQUIT\r\n",
                "-bs")
            .expect(0);
    assertTrue(r.out().startsWith("220 "), r.out());
    assertTrue(r.out().contains("\r\n250 2.0.0 ") || r.out().contains("250 OK"), r.out());
    List<String> ids = sb.queuedIds();
    assertEquals(1, ids.size());
    assertTrue(sb.envelope(ids.get(0)).contains("<bob@test.example>"));
  }

  @Test
  void unknownModesAndQueueFormsAreUsageErrors() throws Exception {
    Sandbox sb = new Sandbox(tmp.resolve("sb"), "");
    oneLineError(as(sb, "sendmail", null, "-bx"), "sendmail: usage: unknown mode -bx");
    oneLineError(as(sb, "sendmail", null, "-qf"), "sendmail: usage: unknown queue option -qf");
    oneLineError(as(sb, "sendmail", null, "-qR"), "sendmail: usage: -qR needs a value");
    oneLineError(
        as(sb, "sendmail", null, "-qRx@example.com"), "sendmail: usage: --domain takes a domain");
    oneLineError(as(sb, "sendmail", null, "-qo"), "sendmail: usage: -qo needs a value");
    oneLineError(as(sb, "sendmail", null, "-Mxx", "id"), "sendmail: usage: unknown option -Mxx");
    oneLineError(as(sb, "sendmail", null, "-bp", "-q"), "sendmail: usage: two modes");
    oneLineError(as(sb, "mailq", null, "extra"), "mailq: usage: this mode takes no arguments");
    oneLineError(as(sb, "sendmail", null, "-d", "x"), "sendmail: usage: -d takes a debug level");
    oneLineError(as(sb, "sendmail", "x\n", "-Z"), "sendmail: usage: unknown option -Z");
    oneLineError(
        as(sb, "sendmail", "x\n", "-odx", "bob"),
        "sendmail: usage: unknown delivery mode -odx (masq knows -odb, -odi, -odq)");
    assertEquals(0, sb.queuedIds().size(), "nothing queued");
    assertEquals(64, as(sb, "sendmail", "Subject: none\n\nx\n", "-i").exit(), "no recipients");
  }

  @Test
  void qIntervalRunsTheDaemonWithLongRunningJvmFlagsAndStopsOnSigterm() throws Exception {
    Sandbox sb = new Sandbox(tmp.resolve("sb"), "mbox_default = mbox\n");
    Process p = start(sb, "-q1s");
    try {
      awaitLog(sb, "daemon started", p);
      String cmdline = cmdline(p);
      assertFalse(cmdline.contains("TieredStopAtLevel"), cmdline);
      assertFalse(cmdline.contains("AOTCache"), cmdline);
      assertTrue(
          cmdline.contains("masq.tools.Sendmail\0--invoked-as\0sendmail\0"), "one JVM: " + cmdline);
      // mail queued meanwhile is delivered by a later run
      as(sb, "sendmail", MSG, "-i", "-odq", "dave").expect(0);
      Await.until("dave's mailbox", () -> Files.exists(sb.mailDir.resolve("dave")));
    } finally {
      p.destroy();
      assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    }
    assertEquals(0, p.exitValue());
    assertTrue(sb.log().contains("daemon stopped"), sb.log());
  }

  @Test
  void bdListensOnListenAddressesWithTheFlagsOfMasqSmtpdListen() throws Exception {
    int port = SmtpPeer.freePort();
    Sandbox sb =
        new Sandbox(
            tmp.resolve("sb"),
            "do_queue = true\nlisten_addresses = 127.0.0.1:"
                + port
                + "\n"
                + "pid_dir = \""
                + tmp
                + "\"\n");
    Process p = start(sb, "-bd");
    try {
      Await.port("127.0.0.1", port, p);
      try (Socket s = new Socket("127.0.0.1", port);
          BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
        assertTrue(in.readLine().startsWith("220 "));
      }
      String cmdline = cmdline(p);
      // as masq-smtpd --listen: short-command flags (C1, AOT cache), stop on running out of memory
      assertTrue(
          cmdline.contains("TieredStopAtLevel=1") && cmdline.contains("ExitOnOutOfMemoryError"),
          cmdline);
      assertTrue(cmdline.contains("masq.tools.Sendmail\0"), "one JVM: " + cmdline);
    } finally {
      p.destroy();
      assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    }
    assertEquals(0, p.exitValue());
  }

  @Test
  void bdWithQIntervalServesAndRunsTheQueueInOneJvmAndStopsBothOnSigterm() throws Exception {
    int port = SmtpPeer.freePort();
    Sandbox sb =
        new Sandbox(
            tmp.resolve("sb"),
            "do_queue = true\nmbox_default = mbox\n"
                + "listen_addresses = 127.0.0.1:"
                + port
                + "\npid_dir = \""
                + tmp
                + "\"\n");
    Process p = start(sb, "-bd", "-q1s");
    try {
      Await.port("127.0.0.1", port, p);
      awaitLog(sb, "daemon started", p);
      try (SmtpPeer.Client c = new SmtpPeer.Client(port, "127.0.0.1")) {
        assertEquals(220, c.reply().code());
        assertEquals(250, c.cmd("EHLO pc.lan").code());
        assertEquals(250, c.cmd("MAIL FROM:<a@test.example>").code());
        assertEquals(250, c.cmd("RCPT TO:<frank@test.example>").code());
        assertEquals(354, c.cmd("DATA").code());
        c.send("Subject: bd q\r\n\r\nserved\r\n.\r\n");
        assertEquals(250, c.reply().code());
      }
      // do_queue: not delivered at once, but by the queue runs beside the server
      awaitLog(sb, "=> frank@test.example", p);
      assertTrue(Files.readString(sb.mailDir.resolve("frank")).contains("served"));
      assertFalse(cmdline(p).contains("TieredStopAtLevel"), cmdline(p));
    } finally {
      p.destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    assertEquals(0, p.exitValue(), Files.readString(sb.dir.resolve("out.txt")));
    String log = sb.log();
    assertTrue(
        log.indexOf("masq-deliver daemon stopped") < log.indexOf("smtpd: stopped")
            && log.contains("masq-deliver daemon stopped"),
        log);
    assertFalse(Files.exists(tmp.resolve("masq-smtpd.pid")), "pid file removed");
  }

  @Test
  void bdWithQIntervalEndsWithTheServersExitCodeWhenItCannotListen() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Sandbox sb =
          new Sandbox(
              tmp.resolve("sb"),
              "listen_addresses = 127.0.0.1:"
                  + taken.getLocalPort()
                  + "\n"
                  + "pid_dir = \""
                  + tmp
                  + "\"\n");
      Sandbox.Run r = as(sb, "sendmail", null, "-bd", "-q1m");
      assertEquals(69, r.exit(), r.stderr());
      assertTrue(r.stderr().startsWith("sendmail: cannot listen"), r.stderr());
    }
  }

  /** Starts bin/sendmail -C conf ARGS in the background. */
  private static Process start(Sandbox sb, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(Sandbox.bin("sendmail").toString(), "-C", sb.conf.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(sb.dir.resolve("out.txt").toFile());
    pb.environment().remove("MASQ_CONF");
    return pb.start();
  }

  /** The JVM's command line, NUL-separated: the launcher execs java in the same process. */
  private static String cmdline(Process p) throws Exception {
    return Files.readString(
        Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.UTF_8);
  }

  private static void awaitLog(Sandbox sb, String text, Process p) throws Exception {
    Await.until(
        "'" + text + "' in the log",
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError(
                "exited early: " + Files.readString(sb.dir.resolve("out.txt")));
          }
          return sb.log().contains(text);
        });
  }
}
