package masq.tests;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import masq.accept.Submission;
import masq.address.Address;
import masq.config.Config;
import masq.log.MailLog;
import masq.spool.Spool;

/**
 * Keeps a sandbox's spool topped up for the crash tests: queues messages "Subject: kN", a body,
 * "END kN" (so a reader sees a torn message) from alice@test.example, in process, the way
 * masq-inject would, and remembers every subject queued.
 */
public final class QueueFiller {
  private final Config cfg;
  private final Spool spool;
  private final MailLog log;
  private final List<Address> recipients;
  private final String body;
  private final Set<String> queued = new TreeSet<>();
  private int next;

  /** For the sandbox configured by {@code conf}; {@code body} stands between subject and END. */
  public QueueFiller(Path conf, List<Address> recipients, String body) throws Exception {
    this.cfg = Config.load(conf, Map.of(), false);
    long pid = ProcessHandle.current().pid();
    this.spool = Spool.open(cfg.dirs().spoolDir(), Clock.systemUTC(), pid);
    this.log = new MailLog(cfg.log().logDir(), Clock.systemUTC(), ZoneId.systemDefault(), pid);
    this.recipients = List.copyOf(recipients);
    this.body = body;
  }

  /** Queues new messages until the spool holds {@code count}. */
  public void topUp(int count) throws Exception {
    while (spool.ids().size() < count) {
      String subject = "k" + next++;
      String msg = "Subject: " + subject + "\n\n" + body + "END " + subject + "\n";
      Submission.Request req =
          Submission.Request.local(new Address("alice", "test.example"), recipients, "t", 0);
      Submission.accept(
          new ByteArrayInputStream(msg.getBytes(StandardCharsets.UTF_8)), req, cfg, spool, log);
      queued.add(subject);
    }
  }

  /** The subjects of every message queued so far, sorted. */
  public Set<String> queued() {
    return queued;
  }

  public Spool spool() {
    return spool;
  }
}
