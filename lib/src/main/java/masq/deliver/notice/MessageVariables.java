package masq.deliver.notice;

import java.util.LinkedHashMap;
import java.util.Map;
import masq.Version;
import masq.spool.Envelope;

/**
 * The message variables of local delivery and the notice templates, from the spooled envelope; see
 * {@link masq.route.Variables} for the syntax and the recipient variables.
 */
public final class MessageVariables {
  private MessageVariables() {}

  /** The names {@link #of} defines. */
  static final java.util.Set<String> NAMES =
      java.util.Set.of(
          "host_name",
          "package",
          "version",
          "uid",
          "message_id",
          "ident",
          "received_host",
          "return_path",
          "return_path_local",
          "return_path_domain");

  /**
   * The message variables: uid, ident, received_host, return_path(_local, _domain), host_name...
   */
  public static Map<String, String> of(Envelope env, String hostName) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("host_name", hostName);
    v.put("package", "masq");
    v.put("version", Version.VERSION);
    v.put("uid", env.id());
    v.put("message_id", env.id());
    v.put("ident", env.ident() == null ? "" : env.ident());
    v.put("received_host", env.clientAddress() == null ? "" : env.clientAddress());
    String rp = env.sender();
    int at = rp.lastIndexOf('@');
    v.put("return_path", rp);
    v.put("return_path_local", at < 0 ? rp : rp.substring(0, at));
    v.put("return_path_domain", at < 0 ? "" : rp.substring(at + 1));
    return v;
  }
}
