import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The disk's ceiling for masq-smtpd's intake (tests/bench/parts/40-smtpd.sh): the spool's commit
 * protocol alone (spool-format.md: write the message and its envelope to one file in tmp/, fsync
 * it, link it into queue/, one fsync of queue/ shared by whoever waits, unlink the tmp/ name), by
 * THREADS threads in Java, without SMTP, in DIR/tmp and DIR/queue (made when missing). Run as
 * {@code java CommitFloor.java DIR THREADS MESSAGES}; prints msgs/s.
 */
public class CommitFloor {
  static Path tmp;
  static Path queue;
  static long started;
  static long finished;
  static boolean running;

  /** One fsync of queue/ that began after this call, shared with every thread waiting for one. */
  static void syncQueue() throws Exception {
    long target;
    synchronized (CommitFloor.class) {
      target = started + 1;
      while (true) {
        if (finished >= target) {
          return;
        }
        if (!running) {
          running = true;
          target = ++started;
          break;
        }
        CommitFloor.class.wait();
      }
    }
    try (FileChannel c = FileChannel.open(queue, StandardOpenOption.READ)) {
      c.force(true);
    }
    synchronized (CommitFloor.class) {
      finished = target;
      running = false;
      CommitFloor.class.notifyAll();
    }
  }

  static void write(Path p, int size) throws Exception {
    try (FileChannel c = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(new byte[size]));
      c.force(true);
    }
  }

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    int total = Integer.parseInt(args[2]);
    tmp = Files.createDirectories(base.resolve("tmp"));
    queue = Files.createDirectories(base.resolve("queue"));
    AtomicInteger next = new AtomicInteger();
    Thread[] ts = new Thread[threads];
    long t0 = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      ts[t] = new Thread(() -> {
        try {
          for (int i; (i = next.getAndIncrement()) < total; ) {
            Path msg = tmp.resolve("floor-" + i + ".msg"); // not an ID: apart from the spool's
            write(msg, 836); // 600 bytes of message, 200 of envelope, the 36-byte last line
            Files.createLink(queue.resolve("floor-" + i + ".msg"), msg);
            syncQueue();
            Files.delete(msg);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    System.out.println((long) (total / ((System.nanoTime() - t0) / 1e9)));
  }
}
