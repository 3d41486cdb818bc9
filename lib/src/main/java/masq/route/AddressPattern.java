package masq.route;

import masq.Exit;
import masq.MasqException;
import masq.Printable;
import masq.address.Address;
import masq.address.Glob;

/**
 * One item of an allowed_/denied_ list: {@code local@domain} with fnmatch globs, the local part
 * matched case-sensitively and the domain without regard to case (as masqmail). An item without
 * {@code @} matches that local part at any domain; {@code <>} matches only the null sender, which
 * no other pattern matches.
 *
 * @param text the item as written, for messages
 * @param where {@code file:line} of the item
 */
record AddressPattern(String text, String local, String domain, String where) {

  /** Parses one item of list {@code option}; an empty part is an error naming {@code where}. */
  static AddressPattern parse(String item, String where, String option) throws MasqException {
    if (item.equals("<>")) {
      return new AddressPattern(item, null, null, where);
    }
    int at = item.lastIndexOf('@');
    String local = at < 0 ? item : item.substring(0, at);
    String domain = at < 0 ? "*" : item.substring(at + 1);
    if (local.isEmpty() || domain.isEmpty()) {
      throw new MasqException(
          Exit.CONFIG,
          where
              + ": "
              + option
              + ": address pattern '"
              + Printable.value(item)
              + "' has an empty "
              + (local.isEmpty() ? "local part (write *@domain)" : "domain"));
    }
    return new AddressPattern(item, local, domain, where);
  }

  /** True for the pattern {@code <>}. */
  boolean isNullSender() {
    return local == null;
  }

  boolean matches(Address a) {
    if (isNullSender() || a.isNull()) {
      return isNullSender() && a.isNull();
    }
    return Glob.matches(local, a.localPart(), false)
        && Glob.matches(domain, a.domain() == null ? "" : a.domain(), true);
  }
}
