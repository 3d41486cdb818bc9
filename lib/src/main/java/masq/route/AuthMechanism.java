package masq.route;

/** A route's {@code auth_name}: the SMTP AUTH mechanism masq uses with the route's mail host. */
public enum AuthMechanism {
  PLAIN("PLAIN"),
  LOGIN("LOGIN"),
  CRAM_MD5("CRAM-MD5");

  private final String smtpName;

  AuthMechanism(String smtpName) {
    this.smtpName = smtpName;
  }

  /** The mechanism's name in EHLO and AUTH. */
  public String smtpName() {
    return smtpName;
  }
}
