package masq;

/** The masq version, shown by --version and in Received: lines. */
public final class Version {
  public static final String VERSION = "0.1.0";

  private Version() {}
}
