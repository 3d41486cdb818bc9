package masq.system;

import java.util.List;

/**
 * What a user's masq-inject asked for on its command line, as a drop carries it to the pickup:
 * {@code -f} (null: none), {@code -F} (null: none), {@code -t}, and the recipients.
 */
public record DropRequest(
    String sender, String fullName, boolean fromHeaders, List<String> recipients) {}
