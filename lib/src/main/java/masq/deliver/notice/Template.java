package masq.deliver.notice;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import masq.ErrorText;
import masq.Exit;
import masq.MasqException;
import masq.config.RegularFile;
import masq.message.Header;
import masq.message.HeaderValues;
import masq.message.MessageFormatException;
import masq.message.MessageReader;
import masq.route.Variables;

/**
 * A bounce or warning template in masqmail's format ({@code errmsg_file}, {@code warnmsg_file}):
 * header lines, an empty line, then text. Lines are expanded with the message variables ({@code
 * ${host_name}}, {@code ${uid}}, {@code ${return_path}} ...) plus {@code ${err_msg}} and {@code
 * ${failed_rcpts}}. Lines starting with {@code @} are directives: {@code @failed_rcpts} lists the
 * recipients with their reasons; {@code @msg_headers} and {@code @msg_body} say what of the
 * original message the notice carries (its headers, or the whole message) — masq attaches it as the
 * third part of the DSN rather than in the text. The default English templates are resources beside
 * this class.
 *
 * <p>The header lines are read as a message's header section is, by {@link MessageReader}: which
 * line is a field and which a fold of one is decided on the template as written, before its
 * variables are expanded, so that no variable can make a field.
 */
final class Template {
  /** The names a template may use besides the message variables. */
  static final Set<String> EXTRA = Set.of("err_msg", "failed_rcpts");

  private final String where;
  private final List<Header> headers;
  private final List<String> text;
  private final boolean wantsBody;

  private Template(String where, List<Header> headers, List<String> text, boolean wantsBody) {
    this.where = where;
    this.headers = headers;
    this.text = text;
    this.wantsBody = wantsBody;
  }

