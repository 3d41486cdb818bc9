package masq.system;

import java.util.List;
import java.util.Map;
import masq.Api;
import masq.spool.Envelope;

/**
 * What a user's status area shows (see {@link UserStatusArea#read}): when the view was made (-1:
 * not yet), the queued messages, the drops waiting for pickup, the refused ones, and the requests
 * not yet done (ID → operation).
 */
@Api
public record UserStatus(
    long published,
    List<Envelope> queued,
    List<PendingDrop> pending,
    List<DropRefusal> refused,
    Map<String, QueueOperation> requests) {
  /** Whether {@code id} is the user's: queued (as of the view) or waiting for pickup. */
  public boolean has(String id) {
    return queued.stream().anyMatch(e -> e.id().equals(id))
        || pending.stream().anyMatch(p -> p.id().equals(id));
  }

  /** The envelope of the queued message {@code id} as the view copied it, or null. */
  public Envelope envelope(String id) {
    return queued.stream().filter(e -> e.id().equals(id)).findFirst().orElse(null);
  }
}
