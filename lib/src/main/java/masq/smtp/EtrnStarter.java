package masq.smtp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import masq.Api;

/** How masq-smtpd starts the queue run an ETRN asks for (a detached masq-deliver). */
@Api
public interface EtrnStarter {
  /**
   * Starts {@code masq-deliver ARGS} detached, holding a lock on {@code lock} while it runs; does
   * nothing when another run holds that lock.
   *
   * @throws IOException when it cannot be started
   */
  void start(List<String> args, Path lock) throws IOException;
}
