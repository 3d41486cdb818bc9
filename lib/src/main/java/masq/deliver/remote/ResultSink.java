package masq.deliver.remote;

import java.util.List;

/**
 * Receives results as soon as they are known, so the caller can record them in the spool before the
 * next message goes out (this keeps the window for duplicates to one message). Called once per
 * message and connection, with one result for each recipient that was in that attempt; a message
 * whose recipients span several domains (direct delivery) is reported once per domain.
 */
@FunctionalInterface
public interface ResultSink {
  void accept(OutgoingMessage message, List<RecipientResult> results);
}
