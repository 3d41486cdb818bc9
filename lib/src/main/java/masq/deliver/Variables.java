package masq.deliver;

import java.util.LinkedHashMap;
import java.util.Map;
import masq.Version;
import masq.address.Address;
import masq.spool.Envelope;

/**
 * masqmail's variables (expand.c) for the {@code mda} command, {@code maildir_path} and the notice
 * templates: {@code $name} or {@code ${name}}; {@code $$} is a dollar sign. An unknown name is an
 * error, never silently empty. (Command lines are split by {@link masq.route.Words}.)
 */
final class Variables {
  private Variables() {}

  /** A name used but not defined; the caller says where. */
  static final class UnknownVariable extends Exception {
    private static final long serialVersionUID = 1L;

    UnknownVariable(String name) {
      super("unknown variable ${" + name + "}");
    }
  }

  /** The names {@link #message} defines. */
  static final java.util.Set<String> MESSAGE_NAMES =
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
  static Map<String, String> message(Envelope env, String hostName) {
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

  /** The message variables plus rcpt, rcpt_local and rcpt_domain. */
  static Map<String, String> recipient(Map<String, String> message, Address rcpt) {
    Map<String, String> v = new LinkedHashMap<>(message);
    v.put("rcpt", rcpt.toString());
    v.put("rcpt_local", rcpt.localPart());
    v.put("rcpt_domain", rcpt.domain() == null ? "" : rcpt.domain());
    return v;
  }

  /** Replaces every variable in {@code s}. */
  static String expand(String s, Map<String, String> vars) throws UnknownVariable {
    if (s.indexOf('$') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length() + 32);
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '$' || i + 1 >= s.length()) {
        sb.append(c);
        i++;
        continue;
      }
      char d = s.charAt(i + 1);
      String name;
      if (d == '$') {
        sb.append('$');
        i += 2;
        continue;
      } else if (d == '{') {
        int close = s.indexOf('}', i + 2);
        if (close < 0) {
          sb.append(c);
          i++;
          continue;
        }
        name = s.substring(i + 2, close);
        i = close + 1;
      } else if (isNameChar(d)) {
        int j = i + 1;
        while (j < s.length() && isNameChar(s.charAt(j))) {
          j++;
        }
        name = s.substring(i + 1, j);
        i = j;
      } else {
        sb.append(c);
        i++;
        continue;
      }
      String value = vars.get(name);
      if (value == null) {
        throw new UnknownVariable(name);
      }
      sb.append(value);
    }
    return sb.toString();
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
}
