package masq.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import masq.smtp.Reply;
import masq.smtp.SmtpInput;

/**
 * Helpers for the masq-smtpd tests: a standalone server process on a free loopback port, socat
 * running it in inetd mode, and a raw socket client that sends exactly the bytes a test gives it
 * (for hostile input).
 */
public final class SmtpPeer {
  private SmtpPeer() {}

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * socat listening on 127.0.0.1:{@code port}, forking {@code exec} (one masq-smtpd in inetd mode)
   * per connection, its output in socat.out in the sandbox; returns the socat process.
   */
  static Process socat(Sandbox sb, int port, String exec) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder("socat", "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork", exec)
            .redirectErrorStream(true)
            .redirectOutput(sb.dir.resolve("socat.out").toFile());
    pb.environment().remove("MASQ_CONF");
    Process p = pb.start();
    Await.port("127.0.0.1", port, p);
    return p;
  }

  /** SIGTERM, then up to 10 s for {@code p} to end. */
  static void stop(Process p) throws InterruptedException {
    p.destroy();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  /** A masq-smtpd --listen process. */
  public static final class Listener implements AutoCloseable {
    public final Process process;
    public final int port;
    final Path stderr;
    final Path pidFile;

    public Listener(Sandbox sb, Map<String, String> env, String... extra)
        throws IOException, InterruptedException {
      this.port = freePort();
      this.stderr = sb.dir.resolve("smtpd-" + port + ".err");
      this.pidFile = sb.dir.resolve("smtpd-" + port + ".pid");
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  Sandbox.bin("masq-smtpd").toString(),
                  "-C",
                  sb.conf.toString(),
                  "--listen",
                  "127.0.0.1:" + port,
                  "--pidfile",
                  pidFile.toString()));
      cmd.addAll(List.of(extra));
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(stderr.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().remove("MASQ_CONF");
      pb.environment().putAll(env);
      this.process = pb.start();
      Await.port("127.0.0.1", port, process);
      // the pid file is written just after the server starts listening
      Await.until(
          "masq-smtpd's pid file",
          () -> !process.isAlive() || (Files.exists(pidFile) && Files.size(pidFile) > 0));
    }

    public String output() throws IOException {
      return Files.exists(stderr) ? Files.readString(stderr) : "";
    }

    /** SIGTERM, then the exit code (within 60 s). */
    int terminate() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroy();
        try {
          if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
          }
        } catch (InterruptedException e) {
          process.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * A self-signed certificate and key for test.example (and 127.0.0.1), made with openssl as
   * DIR/cert.pem and DIR/key.pem: {cert, key}.
   */
  public static Path[] selfSignedCertificate(Path dir) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Sandbox.exec(
            List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=test.example",
                "-addext",
                "subjectAltName=DNS:test.example,IP:127.0.0.1"),
            new byte[0],
            Map.of())
        .expect(0);
    return new Path[] {cert, key};
  }

  /** A client that sends raw bytes and reads replies. */
  static final class Client implements AutoCloseable {
    /** The longest reply line read. */
    private static final int MAX_REPLY_LINE = 4096;

    final Socket socket;
    final OutputStream out;
    final SmtpInput in;

    /** Connects from {@code localAddress} (e.g. 127.0.0.2) to 127.0.0.1:port. */
    Client(int port, String localAddress) throws IOException {
      socket = new Socket();
      if (localAddress != null) {
        socket.bind(new InetSocketAddress(localAddress, 0));
      }
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(20_000);
      out = socket.getOutputStream();
      InputStream raw = socket.getInputStream();
      in = new SmtpInput(raw);
    }

    Client(int port) throws IOException {
      this(port, null);
    }

    /**
     * Reads one reply, all its lines, strictly: a line that is not a reply line, a code that
     * changes within the reply or the end of input is an IOException. (masq's own reader of replies
     * is the client's, which this package cannot reach.)
     */
    Reply reply() throws IOException {
      List<String> texts = new ArrayList<>();
      int code = -1;
      while (true) {
        SmtpInput.Line line = in.readLine(MAX_REPLY_LINE);
        if (line == null) {
          throw new IOException("connection closed while waiting for a reply");
        }
        String t = line.text();
        if (line.tooLong() || !t.matches("(?s)[2-5][0-9][0-9]([ -].*)?")) {
          throw new IOException("not an SMTP reply: " + t);
        }
        int c = Integer.parseInt(t.substring(0, 3));
        if (code >= 0 && c != code) {
          throw new IOException("reply code changed within a reply: " + t);
        }
        code = c;
        texts.add(t.length() > 4 ? t.substring(4) : "");
        if (t.length() == 3 || t.charAt(3) == ' ') {
          return new Reply(code, texts);
        }
      }
    }

    void send(String s) throws IOException {
      send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] b) throws IOException {
      out.write(b);
      out.flush();
    }

    /** Sends one command line (CRLF added) and reads its reply. */
    Reply cmd(String line) throws IOException {
      send(line + "\r\n");
      return reply();
    }

    /**
     * Reads the greeting and opens a message from a@pc.lan to bob@test.example up to DATA's 354.
     */
    void startData() throws IOException {
      reply();
      for (String line :
          new String[] {"EHLO x", "MAIL FROM:<a@pc.lan>", "RCPT TO:<bob@test.example>"}) {
        Reply r = cmd(line);
        if (r.code() != 250) {
          throw new IOException(line + ": " + r);
        }
      }
      Reply r = cmd("DATA");
      if (r.code() != 354) {
        throw new IOException("DATA: " + r);
      }
    }

    /** True when the server has closed the connection (EOF within the socket timeout). */
    boolean closedByServer() {
      try {
        return socket.getInputStream().read() < 0;
      } catch (IOException e) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
