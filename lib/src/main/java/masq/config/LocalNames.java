package masq.config;

import java.util.List;
import masq.Api;

/**
 * Which names are this host's (masq.conf(5)): what a recipient's domain must be to be delivered
 * here, and the name masq qualifies bare addresses with.
 *
 * @param hostName {@code host_name}: this host's name (or the first line of the file it names)
 * @param localHosts {@code local_hosts}: domains delivered locally (default localhost and the host
 *     name, short and long)
 * @param localAddresses {@code local_addresses}: addresses delivered locally though their domain is
 *     not
 * @param notLocalAddresses {@code not_local_addresses}: addresses sent out though their domain is
 *     local
 */
@Api
public record LocalNames(
    String hostName,
    List<String> localHosts,
    List<String> localAddresses,
    List<String> notLocalAddresses) {}
