package masq.rewrite;

import java.util.List;
import masq.address.Address;
import masq.message.Header;

/**
 * A header section and return path after a route's rewriting. Headers no rule changed are the very
 * objects that went in (so they are written back byte for byte).
 *
 * @param returnPath the return path for MAIL FROM (never with a display name)
 * @param warnings one line each: addresses that could not be parsed and were left as they were
 */
public record Rewritten(List<Header> headers, Address returnPath, List<String> warnings) {}
