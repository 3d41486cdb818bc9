package masq.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** masq-inject as a process: options, header fix-ups, exit codes, hostile input. */
class InjectTest {
  @TempDir Path dir;
  Sandbox box;

  @BeforeEach
  void setUp() throws Exception {
    box = new Sandbox(dir, "do_queue = true\n");
  }

  private String only() throws Exception {
    List<String> ids = box.queuedIds();
    assertEquals(1, ids.size(), ids.toString());
    return ids.get(0);
  }

  private void assertNothingQueued() throws Exception {
    assertEquals(List.of(), box.queuedIds());
    Path tmp = box.spool.resolve("tmp");
    if (Files.isDirectory(tmp)) {
      try (var s = Files.list(tmp)) {
        assertEquals(
            List.of(), s.filter(p -> !p.getFileName().toString().startsWith("VERSION")).toList());
      }
    }
  }

  @Test
  void queuesWithEnvelopeFixedUpHeadersAndALogLine() throws Exception {
    box.run("Subject: hello\n\nbody line\n", "masq-inject", "bob", "Alice <alice@example.org>")
        .expect(0);
    String id = only();
    String env = box.envelope(id);
    assertTrue(env.contains("rcpt\tP\t0\t0\t<bob@test.example>\t\t\n"), env);
    assertTrue(env.contains("rcpt\tP\t0\t0\t<alice@example.org>\t\t\n"), env);
    assertTrue(env.contains("protocol\tlocal\n"));
    String msg = box.message(id);
    assertTrue(msg.startsWith("Received: by test.example (masq "), msg);
    assertTrue(msg.contains("\tid " + id + "; "), msg);
    assertTrue(msg.contains("\nSubject: hello\n"));
    assertTrue(msg.contains("\nFrom: " + System.getProperty("user.name") + "@test.example\n"), msg);
    assertTrue(msg.contains("\nMessage-ID: <" + id + "@test.example>\n"));
    assertTrue(msg.contains("\nDate: "));
    assertTrue(msg.endsWith("\n\nbody line\n"));
    assertTrue(
        box.log().contains(id + " <= " + System.getProperty("user.name") + "@test.example size="),
        box.log());
  }

  @Test
  void dashTAddsHeaderRecipientsAndBccIsAlwaysRemoved() throws Exception {
    String m = "From: me@x\nTo: a@x, \"Bee\" <b@y>\nCc: c\nBcc: hidden@z\nSubject: t\n\nhi\n";
    box.run(m, "masq-inject", "-t", "-i", "extra@w").expect(0);
    String id = only();
    String env = box.envelope(id);
    for (String r : List.of("extra@w", "a@x", "b@y", "c@test.example", "hidden@z")) {
      assertTrue(env.contains("<" + r + ">"), r + " in " + env);
    }
    assertFalse(box.message(id).contains("Bcc"), "Bcc: must not be stored");
    assertFalse(box.message(id).contains("hidden@z"));
    // without -t Bcc: is removed too, and its address is not a recipient
    box.run("To: a@x\nBcc: hidden2@z\n\nhi\n", "masq-inject", "only@w").expect(0);
    String id2 = box.queuedIds().get(1);
    assertFalse(box.message(id2).contains("hidden2"));
    assertFalse(box.envelope(id2).contains("hidden2"));
  }

  @Test
  void dashTFindsTheAddressBehindAnUnclosedBracket() throws Exception {
    // before: Bob was silently lost, and masq-inject exited 0
    box.run(
            "From: me@x\nTo: a@x.example, Bob <bob@y.example\nSubject: t\n\nhi\n",
            "masq-inject",
            "-t")
        .expect(0);
    String env = box.envelope(only());
    assertTrue(env.contains("<a@x.example>"), env);
    assertTrue(env.contains("<bob@y.example>"), env);
  }

  @Test
  void recipientArgumentsAreAddressLists() throws Exception {
    box.run("Subject: t\n\nhi\n", "masq-inject", "\"a, b\" <c@d.example>", "a@x, b@y", "(me) joe")
        .expect(0);
    String env = box.envelope(only());
    List<String> rcpts = env.lines().filter(l -> l.startsWith("rcpt\t")).toList();
    assertEquals(4, rcpts.size(), env);
    for (String r : List.of("c@d.example", "a@x", "b@y", "joe@test.example")) {
      assertTrue(env.contains("<" + r + ">"), r + " in " + env);
    }
  }

