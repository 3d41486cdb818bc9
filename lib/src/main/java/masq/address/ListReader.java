package masq.address;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one RFC 5322 address list (a To:, From: ... value, or a command-line argument) into {@link
 * Mailbox}es: the grammar of RFC 5322 section 3.4 with the obsolete forms of section 4.4 (CFWS
 * between the parts of an addr-spec, obs-local-part, obs-route, empty list elements), groups, and
 * unqualified addresses. One pass, no regular expressions, no Mime4j: the tokens come from the
 * {@link ListScanner} it extends, are gathered per element in {@link ListTokens}, and each
 * addr-spec among them is read by {@link AddrSpec}.
 *
 * <p>What is broken is either recovered or reported, never dropped: an unclosed {@code "}, {@code
 * (} or {@code [} is read as if its opening character were not there; an unclosed {@code <} ends at
 * the element's end; a stray {@code >}, {@code )}, {@code ]} or {@code \} is left out; a second
 * {@code <} or {@code @} after {@code >} starts a new element; words around a single addr-spec
 * without brackets are left out. Each such element carries its {@link Mailbox#problem}. What cannot
 * be read that way (two addresses without a comma, text inside {@code <...>}, a bad domain, a
 * control character in the address) comes back without an address.
 */
final class ListReader extends ListScanner {
  private static final String STRAY_SEMICOLON = "';' outside a group";

  // whether a group is open
  private boolean group;

  // the tokens gathered for the current element, and the reader of the addr-spec among them
  private final ListTokens t = new ListTokens();
  private final AddrSpec spec;

  private ListReader(String v) {
    super(v);
    spec = new AddrSpec(v, t);
  }

  static List<Mailbox> read(String value) {
    return new ListReader(value).list();
  }

  private List<Mailbox> list() {
    List<Mailbox> out = new ArrayList<>(2);
    next();
    while (kind != END) {
      t.count = 0;
      while (kind != LT && kind != COLON && kind != COMMA && kind != SEMI && kind != END) {
        t.push(this);
        next();
      }
      if (kind == LT) {
        angle(out);
        continue;
      }
      if (kind == COLON) {
        // a group's display name: the members follow (nested groups are read flat)
        t.count = 0;
        problem = null;
        comment = false;
        group = true;
        next();
        continue;
      }
      if (t.count > 0) {
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

  /** An element without angle brackets: an addr-spec, or words around one, or unreadable. */
  private void bare(List<Mailbox> out) {
    int elemStart = t.starts[0];
    int elemEnd = t.ends[t.count - 1];
    if (spec.read(0, t.count)) {
      out.add(
          new Mailbox(
              spec.found,
              v,
              t.starts[0],
              t.ends[t.count - 1],
              -1,
              -1,
              false,
              !comment && problem == null,
              problem));
      return;
    }
    String first = spec.why;
    if (t.dropStrays(this) && spec.read(0, t.count)) {
      out.add(
          new Mailbox(
              spec.found, v, t.starts[0], t.ends[t.count - 1], -1, -1, false, false, problem));
      return;
    }
    // words around one addr-spec: the addr-spec is the dotted words on each side of the only '@'
    int at = -1;
    for (int i = 0; i < t.count; i++) {
      if (t.kinds[i] == AT) {
        if (at >= 0) {
          // two words, each with its '@'; in one word the addr-spec's own reason says it
          first = t.spaced(at, i) ? "two addresses without ',' between them" : first;
          at = -2;
          break;
        }
        at = i;
      }
    }
    if (at >= 0) {
      int from = at;
      while (from > 0
          && (t.kinds[from - 1] == DOT
              || (ListTokens.isWord(t.kinds[from - 1]) && (from == at || t.kinds[from] == DOT)))) {
        from--;
      }
      int to = at + 1;
      if (to < t.count && t.kinds[to] == LITERAL) {
        to++;
      } else {
        while (to < t.count
            && ((t.kinds[to] == ATOM && (to == at + 1 || t.kinds[to - 1] == DOT))
                || (t.kinds[to] == DOT && t.kinds[to - 1] == ATOM))) {
          to++;
        }
      }
      // the run must stand apart: white space or a comment on both sides
      boolean apart = (from == 0 || t.gaps[from]) && (to == t.count || t.gaps[to]);
      if (from < at && to > at + 1 && apart && spec.read(from, to)) {
        note("text around the address");
        out.add(
            new Mailbox(
                spec.found, v, t.starts[from], t.ends[to - 1], -1, -1, false, false, problem));
        return;
      }
    }
    out.add(new Mailbox(null, v, elemStart, elemEnd, -1, -1, false, false, first));
  }

  /** A name-addr: the gathered tokens are the display name, the current token is '<'. */
  private void angle(List<Mailbox> out) {
    int nameStart = t.count > 0 ? t.starts[0] : -1;
    int nameEnd = t.count > 0 ? t.ends[t.count - 1] : -1;
    int elemStart = t.count > 0 ? t.starts[0] : ts;
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
    t.count = 0;
    while (kind != GT && kind != COMMA && kind != SEMI && kind != END && kind != LT) {
      t.push(this);
      next();
    }
    boolean closed = kind == GT;
    int elemEnd = closed ? te : t.count > 0 ? t.ends[t.count - 1] : ts;
    Address a = null;
    int s = closed ? ts : elemEnd;
    int e = s;
    if (bad == null && t.count == 0) {
      if (closed) {
        a = Address.NULL;
      } else {
        bad = "nothing after '<'";
      }
    } else if (bad == null) {
      if (spec.read(0, t.count)) {
        a = spec.found;
        s = t.starts[0];
        e = t.ends[t.count - 1];
      } else {
        bad = t.count > 1 && t.hasAt() && t.spaced(0, t.count - 1) ? "text inside <...>" : spec.why;
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
}
