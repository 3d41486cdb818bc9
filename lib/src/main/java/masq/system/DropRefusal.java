package masq.system;

/** A drop the pickup refused, and why ({@code users/UID/ID.refused}). */
public record DropRefusal(String id, long time, String why) {}