  @Test
  void loneDotEndsTheMessageUnlessDashI() throws Exception {
    String in = "Subject: d\n\nfirst\n..dotted\n.\nnot part of it\n";
    box.run(in, "masq-inject", "a@b").expect(0);
    box.run(in, "masq-inject", "-oi", "a@b").expect(0);
    List<String> ids = box.queuedIds();
    assertTrue(box.message(ids.get(0)).endsWith("\n\nfirst\n.dotted\n"));
    assertTrue(box.message(ids.get(1)).endsWith("\n\nfirst\n..dotted\n.\nnot part of it\n"));
  }

  @Test
  void returnPathAndFullName() throws Exception {
    box.run("Subject: s\n\nb\n", "masq-inject", "-f", "<>", "a@b").expect(0);
    box.run("Subject: s\n\nb\n", "masq-inject", "-fboss", "-F", "The Boss", "a@b").expect(0);
    List<String> ids = box.queuedIds();
    assertTrue(box.envelope(ids.get(0)).contains("sender\t<>\n"));
    assertTrue(box.message(ids.get(0)).contains("\nFrom: MAILER-DAEMON@test.example\n"));
    assertTrue(box.envelope(ids.get(1)).contains("sender\t<boss@test.example>\n"));
    assertTrue(box.message(ids.get(1)).contains("\nFrom: \"The Boss\" <boss@test.example>\n"));
  }

  @Test
  void compatibilityOptionsAreIgnoredAndDashDashEndsOptions() throws Exception {
    box.run(
            "Subject: s\n\nb\n",
            "masq-inject",
            "-oem",
            "-m",
            "-B",
            "8BITMIME",
            "-bm",
            "-odq",
            "-oi",
            "--",
            "-weird@x")
        .expect(0);
    assertTrue(box.envelope(only()).contains("<-weird@x>"));
  }

