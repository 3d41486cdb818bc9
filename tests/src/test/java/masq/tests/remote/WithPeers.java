package masq.tests.remote;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture the remote tests share: a temporary directory, {@link #tmp}, and the real peers
 * started in it, {@link #peers}, each stopped after the test.
 */
abstract class WithPeers {
  @TempDir Path tmp;
  Peers peers;

  @BeforeEach
  final void startPeers() throws IOException {
    peers = new Peers(tmp);
  }

  @AfterEach
  final void stopPeers() {
    peers.close();
  }
}
