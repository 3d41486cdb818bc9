package masq.rewrite;

import java.util.List;
import masq.Api;
import masq.address.Address;
import masq.message.Header;

/**
 * A header section and return path after a route's rewriting. Headers no rule changed are the very
 * objects that went in (so they are written back byte for byte).
 *
 * @param returnPath the return path for MAIL FROM (never with a display name)
 * @param warnings one line each: addresses that could not be parsed and were left as they were
 *     (they name no local domain), or that were read in spite of a fault and rewritten
 * @param unreadable one line each ({@code From: header: 'text' (why)}): elements of a header the
 *     route rewrites that cannot be read and might hold a local address; when there is one, the
 *     message must not leave over this route as it is
 */
@Api
public record Rewritten(
    List<Header> headers, Address returnPath, List<String> warnings, List<String> unreadable) {}
