package masq.system;

import java.util.List;
import masq.Api;

/**
 * What a user's masq-inject asked for on its command line, as a drop carries it to the pickup:
 * {@code -f} (null: none), {@code -F} (null: none), {@code -t}, the recipients, and the DSN options
 * {@code -N}, {@code -R}, {@code -V} in their checked form (masq.accept.DsnRequest; null: none).
 */
@Api
public record DropRequest(
    String sender,
    String fullName,
    boolean fromHeaders,
    List<String> recipients,
    String notifyOn,
    String ret,
    String envid) {

  /** A request without DSN options. */
  public DropRequest(String sender, String fullName, boolean fromHeaders, List<String> recipients) {
    this(sender, fullName, fromHeaders, recipients, null, null, null);
  }
}
