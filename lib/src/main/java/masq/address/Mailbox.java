package masq.address;

/**
 * One address found in a header value: its addr-spec text, where that text stands in the value
 * ({@code start} inclusive, {@code end} exclusive), and whether it was written inside angle
 * brackets. {@code address} is null when the text does not parse as an address.
 */
public record Mailbox(String text, Address address, int start, int end, boolean angle) {}