  @Test
  void eightBitBodyIsStoredByteForByte() throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < 4; i++) {
      for (int b = 1; b < 256; b++) {
        if (b != '\n' && b != '\r') {
          body.write(b);
        }
      }
      body.write('\n');
    }
    byte[] head = "Subject: 8bit \u00e4\n\n".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    in.write(head);
    in.write(body.toByteArray());
    box.run(in.toByteArray(), "masq-inject", "-i", "a@b").expect(0);
    byte[] stored = SpoolFiles.data(box.spool.resolve("queue"), only());
    byte[] tail = java.util.Arrays.copyOfRange(stored, stored.length - body.size(), stored.length);
    assertArrayEquals(body.toByteArray(), tail);
  }

  @Test
  void aTenMegabyteLineIsAcceptedWhole() throws Exception {
    byte[] in =
        ("Subject: long\n\n" + "z".repeat(10 << 20) + "\n").getBytes(StandardCharsets.US_ASCII);
    box.run(in, "masq-inject", "-i", "a@b").expect(0);
    assertEquals(
        in.length - "Subject: long\n\n".length(),
        Long.parseLong(box.envelope(only()).replaceAll("(?s).*\nbody\t(\\d+)\n.*", "$1")));
  }

  @Test
  void headerLineWithoutColonStartsTheBody() throws Exception {
    box.run("Subject: x\nthis is not a header\n\nrest\n", "masq-inject", "a@b").expect(0);
    String msg = box.message(only());
    assertTrue(msg.contains("\n\nthis is not a header\n\nrest\n"), msg);
  }

  /** Hostile input: each gets its code, one line on stderr, no stack trace, nothing queued. */
  @Test
  void hostileInputGetsOneLineAndItsExitCode() throws Exception {
    Object[][] cases = {
      {"", new String[] {"a@b"}, 66, "no input"},
      {"Subject: x\n\nb\n", new String[] {}, 64, "no recipients"},
      {"Subject: x\n\nb\n", new String[] {"-t"}, 64, "no recipients"},
      {"Subject: a\u0000b\n\nx\n", new String[] {"a@b"}, 65, "NUL"},
      {"Subject: x\n\nbody \u0000\n", new String[] {"a@b"}, 65, "NUL"},
      {"Subject: bare\rcr\n\nx\n", new String[] {"a@b"}, 65, "bare CR"},
      {"Subject: x\n\nb\n", new String[] {"a@b>\r\nRCPT TO:<x@y"}, 65, "invalid address"},
      {"To: a@b c@d\n\nb\n", new String[] {"-t"}, 65, "unreadable address in To: header: 'a@b"},
      {
        "To: ok@x\nCc: a@x, <b@y junk>\n\nb\n",
        new String[] {"-t"},
        65,
        "unreadable address in Cc: header: '<b@y junk>'"
      },
      {"Subject: x\n\nb\n", new String[] {"Evil\r\nBcc: x <a@b>"}, 65, "control character"},
      {"Subject: x\n\nb\n", new String[] {"ok@x", "Ev\u0001il <a@b>"}, 65, "control character"},
      {"Subject: x\n\nb\n", new String[] {"Bob <bob@y.example"}, 65, "unclosed '<'"},
      {"Subject: x\n\nb\n", new String[] {"a b@c"}, 65, "invalid address"},
      {"Subject: x\n\nb\n", new String[] {"-f", "x@y\nz", "a@b"}, 65, "invalid address"},
      {"Subject: x\n\nb\n", new String[] {"-Q", "a@b"}, 64, "unknown option -Q"},
      {"Subject: x\n\nb\n", new String[] {"-f"}, 64, "-f needs a value"},
      {"X-Big: " + "h".repeat(70_000) + "\n\nb\n", new String[] {"a@b"}, 65, "header line longer"},
    };
    for (Object[] c : cases) {
      Sandbox.Run r = box.run((String) c[0], "masq-inject", (String[]) c[1]);
      String label = String.join(" ", (String[]) c[1]) + " → " + r.stderr();
      assertEquals((int) c[2], r.exit(), label);
      assertTrue(r.stderr().startsWith("masq-inject: "), label);
      assertTrue(r.stderr().contains((String) c[3]), label);
      assertEquals(1, r.stderr().strip().lines().count(), label);
      assertFalse(r.stderr().contains("\tat "), label);
      assertNothingQueued();
    }
  }

  @Test
  void maxMsgSizeRefusesLargerBodies() throws Exception {
    Sandbox small = new Sandbox(dir.resolve("small"), "max_msg_size = 100\n");
    small.run("Subject: ok\n\n" + "a".repeat(50) + "\n", "masq-inject", "a@b").expect(0);
    Sandbox.Run r = small.run("Subject: big\n\n" + "a".repeat(200) + "\n", "masq-inject", "a@b");
    assertEquals(65, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("max_msg_size"));
    assertEquals(1, small.queuedIds().size());
  }

  @Test
  void configurationErrorsAndWarnings() throws Exception {
    Files.writeString(box.conf, Files.readString(box.conf) + "frobnicate = yes\n");
    Sandbox.Run warn = box.run("Subject: x\n\nb\n", "masq-inject", "a@b").expect(0);
    assertTrue(
        warn.stderr()
            .contains("masq-inject: warning: " + box.conf + ":7: unknown option 'frobnicate'"),
        warn.stderr());
    Sandbox.Run strict = box.run("Subject: x\n\nb\n", "masq-inject", "--strict", "a@b");
    assertEquals(78, strict.exit());
    Files.writeString(box.conf, Files.readString(box.conf) + "this is not an option line\n");
    Sandbox.Run bad = box.run("Subject: x\n\nb\n", "masq-inject", "a@b");
    assertEquals(78, bad.exit());
    assertTrue(bad.stderr().contains(box.conf + ":8: syntax error"), bad.stderr());
    assertEquals(1, box.queuedIds().size());
  }

  @Test
  void unwritableSpoolIsRefusedWith73Or75() throws Exception {
    if ("root".equals(System.getProperty("user.name"))) {
      // root writes anyway; a spool on a path that cannot be created shows the same rule
      Path file = dir.resolve("not-a-dir");
      Files.writeString(file, "x");
      Sandbox blocked = new Sandbox(dir.resolve("b"), "");
      Files.writeString(
          blocked.conf,
          Files.readString(blocked.conf)
              .replace(
                  "spool_dir = \"" + blocked.spool + "\"", "spool_dir = \"" + file + "/spool\""));
      Sandbox.Run r = blocked.run("Subject: x\n\nb\n", "masq-inject", "a@b");
      assertTrue(r.exit() == 73 || r.exit() == 75, r.exit() + " " + r.stderr());
      assertTrue(r.stderr().startsWith("masq-inject: cannot open spool"), r.stderr());
    } else {
      Files.createDirectories(box.spool);
      box.spool.toFile().setWritable(false);
      Sandbox.Run r = box.run("Subject: x\n\nb\n", "masq-inject", "a@b");
      assertEquals(73, r.exit(), r.stderr());
    }
  }

  @Test
  void helpAndVersion() throws Exception {
    Sandbox.Run h =
        Sandbox.exec(List.of(Sandbox.bin("masq-inject").toString(), "--help"), null, Map.of())
            .expect(0);
    assertTrue(h.out().startsWith("usage: masq-inject"));
    Sandbox.Run v =
        Sandbox.exec(List.of(Sandbox.bin("masq-inject").toString(), "--version"), null, Map.of())
            .expect(0);
    assertTrue(v.out().startsWith("masq-inject (masq) "));
  }

  @Test
  void everyCommandsHelpShowsStrictAndInjectsUsageLineItsDsnOptions() throws Exception {
    for (String tool :
        List.of("masq-inject", "masq-deliver", "masq-rewrite", "masq-smtpd", "masq-queue")) {
      Sandbox.Run h =
          Sandbox.exec(List.of(Sandbox.bin(tool).toString(), "--help"), null, Map.of()).expect(0);
      String usage = h.out().substring(0, h.out().indexOf("\n", h.out().indexOf("\n") + 1));
      assertTrue(h.out().contains("--strict") || tool.equals("masq-queue"), tool + ": " + h.out());
      if (tool.equals("masq-inject")) {
        assertTrue(
            usage.contains("[-N WHEN] [-R full|hdrs] [-V ID]") && usage.contains("[--strict]"),
            usage);
      }
    }
  }

  @Test
  void aDeliveryModeOtherThanBIOrQIsAUsageErrorAndQueuesNothing() throws Exception {
    for (String mode : List.of("-odx", "-od", "-odqq")) {
      Sandbox.Run r = box.run("Subject: x\n\nb\n", "masq-inject", mode, "a@b");
      assertEquals(64, r.exit(), mode + ": " + r.stderr());
      assertEquals(
          "masq-inject: usage: unknown delivery mode "
              + mode
              + " (masq knows -odb, -odi, -odq) (see masq-inject --help)\n",
          r.stderr());
    }
    assertEquals(List.of(), box.queuedIds());
    box.run("Subject: x\n\nb\n", "masq-inject", "-oem", "-odq", "a@b").expect(0);
  }

  @Test
  void withoutConfigurationTheBuiltInSingleUserDefaultsApply() throws Exception {
    Path state = dir.resolve("state");
    Sandbox.exec(
            List.of(Sandbox.bin("masq-inject").toString(), "-odq", "a@b"),
            "Subject: x\n\nb\n".getBytes(),
            Map.of("XDG_STATE_HOME", state.toString(), "HOME", dir.toString()))
        .expect(0);
    assertEquals(1, SpoolFiles.ids(state.resolve("masq/spool/queue")).size());
    assertTrue(Files.exists(state.resolve("masq/log/masq.log")));
  }

  @Test
  void useSyslogHandsEachLogLineToLogger() throws Exception {
    Path binDir = Files.createDirectories(dir.resolve("fakebin"));
    Path got = dir.resolve("logger.args");
    Path logger = binDir.resolve("logger");
    Files.writeString(
        logger, "#!/bin/sh\nprintf '%s|' \"$@\" >> " + got + "\necho >> " + got + "\n");
    logger.toFile().setExecutable(true);
    Sandbox sys = new Sandbox(dir.resolve("sys"), "do_queue = true\nuse_syslog = true\n");
    Sandbox.exec(
            List.of(Sandbox.bin("masq-inject").toString(), "-C", sys.conf.toString(), "a@b"),
            "Subject: x\n\nb\n".getBytes(),
            Map.of("PATH", binDir + ":" + System.getenv("PATH")))
        .expect(0);
    String id = sys.queuedIds().get(0);
    String args = Files.readString(got);
    assertTrue(args.contains("-p|mail.info|--|" + id + " <= "), args);
    assertTrue(sys.log().contains(id + " <= "), "the log file is written as well");
  }
}
