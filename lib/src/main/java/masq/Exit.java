package masq;

/** The exit codes of sysexits(3) that masq uses. */
@Api
public final class Exit {
  public static final int OK = 0;
  public static final int USAGE = 64;
  public static final int DATAERR = 65;
  public static final int NOINPUT = 66;
  public static final int NOUSER = 67;
  public static final int UNAVAILABLE = 69;
  public static final int SOFTWARE = 70;
  public static final int CANTCREAT = 73;
  public static final int IOERR = 74;
  public static final int TEMPFAIL = 75;
  public static final int CONFIG = 78;

  private Exit() {}
}
