package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UTF-8 is never silently replaced, end to end: ten byte forms that are not UTF-8 sent by a raw
 * socket to the real masq-smtpd with SMTPUTF8 (553 5.6.7, nothing queued), given to masq-inject and
 * sendmail as arguments and in a -t header (exit 65, the argument named with \xNN), and masq's own
 * header text for UTF-8 addresses read back from the delivered mbox by Python's email.
 */
class InvalidUtf8Test {
  @TempDir Path tmp;

  /** The bytes between "twin" and "@server.test", in hex; and as masq shows them. */
  static final List<String[]> FORMS =
      List.of(
          new String[] {"ff", "\\xff"},
          new String[] {"fe", "\\xfe"},
          new String[] {"c3", "\\xc3"}, // cut short
          new String[] {"80", "\\x80"}, // a lone continuation byte
          new String[] {"c0af", "\\xc0\\xaf"}, // overlong
          new String[] {"e080af", "\\xe0\\x80\\xaf"}, // overlong, three bytes
          new String[] {"eda080", "\\xed\\xa0\\x80"}, // a surrogate
          new String[] {"f4908080", "\\xf4\\x90\\x80\\x80"}, // above U+10FFFF
          new String[] {"f888808080", "\\xf8\\x88\\x80\\x80\\x80"}, // 5 bytes
          new String[] {"fc8480808080", "\\xfc\\x84\\x80\\x80\\x80\\x80"}); // 6 bytes

  private Sandbox box() throws Exception {
    return new Sandbox(tmp.resolve("box"), "local_hosts = \"test.example;server.test\"\n");
  }

  private static List<String> hexes() {
    return FORMS.stream().map(f -> f[0]).toList();
  }