  /** Reads {@code file}, or the built-in {@code resource} when file is null, and checks it. */
  static Template load(Path file, String resource, Set<String> known) throws MasqException {
    String content;
    String where;
    try {
      if (file != null) {
        where = file.toString();
        // a regular file only: a FIFO would hang the run
        content = new String(RegularFile.read(file, 1 << 20), StandardCharsets.UTF_8);
      } else {
        where = "built-in " + resource;
        try (InputStream in = Template.class.getResourceAsStream(resource)) {
          if (in == null) {
            throw new MasqException(Exit.SOFTWARE, "built-in template " + resource + " is missing");
          }
          content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    } catch (IOException e) {
      String option = resource.startsWith("fail") ? "errmsg_file" : "warnmsg_file";
      throw new MasqException(Exit.CONFIG, option + " " + file + ": " + ErrorText.ofFile(e));
    }
    List<String> headers = new ArrayList<>();
    List<String> text = new ArrayList<>();
    String[] lines = content.split("\n", -1);
    int n = lines.length;
    if (n > 0 && lines[n - 1].isEmpty()) {
      n--;
    }
    boolean inHeaders = n > 0 && lines[0].matches("[!-9;-~]+:.*");
    boolean wantsBody = false;
    for (int i = 0; i < n; i++) {
      String line = lines[i];
      if (line.startsWith("@")) {
        String d = line.strip();
        if (!d.equals("@failed_rcpts") && !d.equals("@msg_headers") && !d.equals("@msg_body")) {
          throw new MasqException(Exit.CONFIG, where + ":" + (i + 1) + ": unknown directive " + d);
        }
        wantsBody |= d.equals("@msg_body");
      } else {
        try {
          Variables.expandOrFail(line, names(known));
        } catch (Variables.UnknownVariable e) {
          throw new MasqException(Exit.CONFIG, where + ":" + (i + 1) + ": " + e.getMessage());
        }
      }
      if (inHeaders && line.isEmpty()) {
        inHeaders = false;
        continue;
      }
      (inHeaders ? headers : text).add(line);
    }
    return new Template(where, fields(where, headers), text, wantsBody);
  }

  /**
   * The header fields in {@code lines} as written, but for the ones masq writes itself: read by
   * {@link MessageReader#verbatim}, and read on after each line that is neither a field nor a fold
   * (a line without a field name, a directive, a CR alone), which is left out with the folds after
   * it, as is a field with white space before its colon. A NUL byte or a field line over {@link
   * MessageReader#MAX_HEADER_LINE} bytes is a configuration error.
   */
  private static List<Header> fields(String where, List<String> lines) throws MasqException {
    StringBuilder section = new StringBuilder();
    for (String line : lines) {
      section.append(line).append('\n');
    }
    InputStream in = new ByteArrayInputStream(section.toString().getBytes(StandardCharsets.UTF_8));
    List<Header> fields = new ArrayList<>();
    try {
      while (in.available() > 0) {
        for (Header h : MessageReader.verbatim(in).readHeaders()) {
          if (h.raw().indexOf(':') == h.name().length()
              && !OWN.contains(h.name().toLowerCase(Locale.ROOT))) {
            fields.add(h);
          }
        }
      }
    } catch (IOException e) {
      throw new AssertionError("a byte array is always read", e);
    } catch (MessageFormatException e) {
      throw new MasqException(Exit.CONFIG, where + ": " + e.getMessage());
    }
    return fields;
  }

  private static Map<String, String> names(Set<String> known) {
    Map<String, String> m = new java.util.HashMap<>();
    for (String k : known) {
      m.put(k, "");
    }
    return m;
  }

  /** Fields masq writes itself in a notice: a template's are left out. */
  private static final Set<String> OWN =
      Set.of(
          "to",
          "cc",
          "bcc",
          "auto-submitted",
          "mime-version",
          "content-type",
          "content-transfer-encoding");

  /** Fields whose value is an address list rather than text. */
  private static final Set<String> ADDRESSES = Set.of("from", "sender", "reply-to");

  /**
   * The header fields, expanded and ready to write: a value holds no CR, LF or other control
   * character whatever a variable held (so no variable can add a field), a non-ASCII text value is
   * RFC 2047 encoded words and a non-ASCII display name in {@code From:}, {@code Sender:} or {@code
   * Reply-To:} a phrase of them; lines are folded (at most 998 octets). The fields masq writes
   * itself (To:, Cc:, Bcc:, Auto-Submitted:, the MIME fields) and lines that are not fields are
   * left out.
   */
  List<Header> headers(Map<String, String> vars) throws MasqException {
    List<Header> out = new ArrayList<>();
    for (Header h : headers) {
      // unfolded: the line breaks go, the white space stays; each line expanded on its own
      StringBuilder v = new StringBuilder();
      for (String line : h.rawValue().split("\n", -1)) {
        byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
        v.append(expand(new String(b, StandardCharsets.UTF_8), vars));
      }
      String lower = h.name().toLowerCase(Locale.ROOT);
      String value = v.toString();
      out.add(
          Header.of(
              h.name(),
              ADDRESSES.contains(lower) ? HeaderValues.nameAddr(value) : HeaderValues.text(value)));
    }
    return out;
  }

  /** The text, expanded, with {@code @failed_rcpts} replaced by {@code rcptLines}. */
  String text(Map<String, String> vars, List<String> rcptLines) throws MasqException {
    StringBuilder sb = new StringBuilder();
    for (String line : text) {
      if (line.strip().equals("@failed_rcpts")) {
        for (String r : rcptLines) {
          sb.append('\t').append(r).append('\n');
        }
      } else if (!line.startsWith("@")) {
        sb.append(expand(line, vars)).append('\n');
      }
    }
    return sb.toString();
  }

  /** True when the notice should carry the whole original message, not only its headers. */
  boolean wantsBody() {
    return wantsBody;
  }

  private String expand(String line, Map<String, String> vars) throws MasqException {
    try {
      return Variables.expandOrFail(line, vars);
    } catch (Variables.UnknownVariable e) {
      throw new MasqException(Exit.CONFIG, where + ": " + e.getMessage());
    }
  }
}
