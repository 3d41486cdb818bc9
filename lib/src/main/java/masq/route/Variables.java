package masq.route;

import java.util.LinkedHashMap;
import java.util.Map;
import masq.address.Address;

/**
 * masqmail's variables (expand.c, var_table_msg and var_table_rcpt), written {@code $name} or
 * {@code ${name}}. Per message: {@code uid}, {@code received_host}, {@code ident}, {@code
 * return_path}, {@code return_path_local}, {@code return_path_domain} (local delivery and the
 * notice templates add {@code host_name}, {@code package}, {@code version} and {@code message_id});
 * per recipient: {@code rcpt}, {@code rcpt_local}, {@code rcpt_domain}. The callers build the
 * message maps; {@link #recipient} adds the recipient names.
 *
 * <p>masqmail itself lets a backslash quote the next character and expands an unknown name to
 * nothing. masq has two behaviours, one entry point each:
 *
 * <ul>
 *   <li>{@link #expandOrFail}, for {@code mda}, {@code maildir_path} and the notice templates:
 *       {@code $$} is a dollar sign, a backslash is an ordinary character, an unknown name is an
 *       error ({@link UnknownVariable}), never silently empty; a bare name is ASCII letters, digits
 *       and {@code _}.
 *   <li>{@link #expandOrKeep}, for each word of a {@code pipe} route command after {@link Words}
 *       split it (so a value with blanks or quotes stays one argument): a backslash makes the next
 *       character literal, {@code $$} is nothing special, an unknown name is left as it stands (its
 *       text is read again, so a backslash or a variable inside it still counts) and never fails; a
 *       bare name is letters and digits of any script and {@code _}.
 * </ul>
 *
 * In both, a {@code $} that starts no name (at the end, before another character, or an unclosed
 * <code>${</code>) stays a dollar sign. Values are inserted as they are, never read again, and no
 * shell interprets them.
 */
public final class Variables {
  private Variables() {}

  /** A name used but not defined; the caller says where. */
  public static final class UnknownVariable extends Exception {
    private static final long serialVersionUID = 1L;

    UnknownVariable(String name) {
      super("unknown variable ${" + name + "}");
    }
  }

  /** The two behaviours of the class comment, one field per difference. */
  private record Syntax(boolean backslashQuotes, boolean unknownFails, boolean anyScriptNames) {
    boolean isNameChar(char c) {
      if (anyScriptNames) {
        return Character.isLetterOrDigit(c) || c == '_';
      }
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
  }

  private static final Syntax OR_FAIL = new Syntax(false, true, false);
  private static final Syntax OR_KEEP = new Syntax(true, false, true);

  /** {@code message} plus rcpt, rcpt_local and rcpt_domain for {@code rcpt}. */
  public static Map<String, String> recipient(Map<String, String> message, Address rcpt) {
    Map<String, String> v = new LinkedHashMap<>(message);
    v.put("rcpt", rcpt.toString());
    v.put("rcpt_local", rcpt.localPart());
    v.put("rcpt_domain", rcpt.domain() == null ? "" : rcpt.domain());
    return v;
  }

  /** Replaces every variable in {@code s}; {@code $$} is a dollar sign; unknown names fail. */
  public static String expandOrFail(String s, Map<String, String> vars) throws UnknownVariable {
    return expand(s, vars, OR_FAIL);
  }

  /** Replaces every variable in {@code word}; backslash quotes; unknown names stay as written. */
  public static String expandOrKeep(String word, Map<String, String> vars) {
    try {
      return expand(word, vars, OR_KEEP);
    } catch (UnknownVariable e) {
      throw new AssertionError("unknown names are kept", e);
    }
  }

  private static String expand(String s, Map<String, String> vars, Syntax syntax)
      throws UnknownVariable {
    StringBuilder sb = new StringBuilder(s.length() + 32);
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (syntax.backslashQuotes() && c == '\\' && i + 1 < n) {
        sb.append(s.charAt(i + 1));
        i += 2;
        continue;
      }
      if (c != '$' || i + 1 >= n) {
        sb.append(c);
        i++;
        continue;
      }
      char d = s.charAt(i + 1);
      if (!syntax.backslashQuotes() && d == '$') {
        sb.append('$');
        i += 2;
        continue;
      }
      String name;
      int after;
      if (d == '{') {
        int close = s.indexOf('}', i + 2);
        if (close < 0) {
          sb.append(c);
          i++;
          continue;
        }
        name = s.substring(i + 2, close);
        after = close + 1;
      } else {
        int j = i + 1;
        while (j < n && syntax.isNameChar(s.charAt(j))) {
          j++;
        }
        name = s.substring(i + 1, j);
        after = j;
        if (name.isEmpty()) {
          sb.append(c);
          i++;
          continue;
        }
      }
      String value = vars.get(name);
      if (value == null) {
        if (syntax.unknownFails()) {
          throw new UnknownVariable(name);
        }
        // kept as written: the dollar sign here, the rest is read again as text
        sb.append(c);
        i++;
        continue;
      }
      sb.append(value);
      i = after;
    }
    return sb.toString();
  }
}
