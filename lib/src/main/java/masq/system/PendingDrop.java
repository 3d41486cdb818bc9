package masq.system;

import java.util.List;
import masq.Api;

/** A drop still waiting for the pickup, as its user noted it ({@code users/UID/ID.HEX.pending}). */
@Api
public record PendingDrop(
    String id, long time, long size, String sender, List<String> recipients) {}
