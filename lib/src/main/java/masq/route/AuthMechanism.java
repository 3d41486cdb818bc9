package masq.route;

/** A route's {@code auth_name}: the SMTP AUTH mechanism masq uses with the route's mail host. */
public enum AuthMechanism {
  PLAIN("PLAIN"),
  LOGIN("LOGIN"),
  CRAM_MD5("CRAM-MD5"),
  SCRAM_SHA_256("SCRAM-SHA-256"),
  XOAUTH2("XOAUTH2"),
  OAUTHBEARER("OAUTHBEARER");

  private final String smtpName;

  AuthMechanism(String smtpName) {
    this.smtpName = smtpName;
  }

  /** The mechanism's name in EHLO and AUTH. */
  public String smtpName() {
    return smtpName;
  }

  /**
   * True when the mechanism puts the secret itself on the wire (a password or a bearer token): it
   * is used only over TLS unless the route says {@code auth_allow_plaintext = true}.
   */
  public boolean sendsSecret() {
    return this != CRAM_MD5 && this != SCRAM_SHA_256;
  }

  /** The mechanism named {@code name} in a route file (case-insensitive), or null. */
  static AuthMechanism named(String name) {
    for (AuthMechanism m : values()) {
      if (m.smtpName.equalsIgnoreCase(name)) {
        return m;
      }
    }
    return null;
  }
}
