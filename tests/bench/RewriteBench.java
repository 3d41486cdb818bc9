import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.MasqException;
import masq.address.Address;
import masq.config.Config;
import masq.rewrite.HeaderSection;
import masq.rewrite.Rewriter;
import masq.rewrite.Rewritten;
import masq.route.Route;

/**
 * The in-process rewrite benchmark of {@code make bench} (tests/bench/parts/30-rewrite.sh): a
 * corpus of 1,000 varied messages (LF and CRLF, lists, display names, comments, 8-bit text, local
 * and foreign addresses), each read, rewritten for a route with rules for every header, and written
 * out, many rounds after a warm-up. Prints table rows. Not part of masq: the bench part compiles it
 * against build/'s jars.
 */
public final class RewriteBench {
  private RewriteBench() {}

  public static void main(String[] args) throws Exception {
    Config cfg =
        Config.parse(
            "host_name = pc.home.lan\nlocal_hosts = localhost;pc;pc.home.lan;*.home.lan\n",
            Path.of("/bench/masq.conf"),
            Map.of("HOME", "/tmp"),
            false);
    Route route =
        Route.parse(
            "map_h_from_addresses = john: John Smith <jsmith@isp.example>; ann*: *@isp.example\n"
                + "map_return_path_addresses = john: jsmith@isp.example\n"
                + "map_h_reply_to_addresses = [a-m]*: replies@isp.example\n"
                + "map_outgoing_addresses = root: admin@isp.example; *: *@isp.example\n",
            Path.of("/bench/isp.route"),
            false);
    List<byte[]> corpus = corpus(1000);
    Rewriter rw = new Rewriter(route, cfg);
    long bytes = corpus.stream().mapToLong(b -> b.length).sum();
    // warm-up, then measured rounds: whole filter path, and the rewriting step alone
    long[] sink = new long[1];
    for (int i = 0; i < 20; i++) {
      round(corpus, rw, sink, true);
    }
    int rounds = 20;
    long withRewrite = Long.MAX_VALUE;
    long without = Long.MAX_VALUE;
    for (int rep = 0; rep < 5; rep++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        round(corpus, rw, sink, true);
      }
      withRewrite = Math.min(withRewrite, System.nanoTime() - t0);
      t0 = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        round(corpus, rw, sink, false);
      }
      without = Math.min(without, System.nanoTime() - t0);
    }
    List<HeaderSection> sections = new ArrayList<>();
    for (byte[] m : corpus) {
      sections.add(HeaderSection.read(new BufferedInputStream(new ByteArrayInputStream(m))));
    }
    Address rp = new Address("john", "pc.home.lan");
    long t0 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      for (HeaderSection s : sections) {
        sink[0] += rw.rewrite(s.headers(), rp).headers().size();
      }
    }
    long alone = System.nanoTime() - t0;
    int n = corpus.size() * rounds;
    System.out.printf(
        "| rewrite in process: read, rewrite, write %,d messages (%.1f KB avg) | %,.0f msgs/s | "
            + "%.1f µs per message (best of 5 x %d rounds); the same without rewriting %.1f µs |%n",
        corpus.size(),
        bytes / 1024.0 / corpus.size(),
        n / (withRewrite / 1e9),
        withRewrite / 1e3 / n,
        rounds,
        without / 1e3 / n);
    System.out.printf(
        "| rewriting alone (Rewriter.rewrite per message, headers parsed) | %.1f µs per message | "
            + "target < 1000 µs; %,.0f msgs/s |%n",
        alone / 1e3 / n, n / (alone / 1e9));
    if (sink[0] == 42) {
      System.out.println();
    }
  }

  private static void round(List<byte[]> corpus, Rewriter rw, long[] sink, boolean rewrite)
      throws IOException, MasqException {
    Address rp = new Address("john", "pc.home.lan");
    Counter out = new Counter();
    for (byte[] m : corpus) {
      BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(m), 1 << 16);
      HeaderSection s = HeaderSection.read(in);
      Rewritten r =
          rewrite
              ? rw.rewrite(s.headers(), rp)
              : new Rewritten(s.headers(), rp, List.of(), List.of());
      s.write(r.headers(), out);
      in.transferTo(out);
    }
    sink[0] += out.count;
  }

  /** An output stream that only counts, so the benchmark measures masq and not a disk. */
  private static final class Counter extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  static List<byte[]> corpus(int n) {
    String[] froms = {
      "john",
      "John <john@pc.home.lan>",
      "ann.lee@localhost",
      "someone@example.org",
      "\"=?UTF-8?Q?J=C3=BCrgen?=\" <juergen>",
      "root (Cron Daemon)",
      "Bob <bob@nas.home.lan>"
    };
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String nl = i % 3 == 0 ? "\r\n" : "\n";
      StringBuilder sb = new StringBuilder();
      sb.append("Received: from pc.home.lan by gw.home.lan with ESMTP id ")
          .append(i)
          .append(';')
          .append(nl)
          .append("\tWed, 25 Nov 2026 21:00:00 +0000")
          .append(nl);
      sb.append("From: ").append(froms[i % froms.length]).append(nl);
      if (i % 4 == 0) {
        sb.append("Sender: john").append(nl);
      }
      sb.append("Reply-To: ")
          .append(froms[(i + 2) % froms.length])
          .append(", x@example.org")
          .append(nl);
      if (i % 5 == 0) {
        sb.append("Mail-Followup-To: ann, bob@pc.home.lan,")
            .append(nl)
            .append("\tlist@lists.example, carl")
            .append(nl);
      }
      sb.append("To: friend").append(i).append("@example.org, john").append(nl);
      sb.append("Subject: message ").append(i).append(" gr\u00fc\u00dfe").append(nl);
      sb.append("Date: Wed, 25 Nov 2026 21:00:00 +0000").append(nl);
      sb.append("Message-ID: <").append(i).append("@pc.home.lan>").append(nl);
      sb.append("MIME-Version: 1.0")
          .append(nl)
          .append("Content-Type: text/plain; charset=utf-8")
          .append(nl);
      sb.append(nl);
      int lines = 20 + (i * 37) % 200;
      for (int l = 0; l < lines; l++) {
        sb.append("Line ")
            .append(l)
            .append(" of the body of message ")
            .append(i)
            .append(", some text to make it a little longer.")
            .append(nl);
      }
      out.add(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }
}
