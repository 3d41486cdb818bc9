package masq.tests.remote;

import static masq.tests.remote.Msgs.msg;
import static masq.tests.remote.Msgs.outcomes;
import static masq.tests.remote.Msgs.send;
import static masq.tests.remote.Msgs.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import masq.deliver.remote.RecipientResult;
import masq.deliver.remote.RemoteSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pipe routes: a script per recipient, masqmail's variables, From_ line and From hack, exit codes.
 */
class PipeTest {
  @TempDir Path tmp;
  Path script;
  Path out;

  @BeforeEach
  void script() throws Exception {
    out = Files.createDirectories(tmp.resolve("out"));
    script = tmp.resolve("deliver.sh");
    Files.writeString(
        script,
        """
        #!/bin/sh
        out="$1/$2"
        printf '%s\\n' "$@" > "$out.args"
        env | grep -E '^(RETURN_PATH|LOCAL_PART|DOMAIN|MESSAGE_ID|HOME)=' | sort > "$out.env"
        cat > "$out.msg"
        echo "pipe says hi to $2" >&2
        case "$2" in temp@*) exit 75;; bad@*) exit 3;; esac
        exit 0
        """);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  String read(String name) throws Exception {
    return Files.readString(out.resolve(name), StandardCharsets.ISO_8859_1);
  }

  @Test
  void eachRecipientGetsItsOwnRunWithVariablesAndExitCodesDecide() throws Exception {
    RemoteSettings s =
        settings("uucp")
            .option(
                "pipe",
                script
                    + " "
                    + out
                    + " $rcpt '${return_path} is the sender' uid=$uid '\\$rcpt' $unknown")
            .option("pipe_fromline", true)
            .option("pipe_fromhack", true)
            .build();
    List<String> log = new CopyOnWriteArrayList<>();
    List<RecipientResult> rs =
        send(
            s,
            log,
            msg(
                "Q1",
                "joe@home.example",
                "From here\nFrom\nnot From here\nFrom the end",
                "ok@x.example",
                "temp@x.example",
                "bad@x.example"));
    assertEquals(
        List.of(
            "Q1 bad@x.example FAILED", "Q1 ok@x.example DELIVERED", "Q1 temp@x.example DEFERRED"),
        outcomes(rs));
    assertEquals("exit 3", rs.get(2).reply());
    assertEquals("pipe '" + s.route().transport().pipe() + "'", rs.get(0).host());
    assertEquals(
        out + "\nok@x.example\njoe@home.example is the sender\nuid=Q1\n$rcpt\n$unknown\n",
        read("ok@x.example.args"));
    assertEquals(
        "DOMAIN=x.example\nLOCAL_PART=ok\nMESSAGE_ID=Q1\nRETURN_PATH=joe@home.example\n",
        read("ok@x.example.env"));
    String m = read("ok@x.example.msg");
    assertTrue(
        m.matches(
            "(?s)From joe@home\\.example [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\n"
                + "From: joe@home.example\nSubject: test Q1\nMessage-ID: <Q1@test.example>\n\n"
                + ">From here\nFrom\nnot From here\n>From the end"),
        m);
    assertTrue(
        log.stream().anyMatch(l -> l.contains("pipe says hi to temp@x.example")), log.toString());
  }

  @Test
  void withoutFromLineTheMessageIsAsStoredAndACommandThatCannotRunDefers() throws Exception {
    RemoteSettings s = settings("uucp").option("pipe", script + " " + out + " $rcpt").build();
    send(s, msg("Q2", "", "From here\n", "ok@x.example"));
    assertEquals(
        "From: \nSubject: test Q2\nMessage-ID: <Q2@test.example>\n\nFrom here\n",
        read("ok@x.example.msg"));
    TestRoute missing = settings("uucp").option("pipe", "/nonexistent/cmd $rcpt");
    List<RecipientResult> rs =
        send(missing.build(), msg("Q3", "joe@home.example", "x\n", "ok@x.example"));
    assertEquals(List.of("Q3 ok@x.example DEFERRED"), outcomes(rs));
    assertTrue(rs.get(0).reply().startsWith("cannot run pipe command"), rs.get(0).reply());
    rs =
        send(
            missing.option("connect_error_fail", true).build(),
            msg("Q4", "joe@home.example", "x\n", "ok@x.example"));
    assertEquals(List.of("Q4 ok@x.example FAILED"), outcomes(rs));
  }

  @Test
  void aMessageThatCannotBeReadIsNeverHandedOverAsComplete() throws Exception {
    RemoteSettings s = settings("uucp").option("pipe", script + " " + out + " $rcpt").build();
    masq.deliver.remote.OutgoingMessage ok = msg("Q6", "joe@home.example", "x\n", "ok@x.example");
    masq.deliver.remote.OutgoingMessage unopenable =
        masq.deliver.remote.OutgoingMessage.of(
            "Q6",
            ok.returnPath(),
            ok.recipients(),
            ok.headers(),
            () -> {
              throw new java.nio.file.NoSuchFileException("/spool/queue/Q6.msg");
            },
            false,
            10);
    List<RecipientResult> rs = send(s, unopenable);
    assertEquals(List.of("Q6 ok@x.example DEFERRED"), outcomes(rs));
    assertTrue(!Files.exists(out.resolve("ok@x.example.args")), "the command did not run");
    byte[] part = ("y".repeat(100_000) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    masq.deliver.remote.OutgoingMessage breaks =
        masq.deliver.remote.OutgoingMessage.of(
            "Q7",
            ok.returnPath(),
            ok.recipients(),
            ok.headers(),
            () ->
                new java.io.SequenceInputStream(
                    new java.io.ByteArrayInputStream(part),
                    new java.io.InputStream() {
                      @Override
                      public int read() throws java.io.IOException {
                        throw new java.io.IOException("disk error");
                      }
                    }),
            false,
            10);
    rs = send(s, breaks);
    assertEquals(List.of("Q7 ok@x.example DEFERRED"), outcomes(rs));
    assertEquals("cannot read message Q7: disk error", rs.get(0).reply());
  }

  @Test
  void aCommandThatHangsIsKilledAndDeferred() {
    Msgs.assertDeferredSoon(
        settings("uucp").option("pipe", "/bin/sleep 30"),
        Duration.ofMillis(500),
        "pipe command timed out");
  }
}
