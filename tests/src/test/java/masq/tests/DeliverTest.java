package masq.tests;

import static masq.tests.Mailboxes.mbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** masq-deliver and masq-inject's immediate delivery, end to end, read back with real peers. */
class DeliverTest {
  @TempDir Path dir;

  private static String msg(String subject) {
    return "Subject: " + subject + "\n\nFrom the start of a line\n..a dotted line\nend\n";
  }

  @Test
  void mboxAndMaildirReadBackWithPythonAndFormail() throws Exception {
    Sandbox s = new Sandbox(dir, "maildir_users = md\n");
    List<String> want = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      want.add("m" + i);
      s.run(msg("m" + i), "masq-inject", "-odq", "-f", "alice@test.example", "bob", "md").expect(0);
    }
    assertEquals(5, s.queuedIds().size());
    s.run("", "masq-deliver").expect(0);
    assertEquals(List.of(), s.queuedIds());
    assertEquals(want, mbox(s.mailDir.resolve("bob")));
    assertEquals(
        want, Mailboxes.subjects("maildir", s.mailDir.resolve("md")).stream().sorted().toList());
    String box = Files.readString(s.mailDir.resolve("bob"));
    assertTrue(box.startsWith("From alice@test.example "), box);
    assertTrue(
        box.contains("\nEnvelope-to: <bob@test.example>\nReturn-path: <alice@test.example>\n"),
        box);
    assertTrue(box.contains("\n>From the start of a line\n.a dotted line\n"), box);
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(s.mailDir.resolve("bob"))));
    String log = s.log();
    assertTrue(
        log.contains(" => bob@test.example (mbox ")
            && log.contains(" => md@test.example (maildir "),
        log);
    assertTrue(log.contains(" Completed"), log);
  }

  @Test
  void injectDeliversAtOnceUnlessQueueOnly() throws Exception {
    Sandbox s = new Sandbox(dir, "");
    s.run(msg("now"), "masq-inject", "bob").expect(0);
    assertEquals(List.of("now"), mbox(s.mailDir.resolve("bob")));
    s.run(msg("later"), "masq-inject", "-odq", "bob").expect(0);
    assertEquals(1, s.queuedIds().size());
    s.run(msg("background"), "masq-inject", "-odb", "carol").expect(0);
    Path carol = s.mailDir.resolve("carol");
    // the background run's last line for its message, after which nothing more is written
    Await.until(
        "the background delivery's Completed",
        () ->
            s.log().contains(" => carol@test.example (mbox ")
                && s.log().split(" Completed", -1).length == 3);
    assertEquals(List.of("background"), mbox(carol));
    Sandbox q = new Sandbox(dir.resolve("q"), "do_queue = true\n");
    q.run(msg("queued"), "masq-inject", "bob").expect(0);
    assertEquals(1, q.queuedIds().size());
    assertFalse(Files.exists(q.mailDir.resolve("bob")));
  }

  @Test
  void procmailAsTheMdaAndExit75Defers() throws Exception {
    Path rc = dir.resolve("procmailrc");
    Files.writeString(rc, "SHELL=/bin/sh\n:0:\n" + dir.resolve("pm-") + "$BOX\n");
    Sandbox s =
        new Sandbox(
            dir.resolve("s"),
            "mbox_default = mda\nmda_fromline = true\n"
                + "mda = \"/usr/bin/procmail -m BOX=${rcpt_local} "
                + rc
                + "\"\n");
    for (int i = 0; i < 3; i++) {
      s.run(msg("p" + i), "masq-inject", "carol").expect(0);
    }
    assertEquals(List.of(), s.queuedIds());
    assertEquals(List.of("p0", "p1", "p2"), mbox(dir.resolve("pm-carol")));

    Sandbox t =
        new Sandbox(
            dir.resolve("t"),
            "mbox_default = mda\nmda = \"/bin/sh -c 'echo busy now; exit 75'\"\n");
    t.run(msg("x"), "masq-inject", "carol").expect(0);
    assertEquals(1, t.queuedIds().size());
    String list = t.run("", "masq-queue").expect(0).out();
    assertTrue(list.contains("status 75") && list.contains("busy now"), list);
    assertTrue(t.log().contains(" == carol@test.example ("), t.log());
  }

  @Test
  void aliasesPipeFileIncludeAndLoop() throws Exception {
    Path pipe = dir.resolve("pipe.sh");
    Files.writeString(
        pipe,
        "#!/bin/sh\ncat > "
            + dir.resolve("piped")
            + "\necho \"$1 $LOGNAME $SENDER $LOCAL_PART\" > "
            + dir.resolve("piped.env")
            + "\n");
    pipe.toFile().setExecutable(true);
    Files.writeString(dir.resolve("members"), "# members\ncarol\n");
    Files.writeString(
        dir.resolve("aliases"),
        "team: bob, \"|"
            + pipe
            + " tag\", "
            + dir.resolve("archive.mbox")
            + ",\n  :include:"
            + dir.resolve("members")
            + ", someone@remote.example\n"
            + "loop1: loop2\nloop2: loop1\n");
    Sandbox s = new Sandbox(dir.resolve("s"), "alias_file = \"" + dir.resolve("aliases") + "\"\n");
    s.run(msg("to the team"), "masq-inject", "-f", "alice@test.example", "team", "loop1").expect(0);
    assertEquals(List.of("to the team"), mbox(s.mailDir.resolve("bob")));
    assertEquals(List.of("to the team"), mbox(s.mailDir.resolve("carol")));
    assertEquals(List.of("to the team"), mbox(dir.resolve("archive.mbox")));
    assertTrue(Files.readString(dir.resolve("piped")).contains("Subject: to the team"));
    assertEquals(
        "tag team alice@test.example team", Files.readString(dir.resolve("piped.env")).strip());
    String bounce = Files.readString(s.mailDir.resolve("alice"));
    assertTrue(
        bounce.contains("loop detected")
            && bounce.contains("Final-Recipient: rfc822; loop1@test.example"),
        bounce);
    // the remote member waits for a route; the rest is never delivered twice
    List<String> ids = s.queuedIds();
    assertEquals(1, ids.size());
    String list = s.run("", "masq-queue").expect(0).out();
    assertTrue(list.contains("someone@remote.example (waiting for a route, 0 tries)"), list);
    s.run("", "masq-deliver").expect(0);
    assertEquals(1, mbox(s.mailDir.resolve("bob")).size());
    assertEquals(1, mbox(dir.resolve("archive.mbox")).size());
    assertEquals(1, Mailboxes.subjects("mbox", s.mailDir.resolve("alice")).size(), "one bounce");
  }

  @Test
  void unknownUsersFailUnlessSingleUser() throws Exception {
    Sandbox s = new Sandbox(dir, "run_as_user = false\n");
    s.run(msg("hello"), "masq-inject", "-f", "root@test.example", "nosuchuser4711", "root")
        .expect(0);
    List<String> got = mbox(s.mailDir.resolve("root"));
    assertEquals(2, got.size(), got.toString());
    String box = Files.readString(s.mailDir.resolve("root"));
    assertTrue(box.contains("unknown user nosuchuser4711") && box.contains("Status: 5.1.1"), box);
    assertEquals(List.of(), s.queuedIds());
  }

  @Test
  void hostileMailboxesFailCleanly() throws Exception {
    Sandbox s = new Sandbox(dir.resolve("s"), "");
    Path target = dir.resolve("target");
    Files.writeString(target, "keep\n");
    Files.createSymbolicLink(s.mailDir.resolve("bob"), target);
    Files.createDirectory(s.mailDir.resolve("dave"));
    Path erin = s.mailDir.resolve("erin");
    Files.writeString(erin, "");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      Sandbox.exec(List.of("chattr", "+i", erin.toString()), null, Map.of()).expect(0);
    } else {
      erin.toFile().setWritable(false);
    }
    try {
      s.run(msg("hostile"), "masq-inject", "-f", "alice@test.example", "bob", "dave", "erin")
          .expect(0);
    } finally {
      if (root) {
        Sandbox.exec(List.of("chattr", "-i", erin.toString()), null, Map.of()).expect(0);
      }
    }
    assertEquals("keep\n", Files.readString(target), "a symlinked mailbox is never followed");
    assertEquals(0, Files.size(erin));
    // the bounce folds long lines, and where it folds depends on the temporary path's length
    String bounce = Files.readString(s.mailDir.resolve("alice")).replaceAll("\\s+", " ");
    assertTrue(bounce.contains("is a symbolic link"), bounce);
    assertTrue(bounce.contains("mail/dave is not a regular file"), bounce);
    assertTrue(bounce.contains("erin: permission denied"), bounce);
    assertEquals(List.of(), s.queuedIds());
  }

  @Test
  void badAliasFilesAndTemplatesAreConfigurationErrors() throws Exception {
    Files.writeString(dir.resolve("aliases"), "good: bob\nthis line has no colon\n");
    Sandbox s = new Sandbox(dir.resolve("s"), "alias_file = \"" + dir.resolve("aliases") + "\"\n");
    Sandbox.Run r = s.run(msg("x"), "masq-inject", "bob").expect(0);
    assertTrue(r.stderr().contains("aliases:2: syntax error"), r.stderr());
    assertEquals(1, s.queuedIds().size(), "the message stays queued");
    r = s.run("", "masq-deliver").expect(78);
    assertTrue(
        r.stderr().startsWith("masq-deliver: ")
            && r.stderr().contains("aliases:2: syntax error")
            && r.stderr().lines().count() == 1,
        r.stderr());

    Files.writeString(dir.resolve("failmsg"), "From: x@${host_name}\n\nhello ${nosuch} there\n");
    Sandbox t = new Sandbox(dir.resolve("t"), "errmsg_file = \"" + dir.resolve("failmsg") + "\"\n");
    r = t.run("", "masq-deliver").expect(78);
    assertTrue(r.stderr().contains("failmsg:3: unknown variable ${nosuch}"), r.stderr());
  }

  @Test
  void aHangingMdaIsKilledAndDeferred() throws Exception {
    Sandbox s =
        new Sandbox(dir, "mbox_default = mda\nmda = \"/bin/sleep 613\"\nmda_timeout = 2s\n");
    s.run(msg("slow"), "masq-inject", "-odq", "carol").expect(0);
    long t0 = System.nanoTime();
    s.run("", "masq-deliver").expect(0);
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30));
    String list = s.run("", "masq-queue").expect(0).out();
    assertTrue(list.contains("timed out after 2s"), list);
    // a killed child can stay listed for a moment until it is reaped
    Await.until(
        "the MDA killed",
        () ->
            ProcessHandle.allProcesses()
                .noneMatch(
                    p -> p.isAlive() && p.info().commandLine().orElse("").contains("sleep 613")));
  }

  @Test
  void commandLineDryRunAndExitCodes() throws Exception {
    Sandbox s = new Sandbox(dir, "maildir_users = md\n");
    s.run(msg("dry"), "masq-inject", "-odq", "bob", "md", "far@remote.example").expect(0);
    String id = s.queuedIds().get(0);
    String env = s.envelope(id);
    String out = s.run("", "masq-deliver", "--dry-run").expect(0).out();
    assertTrue(out.contains("bob@test.example: mbox " + s.mailDir.resolve("bob")), out);
    assertTrue(out.contains("md@test.example: maildir " + s.mailDir.resolve("md")), out);
    assertTrue(out.contains("far@remote.example: remote, waiting for a route"), out);
    assertEquals(env, s.envelope(id), "--dry-run changes nothing");
    assertFalse(Files.exists(s.mailDir.resolve("bob")));

    Sandbox.Run r = s.run("", "masq-deliver", "--id", "Vc1AAAA-0000-00").expect(67);
    assertTrue(r.stderr().contains("Vc1AAAA-0000-00"), r.stderr());
    s.run("", "masq-deliver", "--id", "../../etc/passwd").expect(67);
    s.run("", "masq-deliver", "--bogus").expect(64);
    s.run("", "masq-deliver", "--daemon").expect(64);
    s.run("", "masq-deliver", "--route", "nowhere").expect(69);
    s.run("", "masq-deliver", "--id", id).expect(0);
    assertEquals(List.of("dry"), mbox(s.mailDir.resolve("bob")));
    String json = s.run("", "masq-queue", "list", "--json").expect(0).out();
    assertTrue(json.contains("\"last_error\": \"waiting for a route\""), json);
  }

  @Test
  void daemonDeliversAndStopsCleanlyOnSigterm() throws Exception {
    Sandbox s = new Sandbox(dir, "");
    Process p =
        new ProcessBuilder(
                Sandbox.bin("masq-deliver").toString(),
                "-C",
                s.conf.toString(),
                "--daemon",
                "--interval",
                "1s")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("daemon.out").toFile())
            .start();
    try {
      s.run(msg("d1"), "masq-inject", "-odq", "bob").expect(0);
      Path bob = s.mailDir.resolve("bob");
      Await.until("the daemon's delivery", () -> s.queuedIds().isEmpty());
      assertEquals(List.of("d1"), mbox(bob));
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the daemon ends on SIGTERM");
      assertEquals(0, p.exitValue(), Files.readString(dir.resolve("daemon.out")));
    } finally {
      p.destroyForcibly();
    }
    assertTrue(s.log().contains("daemon stopped"), s.log());
    s.run(msg("d2"), "masq-inject", "-odq", "bob").expect(0);
    s.run("", "masq-queue", "remove", s.queuedIds().get(0)).expect(0);
    s.run("", "masq-queue", "check").expect(0);
  }
}
