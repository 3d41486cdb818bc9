package masq.system;

import masq.Api;

/** A drop the pickup refused, and why ({@code users/UID/ID.refused}). */
@Api
public record DropRefusal(String id, long time, String why) {}
