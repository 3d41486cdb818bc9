package masq.address;

/**
 * One element of an address list as {@link AddressParser#parseList} read it: the address, where its
 * addr-spec stands in the header value, and how it was written.
 *
 * <p>Three kinds: readable ({@code address} set, {@code problem} null); recovered ({@code address}
 * set and {@code problem} saying what was broken around it, e.g. {@code unclosed '<'}); unreadable
 * ({@code address} null, {@code problem} saying why, {@code start}/{@code end} the whole element).
 *
 * @param address the address ({@link Address#NULL} for {@code <>}), or null when unreadable
 * @param value the header value the positions refer to
 * @param start where the addr-spec starts in {@code value} (inclusive); for an unreadable element,
 *     where the element starts
 * @param end where it ends (exclusive)
 * @param nameStart where the display name (phrase before {@code <}) starts, -1 when none
 * @param nameEnd where it ends (exclusive), -1 when none
 * @param angle the addr-spec was written inside angle brackets
 * @param bare the element is the addr-spec alone: no brackets, comment, group or other text
 * @param problem what was broken, or null
 */
public record Mailbox(
    Address address,
    String value,
    int start,
    int end,
    int nameStart,
    int nameEnd,
    boolean angle,
    boolean bare,
    String problem) {

  /** The addr-spec as written (for an unreadable element: the element as written). */
  public String text() {
    return value.substring(start, end);
  }

  /** This element with {@code p} as what was broken around it (it is then not bare). */
  Mailbox withProblem(String p) {
    return new Mailbox(address, value, start, end, nameStart, nameEnd, angle, false, p);
  }

  /** True when the address was found although the element around it is broken. */
  public boolean recovered() {
    return address != null && problem != null;
  }

  /**
   * The display name: the phrase before {@code <} with comments left out, quoted strings unquoted,
   * white space collapsed and RFC 2047 encoded words decoded; "" when there is none. Computed on
   * each call (no caller on a hot path needs it).
   */
  public String displayName() {
    return nameStart < 0 ? "" : DisplayName.of(value, nameStart, nameEnd);
  }
}
