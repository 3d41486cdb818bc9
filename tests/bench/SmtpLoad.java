import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP load for masq-smtpd's intake with and without DSN parameters and SMTPUTF8
 * (tests/bench/parts/45-smtpd-dsn.sh), where smtp-source cannot send them: SESSIONS threads, one
 * connection per message as {@code smtp-source -s SESSIONS} makes them (greeting, EHLO, MAIL, RCPT,
 * DATA, the message, QUIT, each waiting for its reply), MESSAGES in all. MODE is {@code plain},
 * {@code dsn} ({@code RET=HDRS ENVID=...} and {@code NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;...}) or
 * {@code utf8} ({@code SMTPUTF8}, UTF-8 addresses and a UTF-8 Subject). Run as {@code java
 * SmtpLoad.java PORT SESSIONS MESSAGES MODE}; prints msgs/s; exits 1 when a reply was not 2xx/3xx.
 */
public class SmtpLoad {
  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    int sessions = Integer.parseInt(a[1]);
    int messages = Integer.parseInt(a[2]);
    String mode = a[3];
    String[] cmds =
        switch (mode) {
          case "plain" -> new String[] {"MAIL FROM:<a@bench.example>", "RCPT TO:<b@bench.example>"};
          case "dsn" ->
              new String[] {
                "MAIL FROM:<a@bench.example> RET=HDRS ENVID=bench+2B0001",
                "RCPT TO:<b@bench.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b+2Bold@bench.example"
              };
          case "utf8" ->
              new String[] {
                "MAIL FROM:<j\u00f8ran@bench.example> SMTPUTF8",
                "RCPT TO:<\u7528\u6237@bench.example>"
              };
          default -> throw new IllegalArgumentException("mode plain, dsn or utf8");
        };
    String subject = mode.equals("utf8") ? "Subject: hei \u4f60\u597d" : "Subject: bench";
    byte[] data =
        (subject + "\r\nFrom: a@bench.example\r\n\r\n" + "x".repeat(70) + "\r\n.\r\n")
            .getBytes(StandardCharsets.UTF_8);
    AtomicInteger left = new AtomicInteger(messages);
    ExecutorService pool = Executors.newFixedThreadPool(sessions);
    long t0 = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      fs.add(
          pool.submit(
              () -> {
                while (left.getAndDecrement() > 0) {
                  try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    BufferedReader in =
                        new BufferedReader(
                            new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream out = s.getOutputStream();
                    reply(in);
                    cmd(out, in, "EHLO bench.example");
                    cmd(out, in, cmds[0]);
                    cmd(out, in, cmds[1]);
                    cmd(out, in, "DATA");
                    out.write(data);
                    out.flush();
                    reply(in);
                    cmd(out, in, "QUIT");
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    long ms = Math.max(1, (System.nanoTime() - t0) / 1_000_000);
    pool.shutdown();
    System.out.println(messages * 1000L / ms);
  }

  static void cmd(OutputStream out, BufferedReader in, String line) throws Exception {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    reply(in);
  }

  static void reply(BufferedReader in) throws Exception {
    String l;
    do {
      l = in.readLine();
      if (l == null || l.length() < 4 || l.charAt(0) > '3') {
        throw new IllegalStateException("unexpected reply: " + l);
      }
    } while (l.charAt(3) == '-');
  }
}
