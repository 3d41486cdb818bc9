package masq.spool;

import java.nio.file.Path;

/**
 * An envelope as stored: its bytes, and the file they are in ({@code queue/ID.env}, or the message
 * file whose trailer points at them). System mode's view copies both, to tell later whether a copy
 * is current.
 */
public record StoredEnvelope(byte[] bytes, Path file) {}