  private static List<String> python(String script, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Sandbox.PYTHON, "-c", script));
    cmd.addAll(args);
    Sandbox.Run r = Sandbox.exec(cmd, new byte[0], Map.of()).expect(0);
    return List.of(r.out().strip().split("\n"));
  }

  private static void assertNothingQueuedOrDelivered(Sandbox sb) throws Exception {
    assertEquals(List.of(), sb.queuedIds(), sb.log());
    try (var s = Files.list(sb.mailDir)) {
      assertEquals(List.of(), s.toList(), "no mailbox made");
    }
    assertFalse(sb.log().contains("\ufffd"), sb.log());
  }

  private static final String RAW_CLIENT =
      """
      import socket, sys
      forms = [bytes.fromhex(h) for h in sys.argv[2:]]
      s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
      f = s.makefile("rb")
      def reply():
          while True:
              l = f.readline()
              if l[3:4] != b"-":
                  return l.decode("ascii").rstrip("\\r\\n")
      def cmd(c):
          s.sendall(c + b"\\r\\n")
          return reply()
      reply()
      cmd(b"EHLO client.example")
      for b in forms:
          print("MAIL " + cmd(b"MAIL FROM:<twin" + b + b"@server.test> SMTPUTF8"))
          cmd(b"NOOP")
      print("MAIL " + cmd(b"MAIL FROM:<alice@server.test> SMTPUTF8"))
      for b in forms:
          print("RCPT " + cmd(b"RCPT TO:<twin" + b + b"@server.test>"))
          cmd(b"NOOP")
      print("ORCPT " + cmd(b"RCPT TO:<bob@server.test> ORCPT=utf-8;j\\xff@x"))
      print("ORCPT " + cmd(b"RCPT TO:<bob@server.test> ORCPT=rfc822;j+FF@x"))
      print("EHLO " + cmd(b"EHLO m\\xffe.example"))
      print("DATA " + cmd(b"DATA"))
      print("QUIT " + cmd(b"QUIT"))
      """;

  @Test
  void eachInvalidFormInMailAndRcptGets553AndNothingIsQueued() throws Exception {
    Sandbox sb = box();
    List<String> lines;
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      List<String> args = new ArrayList<>(List.of(Integer.toString(srv.port)));
      args.addAll(hexes());
      lines = python(RAW_CLIENT, args);
    }
    List<String> want = new ArrayList<>();
    for (String[] f : FORMS) {
      want.add(
          "MAIL 553 5.6.7 invalid address '<twin"
              + f[1]
              + "@server.test>': not valid UTF-8 (RFC 6531)");
    }
    want.add("MAIL 250 2.1.0 sender <alice@server.test> OK");
    for (String[] f : FORMS) {
      want.add(
          "RCPT 553 5.6.7 invalid address '<twin"
              + f[1]
              + "@server.test>': not valid UTF-8 (RFC 6531)");
    }
    want.add("ORCPT 501 5.5.4 syntax: ORCPT=addr-type;xtext, of UTF-8 bytes");
    want.add("ORCPT 501 5.5.4 syntax: ORCPT=addr-type;xtext, of UTF-8 bytes");
    want.add("EHLO 501 5.5.4 syntax: EHLO your-host-name");
    want.add("DATA 554 5.5.1 no valid recipients");
    want.add("QUIT 221 2.0.0 test.example closing connection");
    assertEquals(want, lines);
    assertNothingQueuedOrDelivered(sb);
  }

  private static final String ARGS_CLIENT =
      """
      import subprocess, sys
      conf = sys.argv[1]
      for tool in ("masq-inject", "sendmail"):
          for h in sys.argv[3:]:
              addr = b"twin" + bytes.fromhex(h) + b"@server.test"
              for args in ([addr], [b"-f", addr, b"bob@server.test"], [b"-t"]):
                  data = b"Subject: x\\n" + (b"To: " + addr + b"\\n" if args == [b"-t"] else b"")
                  r = subprocess.run([(sys.argv[2] + "/" + tool).encode(), b"-C", conf.encode(),
                                      b"-odq"] + args, input=data + b"\\nbody\\n",
                                     capture_output=True, timeout=60)
                  print("%d %s" % (r.returncode, r.stderr.decode("ascii").strip()))
      r = subprocess.run([(sys.argv[2] + "/masq-inject").encode(), b"-C", conf.encode(), b"-odq",
                          b"-F", b"J\\xffran", b"bob@server.test"], input=b"Subject: x\\n\\nbody\\n",
                         capture_output=True, timeout=60)
      print("%d %s" % (r.returncode, r.stderr.decode("ascii").strip()))
      """;

  @Test
  void masqInjectAndSendmailRefuseSuchArgumentsAndHeadersWith65() throws Exception {
    Sandbox sb = box();
    List<String> args =
        new ArrayList<>(List.of(sb.conf.toString(), Sandbox.HOME.resolve("bin").toString()));
    args.addAll(hexes());
    List<String> lines = python(ARGS_CLIENT, args);
    List<String> want = new ArrayList<>();
    for (String tool : List.of("masq-inject", "sendmail")) { // each speaks under its own name
      for (String[] f : FORMS) {
        String a = "twin" + f[1] + "@server.test";
        want.add("65 " + tool + ": invalid address '" + a + "': not valid UTF-8");
        want.add("65 " + tool + ": invalid address '" + a + "': not valid UTF-8");
        want.add(
            "65 " + tool + ": unreadable address in To: header: '" + a + "' (not valid UTF-8)");
      }
    }
    want.add("65 masq-inject: invalid full name 'J\\xffran': not valid UTF-8");
    assertEquals(want, lines);
    assertNothingQueuedOrDelivered(sb);
  }

  @Test
  void aSemicolonOutsideAGroupAndADoubledAtAreNamed() throws Exception {
    Sandbox sb = box();
    Sandbox.Run r = sb.run("Subject: x\n\nbody\n", "masq-inject", "bob;eve@evil.example");
    r.expect(65);
    assertEquals(
        "masq-inject: invalid address 'bob;eve@evil.example': ';' outside a group\n", r.stderr());
    r = sb.run("Subject: x\n\nbody\n", "masq-inject", "bad@@example..org").expect(65);
    assertEquals("masq-inject: invalid address 'bad@@example..org': '@' twice\n", r.stderr());
    r = sb.run("Subject: x\n\nbody\n", "masq-inject", "bad@example..org").expect(65);
    assertEquals(
        "masq-inject: invalid address 'bad@example..org': empty domain label\n", r.stderr());
    assertNothingQueuedOrDelivered(sb);
  }

  @Test
  void argumentsAreReadAsTheirBytesEvenInTheCLocale() throws Exception {
    Sandbox sb = box();
    // in the C locale the JVM decodes argv as ASCII: j\xc3\xb8ran would reach Java as j??ran
    String script =
        """
        import os, subprocess, sys
        env = dict(os.environ, LC_ALL="C", LANG="C")
        r = subprocess.run([sys.argv[1], "-C", sys.argv[2], "-odq", "-f",
                            b"j\\xc3\\xb8ran@server.test", b"\\xe7\\x94\\xa8@server.test"],
                           input=b"Subject: c\\n\\nbody\\n", env=env, capture_output=True,
                           timeout=60)
        print(r.returncode, r.stderr.decode("ascii", "backslashreplace").strip())
        """;
    List<String> out =
        python(script, List.of(Sandbox.bin("masq-inject").toString(), sb.conf.toString()));
    assertEquals(List.of("0"), out);
    String env = sb.envelope(sb.queuedIds().get(0));
    assertTrue(env.contains("sender\t<j\u00f8ran@server.test>\n"), env);
    assertTrue(env.contains("<\u7528@server.test>"), env);
  }

  private static final String READ_MBOX =
      """
      import email, email.policy, mailbox, sys
      for key in mailbox.mbox(sys.argv[1], create=False).keys():
          data = mailbox.mbox(sys.argv[1], create=False).get_bytes(key)
          msg = email.message_from_string(data.decode("utf-8"), policy=email.policy.default)
          print("From: " + str(msg["From"]))
          print("Received: " + " ".join(msg.get_all("Received")[0].split()))
      """;

  @Test
  void masqsOwnHeaderTextIsUtf8OnceFromInjectAndSmtpd() throws Exception {
    Sandbox sb = box();
    String nordic = "j\u00f8ran@server.test";
    String chinese = "\u7528\u6237@server.test";
    sb.run("Subject: one\n\nbody\n", "masq-inject", "-odq", "-f", nordic, chinese).expect(0);
    String id = sb.queuedIds().get(0);
    String env = sb.envelope(id);
    assertTrue(env.contains("bodytype\t8BITMIME\n"), "masq's UTF-8 From: makes 8-bit data: " + env);
    assertTrue(env.contains("smtputf8\t1\n"), env);
    String script =
        """
        import smtplib, sys
        s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
        r = s.sendmail(sys.argv[2], [sys.argv[3]], b"Subject: two\\r\\n\\r\\nbody\\r\\n",
                       mail_options=["SMTPUTF8"])
        assert r == {}, r
        s.quit()
        """;
    try (SmtpPeer.Listener srv = new SmtpPeer.Listener(sb, Map.of(), "-odq")) {
      python(script, List.of(Integer.toString(srv.port), nordic, chinese));
    }
    sb.run("", "masq-deliver").expect(0);
    Path mbox = sb.mailDir.resolve("\u7528\u6237");
    assertTrue(Files.exists(mbox), sb.log());
    List<String> lines = python(READ_MBOX, List.of(mbox.toString()));
    assertEquals(4, lines.size(), lines.toString());
    for (int i = 0; i < 4; i += 2) {
      assertEquals("From: " + nordic, lines.get(i), lines.toString());
      assertTrue(lines.get(i + 1).contains(" for <" + chinese + ">; "), lines.toString());
    }
    String raw = Files.readString(mbox, StandardCharsets.UTF_8);
    assertFalse(raw.contains("\u00c3"), "nothing encoded twice: " + raw);
  }
}
