package masq.deliver.remote;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * What every {@link SmtpChannel} keeps: its current streams and the timeout that bounds them
 * (masqmail's 5 minutes until a session sets its own).
 */
abstract class StreamChannel implements SmtpChannel {
  protected InputStream in;
  protected OutputStream out;
  protected volatile Duration timeout = Duration.ofMinutes(5);

  @Override
  public InputStream in() {
    return in;
  }

  @Override
  public OutputStream out() {
    return out;
  }

  @Override
  public void timeout(Duration t) throws java.io.IOException {
    this.timeout = t;
  }
}
