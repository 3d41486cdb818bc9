package masq.address;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one RFC 5322 address list (a To:, From: ... value, or a command-line argument) into {@link
 * Mailbox}es: the grammar of RFC 5322 section 3.4 with the obsolete forms of section 4.4 (CFWS
 * between the parts of an addr-spec, obs-local-part, obs-route, empty list elements), groups, and
 * unqualified addresses. One pass, no regular expressions, no Mime4j.
 *
 * <p>What is broken is either recovered or reported, never dropped: an unclosed {@code "}, {@code
 * (} or {@code [} is read as if its opening character were not there; an unclosed {@code <} ends at
 * the element's end; a stray {@code >}, {@code )}, {@code ]} or {@code \} is left out; a second
 * {@code <} or {@code @} after {@code >} starts a new element; words around a single addr-spec
 * without brackets are left out. Each such element carries its {@link Mailbox#problem}. What cannot
 * be read that way (two addresses without a comma, text inside {@code <...>}, a bad domain, a
 * control character in the address) comes back without an address.
 */
final class ListReader {
  private static final int END = 0;
  private static final int ATOM = 1;
  private static final int QUOTED = 2;
  private static final int LITERAL = 3;
  private static final int DOT = 4;
  private static final int AT = 5;
  private static final int COMMA = 6;
  private static final int SEMI = 7;
  private static final int COLON = 8;
  private static final int LT = 9;
  private static final int GT = 10;
  private static final int STRAY = 11;

  /** After this many unclosed comments, later ones are not searched for their end (no n²). */
  private static final int MAX_FAILED_SCANS = 16;

  private final String v;
  private final int n;

  // the lexer: the current token and where the next one starts
  private int pos;
  private int kind;
  private int ts;
  private int te;
  private boolean gap;
  private int failedScans;
  private boolean quoteUnclosed;
  private boolean literalUnclosed;

  // the current element: the first problem met, whether it has a comment; whether a group is open
  private String problem;
  private boolean comment;
  private boolean group;

  // the tokens gathered for the current element
  private int[] kinds = new int[8];
  private int[] starts = new int[8];
  private int[] ends = new int[8];
  private boolean[] gaps = new boolean[8];
  private int count;

  // what addrSpec() found
  private Address found;
  private String why;

  private ListReader(String v) {
    this.v = v;
    this.n = v.length();
  }

  static List<Mailbox> read(String value) {
    return new ListReader(value).list();
  }

  // ---- lexer ----

  private void next() {
    gap = false;
    while (pos < n) {
      char c = v.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        pos++;
        gap = true;
      } else if (c == '(') {
        int close = failedScans < MAX_FAILED_SCANS ? commentEnd(pos) : -1;
        if (close < 0) {
          note("unclosed '('");
          token(STRAY, pos + 1);
          return;
        }
        pos = close;
        gap = true;
        comment = true;
      } else {
        break;
      }
    }
    if (pos >= n) {
      kind = END;
      ts = te = n;
      return;
    }
    char c = v.charAt(pos);
    switch (c) {
      case '"' -> {
        int close = quoteUnclosed ? -1 : closing(pos, '"');
        if (close < 0) {
          quoteUnclosed = true; // then no later quote has its end either
          note("unclosed '\"'");
          token(STRAY, pos + 1);
        } else {
          token(QUOTED, close);
        }
      }
      case '[' -> {
        int close = literalUnclosed ? -1 : closing(pos, ']');
        if (close < 0) {
          literalUnclosed = true;
          note("unclosed '['");
          token(STRAY, pos + 1);
        } else {
          token(LITERAL, close);
        }
      }
      case '.' -> token(DOT, pos + 1);
      case '@' -> token(AT, pos + 1);
      case ',' -> token(COMMA, pos + 1);
      case ';' -> token(SEMI, pos + 1);
      case ':' -> token(COLON, pos + 1);
      case '<' -> token(LT, pos + 1);
      case '>' -> token(GT, pos + 1);
      case ')', ']', '\\' -> token(STRAY, pos + 1);
      default -> {
        int e = pos + 1;
        while (e < n && isAtom(v.charAt(e))) {
          e++;
        }
        token(ATOM, e);
      }
    }
  }

  private void token(int k, int end) {
    kind = k;
    ts = pos;
    te = end;
    pos = end;
  }

  /** atext, and leniently anything else that is no special and no white space. */
  private static boolean isAtom(char c) {
    return switch (c) {
      case '(',
          ')',
          '<',
          '>',
          '[',
          ']',
          ':',
          ';',
          '@',
          '\\',
          ',',
          '.',
          '"',
          ' ',
          '\t',
          '\r',
          '\n' ->
          false;
      default -> true;
    };
  }

  /** The index after the {@code close} matching the opener at {@code p}, or -1. */
  private int closing(int p, char close) {
    for (int i = p + 1; i < n; i++) {
      char c = v.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == close) {
        return i + 1;
      }
    }
    failedScans++;
    return -1;
  }

  private int commentEnd(int p) {
    int depth = 0;
    for (int i = p; i < n; i++) {
      char c = v.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i + 1;
      }
    }
    failedScans++;
    return -1;
  }

  private void note(String p) {
    if (problem == null) {
      problem = p;
    }
  }

  // ---- parser ----

  private static final String STRAY_SEMICOLON = "';' outside a group";

  private List<Mailbox> list() {
    List<Mailbox> out = new ArrayList<>(2);
    next();
    while (kind != END) {
      count = 0;
      while (kind != LT && kind != COLON && kind != COMMA && kind != SEMI && kind != END) {
        push();
        next();
      }
      if (kind == LT) {
        angle(out);
        continue;
      }
      if (kind == COLON) {
        // a group's display name: the members follow (nested groups are read flat)
        count = 0;
        problem = null;
        comment = false;
        group = true;
        next();
        continue;
      }
      if (count > 0) {
        bare(out);
      }
      if (kind != END) {
        // ',' or ';': a group's end, or a stray ';' read as ',' and noted on both its sides
        problem = kind == SEMI && !group ? STRAY_SEMICOLON : null;
        group &= kind != SEMI;
        if (problem != null && !out.isEmpty() && out.getLast().problem() == null) {
          out.add(out.removeLast().withProblem(problem));
        }
        comment = false;
        next();
      }
    }
    return out;
  }

  private void push() {
    if (count == kinds.length) {
      int m = count * 2;
      kinds = java.util.Arrays.copyOf(kinds, m);
      starts = java.util.Arrays.copyOf(starts, m);
      ends = java.util.Arrays.copyOf(ends, m);
      gaps = java.util.Arrays.copyOf(gaps, m);
    }
    kinds[count] = kind;
    starts[count] = ts;
    ends[count] = te;
    gaps[count] = gap;
    count++;
  }

  /** An element without angle brackets: an addr-spec, or words around one, or unreadable. */
  private void bare(List<Mailbox> out) {
    int elemStart = starts[0];
    int elemEnd = ends[count - 1];
    if (addrSpec(0, count)) {
      out.add(
          new Mailbox(
              found,
              v,
              starts[0],
              ends[count - 1],
              -1,
              -1,
              false,
              !comment && problem == null,
              problem));
      return;
    }
    String first = why;
    if (dropStrays() && addrSpec(0, count)) {
      out.add(new Mailbox(found, v, starts[0], ends[count - 1], -1, -1, false, false, problem));
      return;
    }
    // words around one addr-spec: the addr-spec is the dotted words on each side of the only '@'
    int at = -1;
    for (int i = 0; i < count; i++) {
      if (kinds[i] == AT) {
        if (at >= 0) {
          // two words, each with its '@'; in one word the addr-spec's own reason says it
          first = spaced(at, i) ? "two addresses without ',' between them" : first;
          at = -2;
          break;
        }
        at = i;
      }
    }
    if (at >= 0) {
      int from = at;
      while (from > 0
          && (kinds[from - 1] == DOT
              || (isWord(kinds[from - 1]) && (from == at || kinds[from] == DOT)))) {
        from--;
      }
      int to = at + 1;
      if (to < count && kinds[to] == LITERAL) {
        to++;
      } else {
        while (to < count
            && ((kinds[to] == ATOM && (to == at + 1 || kinds[to - 1] == DOT))
                || (kinds[to] == DOT && kinds[to - 1] == ATOM))) {
          to++;
        }
      }
      // the run must stand apart: white space or a comment on both sides
      boolean apart = (from == 0 || gaps[from]) && (to == count || gaps[to]);
      if (from < at && to > at + 1 && apart && addrSpec(from, to)) {
        note("text around the address");
        out.add(new Mailbox(found, v, starts[from], ends[to - 1], -1, -1, false, false, problem));
        return;
      }
    }
    out.add(new Mailbox(null, v, elemStart, elemEnd, -1, -1, false, false, first));
  }

  /** True when white space or a comment stands between tokens {@code a} and {@code b}. */
  private boolean spaced(int a, int b) {
    for (int j = a + 1; j <= b; j++) {
      if (gaps[j]) {
        return true;
      }
    }
    return false;
  }

  private static boolean isWord(int k) {
    return k == ATOM || k == QUOTED;
  }

  /** Leaves out stray characters from the gathered tokens; true when there were some. */
  private boolean dropStrays() {
    int w = 0;
    for (int r = 0; r < count; r++) {
      if (kinds[r] == STRAY || kinds[r] == GT) {
        note("stray '" + v.charAt(starts[r]) + "'");
        continue;
      }
      kinds[w] = kinds[r];
      starts[w] = starts[r];
      ends[w] = ends[r];
      gaps[w] = gaps[r] || w < r;
      w++;
    }
    boolean dropped = w < count;
    count = w;
    return dropped && count > 0;
  }

  /** A name-addr: the gathered tokens are the display name, the current token is '<'. */
  private void angle(List<Mailbox> out) {
    int nameStart = count > 0 ? starts[0] : -1;
    int nameEnd = count > 0 ? ends[count - 1] : -1;
    int elemStart = count > 0 ? starts[0] : ts;
    next();
    String bad = null;
    if (kind == AT) {
      // obs-route: @a,@b: before the addr-spec, dropped
      while (kind == AT || kind == COMMA) {
        next();
        while (kind == ATOM || kind == DOT || kind == LITERAL) {
          next();
        }
      }
      if (kind == COLON) {
        next();
      } else {
        bad = "bad route in <...>";
      }
    }
    count = 0;
    while (kind != GT && kind != COMMA && kind != SEMI && kind != END && kind != LT) {
      push();
      next();
    }
    boolean closed = kind == GT;
    int elemEnd = closed ? te : count > 0 ? ends[count - 1] : ts;
    Address a = null;
    int s = closed ? ts : elemEnd;
    int e = s;
    if (bad == null && count == 0) {
      if (closed) {
        a = Address.NULL;
      } else {
        bad = "nothing after '<'";
      }
    } else if (bad == null) {
      if (addrSpec(0, count)) {
        a = found;
        s = starts[0];
        e = ends[count - 1];
      } else {
        bad = count > 1 && hasAt() && spaced(0, count - 1) ? "text inside <...>" : why;
      }
    }
    if (!closed) {
      note("unclosed '<'");
    } else {
      next();
    }
    boolean newElement = kind == LT;
    if (closed && kind != COMMA && kind != SEMI && kind != END) {
      newElement = trailing();
    }
    if (newElement && a != null) {
      note("missing ',' before the next address");
    }
    if (a == null) {
      out.add(new Mailbox(null, v, elemStart, elemEnd, -1, -1, true, false, bad));
    } else {
      out.add(new Mailbox(a, v, s, e, nameStart, nameEnd, true, false, problem));
    }
    if (newElement) {
      problem = "missing ',' before this address";
      comment = false;
    }
  }

  private boolean hasAt() {
    for (int i = 0; i < count; i++) {
      if (kinds[i] == AT) {
        return true;
      }
    }
    return false;
  }

  /**
   * Text after {@code >} before the separator: true (and nothing consumed) when it holds another
   * address ({@code <}, {@code @} or a group's {@code :}); otherwise it is skipped and noted.
   */
  private boolean trailing() {
    int p = pos;
    int k = kind;
    int s = ts;
    int e = te;
    boolean g = gap;
    String pr = problem;
    boolean cm = comment;
    boolean another = false;
    while (kind != COMMA && kind != SEMI && kind != END) {
      if (kind == LT || kind == AT || kind == COLON) {
        another = true;
        break;
      }
      next();
    }
    if (another) {
      pos = p;
      kind = k;
      ts = s;
      te = e;
      gap = g;
      problem = pr;
      comment = cm;
      return true;
    }
    note("text after '>'");
    return false;
  }

  /**
   * Reads tokens [from, to) as an addr-spec: local-part ["@" domain]. Sets {@link #found}, or
   * {@link #why} and returns false.
   */
  private boolean addrSpec(int from, int to) {
    int i = from;
    boolean plain = true;
    boolean sawWord = false;
    boolean prevWord = false;
    while (i < to && (isWord(kinds[i]) || kinds[i] == DOT)) {
      boolean word = isWord(kinds[i]);
      if (word && prevWord) {
        return fail("words without '.' between them");
      }
      if (kinds[i] == QUOTED || (i > from && gaps[i])) {
        plain = false;
      }
      prevWord = word;
      sawWord |= word;
      i++;
    }
    if (!sawWord) {
      return fail(i < to ? "unexpected '" + v.charAt(starts[i]) + "'" : "empty local part");
    }
    String local = plain ? v.substring(starts[from], ends[i - 1]) : semanticLocal(from, i);
    String domain = null;
    if (i < to) {
      if (kinds[i] != AT) {
        return fail("unexpected '" + v.charAt(starts[i]) + "'");
      }
      i++;
      if (i == to) {
        return fail("empty domain");
      }
      if (kinds[i] == LITERAL) {
        if (i + 1 != to) {
          return fail("text after the domain literal");
        }
        domain = v.substring(starts[i], ends[i]).replace("\r", "").replace("\n", "");
        if (!AddressParser.isLiteral(domain)) {
          return fail("bad address literal");
        }
      } else {
        int first = i;
        boolean spaced = false;
        boolean prevAtom = false;
        for (; i < to; i++) {
          int k = kinds[i];
          if (k == AT) {
            return fail("'@' twice");
          }
          if ((k != ATOM && k != DOT) || (k == ATOM && prevAtom)) {
            return fail("bad domain");
          }
          prevAtom = k == ATOM;
          spaced |= (i > first && gaps[i]);
        }
        if (spaced) {
          StringBuilder d = new StringBuilder();
          for (int j = first; j < to; j++) {
            d.append(v, starts[j], ends[j]);
          }
          domain = d.toString();
        } else {
          domain = v.substring(starts[first], ends[to - 1]);
        }
        String bad = AddressParser.domainProblem(domain);
        if (bad != null) {
          return fail(bad);
        }
      }
    }
    if (hasControl(local) || (domain != null && hasControl(domain))) {
      return fail("control character in address");
    }
    if (Utf8.invalidAt(local) >= 0 || (domain != null && Utf8.invalidAt(domain) >= 0)) {
      return fail(Utf8.INVALID);
    }
    if (local.length() + (domain == null ? 0 : domain.length() + 1) > AddressParser.MAX_LENGTH) {
      return fail("longer than " + AddressParser.MAX_LENGTH + " characters");
    }
    found = new Address(local, domain);
    return true;
  }

  private boolean fail(String reason) {
    why = reason;
    found = null;
    return false;
  }

  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /**
   * A local part written with quoted strings or CFWS, as the text it stands for: unquoted when that
   * is a dot-atom, else one quoted string ({@code "a"."b"} is {@code a.b}, {@code "john doe"} stays
   * quoted).
   */
  private String semanticLocal(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      if (kinds[i] == QUOTED) {
        unquote(v, starts[i], ends[i], sb);
      } else {
        sb.append(v, starts[i], ends[i]);
      }
    }
    String s = sb.toString();
    return isDotAtom(s) ? s : quote(s);
  }

  /** Appends the content of the quoted string at [s, e): quoted pairs resolved, folds removed. */
  static void unquote(String v, int s, int e, StringBuilder sb) {
    for (int j = s + 1; j < e - 1; j++) {
      char c = v.charAt(j);
      if (c == '\\' && j + 1 < e - 1) {
        sb.append(v.charAt(++j));
      } else if (c != '\r' && c != '\n') {
        sb.append(c);
      }
    }
  }

  /** True for a strict dot-atom: atext (8-bit allowed) in atoms joined by single dots. */
  static boolean isDotAtom(String s) {
    if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.' ? s.charAt(i - 1) == '.' : !isAtom(c) || c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} as one quoted string. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }

  // ---- display names ----

  /**
   * The display name at [s, e) of {@code value}: words joined by one space where white space or a
   * comment stood between them, quoted strings unquoted, stray characters left out, adjacent
   * encoded words decoded and joined (RFC 2047 section 6.2).
   */
  static String displayName(String value, int s, int e) {
    ListReader r = new ListReader(value.substring(s, e));
    StringBuilder sb = new StringBuilder();
    boolean prevEncoded = false;
    boolean any = false;
    boolean space = false;
    for (r.next(); r.kind != END; r.next()) {
      space |= r.gap;
      if (r.kind == STRAY) {
        space = true;
        continue;
      }
      String text = r.v.substring(r.ts, r.te);
      boolean encoded = r.kind == ATOM && text.startsWith("=?") && text.endsWith("?=");
      if (any && space && !(encoded && prevEncoded)) {
        sb.append(' ');
      }
      if (r.kind == QUOTED) {
        unquote(r.v, r.ts, r.te, sb);
      } else if (encoded) {
        sb.append(
            org.apache.james.mime4j.codec.DecoderUtil.decodeEncodedWords(
                text, org.apache.james.mime4j.codec.DecodeMonitor.SILENT));
      } else {
        sb.append(text);
      }
      prevEncoded = encoded;
      any = true;
      space = false;
    }
    return sb.toString();
  }
}
