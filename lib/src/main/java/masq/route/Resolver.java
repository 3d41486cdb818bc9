package masq.route;

/**
 * An entry of a route's {@code resolve_list}: how a mail host or a recipient domain is turned into
 * addresses when there is no {@code mail_host} to connect to by its own address.
 */
public enum Resolver {
  /** MX records through DNS, falling back to the A/AAAA records of the name (implicit MX). */
  DNS_MX,
  /** The system's resolver (getaddrinfo: /etc/hosts, nsswitch). */
  BYNAME
}
