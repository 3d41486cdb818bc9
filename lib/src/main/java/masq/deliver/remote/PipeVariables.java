package masq.deliver.remote;

import java.util.LinkedHashMap;
import java.util.Map;
import masq.address.Address;

/**
 * masqmail's variables for a {@code pipe} route command, per message and recipient: {@code uid}
 * (the message ID), {@code received_host}, {@code ident}, {@code return_path}, {@code
 * return_path_local}, {@code return_path_domain}, {@code rcpt}, {@code rcpt_local}, {@code
 * rcpt_domain}. Written {@code $name} or {@code ${name}}; a backslash makes the next character
 * literal; an unknown name is left as it stands. Expansion happens in each word after the command
 * was split, so a value with blanks or quotes stays one argument. Never fails; the values come from
 * the envelope and are not interpreted by any shell.
 */
final class PipeVariables {
  private PipeVariables() {}

  static Map<String, String> of(OutgoingMessage m, Address rcpt) {
    Map<String, String> v = new LinkedHashMap<>();
    Address rp = m.returnPath();
    v.put("uid", m.id());
    v.put("received_host", m.receivedHost());
    v.put("ident", m.ident());
    v.put("return_path", rp.toString());
    v.put("return_path_local", rp.localPart());
    v.put("return_path_domain", rp.domain() == null ? "" : rp.domain());
    v.put("rcpt", rcpt.toString());
    v.put("rcpt_local", rcpt.localPart());
    v.put("rcpt_domain", rcpt.domain() == null ? "" : rcpt.domain());
    return v;
  }

  static String expand(String word, Map<String, String> vars) {
    StringBuilder sb = new StringBuilder(word.length() + 32);
    int n = word.length();
    for (int i = 0; i < n; i++) {
      char c = word.charAt(i);
      if (c == '\\' && i + 1 < n) {
        sb.append(word.charAt(++i));
      } else if (c == '$' && i + 1 < n) {
        int start;
        int end;
        int next;
        if (word.charAt(i + 1) == '{') {
          start = i + 2;
          end = word.indexOf('}', start);
          if (end < 0) {
            sb.append(c);
            continue;
          }
          next = end + 1;
        } else {
          start = i + 1;
          end = start;
          while (end < n
              && (Character.isLetterOrDigit(word.charAt(end)) || word.charAt(end) == '_')) {
            end++;
          }
          next = end;
        }
        String value = vars.get(word.substring(start, end));
        if (value == null || end == start) {
          sb.append(c);
          continue;
        }
        sb.append(value);
        i = next - 1;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
