package masq.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirSyncTest {
  @TempDir Path dir;

  @Test
  void concurrentCallersAllReturnAfterASync() throws Exception {
    DirSync ds = new DirSync(dir);
    AtomicInteger done = new AtomicInteger();
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ts.add(
          Thread.ofVirtual()
              .start(() -> {
                try {
                  for (int j = 0; j < 20; j++) {
                    ds.sync();
                  }
                  done.incrementAndGet();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    for (Thread t : ts) {
      t.join();
    }
    assertEquals(50, done.get());
  }

  @Test
  void aFailedSyncIsReported() {
    DirSync ds = new DirSync(dir.resolve("missing"));
    assertThrows(IOException.class, ds::sync);
    assertThrows(IOException.class, ds::sync, "each call gets a sync of its own");
  }
}
