package masq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 during injection, and parallel injectors: nothing acknowledged is lost or torn. */
class CrashAndConcurrencyTest {
  @TempDir Path dir;

  private static String message(int n) {
    StringBuilder sb = new StringBuilder("Subject: crash-" + n + "\n\n");
    for (int i = 0; i < 4000; i++) {
      sb.append("message ")
          .append(n)
          .append(" line ")
          .append(i)
          .append(" padding padding padding\n");
    }
    return sb.toString();
  }

  /** The queued message whose Subject is crash-N, by id. */
  private static Map<Integer, String> bySubject(Sandbox box) throws Exception {
    Map<Integer, String> out = new HashMap<>();
    for (String id : box.queuedIds()) {
      String msg = box.message(id);
      int s = msg.indexOf("\nSubject: crash-");
      int e = msg.indexOf('\n', s + 1);
      out.put(Integer.parseInt(msg.substring(s + "\nSubject: crash-".length(), e)), id);
    }
    return out;
  }

  /** masq-inject given message(n) in 8 chunks 4 ms apart, as a slow client writes. */
  private record Injection(Process p, Thread feeder) {
    static Injection start(Sandbox box, int n) throws Exception {
      Process p =
          new ProcessBuilder(
                  Sandbox.bin("masq-inject").toString(), "-C", box.conf.toString(), "-i", "a@b")
              .redirectErrorStream(true)
              .start();
      byte[] data = message(n).getBytes(StandardCharsets.US_ASCII);
      Thread feeder =
          new Thread(() -> {
            try (OutputStream out = p.getOutputStream()) {
              int chunk = data.length / 8;
              for (int off = 0; off < data.length; off += chunk) {
                out.write(data, off, Math.min(chunk, data.length - off));
                out.flush();
                Thread.sleep(4);
              }
            } catch (Exception ignored) {
              // killed while writing
            }
          });
      feeder.start();
      return new Injection(p, feeder);
    }

    void finish() throws Exception {
      feeder.join();
      p.getInputStream().close();
    }
  }

  @Test
  void killNineDuringInjection200Times() throws Exception {
    Sandbox box = new Sandbox(dir, "do_queue = true\n");
    Random rnd = new Random(42);
    Set<Integer> acknowledged = new HashSet<>();
    int killed = 0;
    // how long one injection takes here and now (a loaded machine is slower): the kills are
    // spread over about 0.2 to 2.2 times that, so that some writers die and some finish whatever
    // the load
    long[] took = new long[3];
    for (int i = 0; i < took.length; i++) {
      long t0 = System.nanoTime();
      Injection calib = Injection.start(box, 1000 + i);
      assertEquals(0, calib.p.waitFor(), "an injection left alone succeeds");
      calib.finish();
      took[i] = (System.nanoTime() - t0) / 1_000_000;
    }
    Arrays.sort(took);
    int span = (int) Math.max(120, 2 * took[1]);
    System.out.println(
        "crash test: one injection takes " + took[1] + " ms; kills within " + span + " ms");
    for (int n = 0; n < 200; n++) {
      Injection inj = Injection.start(box, n);
      Process p = inj.p;
      Thread.sleep(Math.max(20, span / 10) + rnd.nextInt(span));
      boolean finished = p.waitFor(0, TimeUnit.MILLISECONDS);
      if (!finished) {
        p.destroyForcibly();
        killed++;
      }
      p.waitFor(30, TimeUnit.SECONDS);
      inj.finish();
      if (finished && p.exitValue() == 0) {
        acknowledged.add(n);
      }
    }
    System.out.println(
        "crash test: " + killed + " killed, " + acknowledged.size() + " acknowledged");
    assertTrue(killed >= 50, "the test must actually kill writers: " + killed);
    assertTrue(acknowledged.size() >= 5, "and let some finish: " + acknowledged.size());

    // list works and shows no partial message
    box.run("", "masq-queue", "list").expect(0);
    Sandbox.Run check = box.run("", "masq-queue", "check");
    System.out.println(
        "crash test: check found "
            + check.out().lines().filter(l -> l.startsWith("problem: ")).count()
            + " leftovers");
    for (String line : check.out().lines().filter(l -> l.startsWith("problem: ")).toList()) {
      // a writer killed before its commit leaves its tmp/ file; one killed after the commit (the
      // link into queue/) and before unlinking the tmp/ name leaves that second name
      assertTrue(
          line.startsWith("problem: stale temporary file tmp/")
              || line.startsWith("problem: second name of a queued message tmp/"),
          line);
    }
    box.run("", "masq-queue", "check", "--repair").expect(0);
    String clean = box.run("", "masq-queue", "check").expect(0).out();
    assertTrue(clean.contains(" 0 problem(s)"), clean);

    // every acknowledged message is there and intact; nothing else is torn
    Map<Integer, String> queued = bySubject(box);
    for (int n : acknowledged) {
      assertTrue(queued.containsKey(n), "acknowledged message " + n + " lost");
    }
    for (Map.Entry<Integer, String> e : queued.entrySet()) {
      String msg = box.message(e.getValue());
      assertTrue(
          msg.endsWith(message(e.getKey()).substring(message(e.getKey()).indexOf("\n\n"))),
          "message " + e.getKey() + " is torn");
    }
  }

  @Test
  void eightParallelInjectorsTimesHundred() throws Exception {
    Sandbox box = new Sandbox(dir, "do_queue = true\n");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int worker = t;
      results.add(
          pool.submit(() -> {
            int ok = 0;
            for (int i = 0; i < 100; i++) {
              Sandbox.Run r =
                  box.run(
                      "Subject: w" + worker + "-" + i + "\n\nbody\n", "masq-inject", "-i", "a@b");
              if (r.exit() == 0) {
                ok++;
              } else {
                System.err.println(r.stderr());
              }
            }
            return ok;
          }));
    }
    int ok = 0;
    for (Future<Integer> f : results) {
      ok += f.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();
    assertEquals(800, ok);
    List<String> ids = box.queuedIds();
    assertEquals(800, ids.size());
    assertEquals(800, new HashSet<>(ids).size());
    Set<String> subjects = new HashSet<>();
    for (String id : ids) {
      String m = box.message(id);
      int s = m.indexOf("\nSubject: ");
      subjects.add(m.substring(s, m.indexOf('\n', s + 1)));
    }
    assertEquals(800, subjects.size(), "each message exactly once");
    assertTrue(
        box.run("", "masq-queue", "check")
            .expect(0)
            .out()
            .contains("800 message(s), 0 problem(s)"));
  }
}
