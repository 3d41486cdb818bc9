package masq.address;

/**
 * The tokens of an address list, one at a time, for {@link ListReader} and {@link DisplayName}:
 * atoms, quoted strings, domain literals, the specials and stray characters, with the white space
 * and comments before each token skipped (and remembered in {@link #gap} and {@link #comment}). An
 * unclosed {@code "}, {@code (} or {@code [} is noted as the element's {@link #problem} and read as
 * a stray character, so that the text after it is read again; after the first unclosed quote or
 * bracket, and after {@value #MAX_FAILED_SCANS} unclosed comments, later ones are not searched for
 * their end, so that no input takes n² time.
 */
class ListScanner {
  static final int END = 0;
  static final int ATOM = 1;
  static final int QUOTED = 2;
  static final int LITERAL = 3;
  static final int DOT = 4;
  static final int AT = 5;
  static final int COMMA = 6;
  static final int SEMI = 7;
  static final int COLON = 8;
  static final int LT = 9;
  static final int GT = 10;
  static final int STRAY = 11;

  /** After this many unclosed comments, later ones are not searched for their end (no n²). */
  private static final int MAX_FAILED_SCANS = 16;

  final String v;
  final int n;

  // the current token and where the next one starts
  int pos;
  int kind;
  int ts;
  int te;
  boolean gap;
  private int failedScans;
  private boolean quoteUnclosed;
  private boolean literalUnclosed;

  // the current element: the first problem met, whether it has a comment
  String problem;
  boolean comment;

  ListScanner(String v) {
    this.v = v;
    this.n = v.length();
  }

  /** Reads the next token: {@link #kind} and its place [{@link #ts}, {@link #te}). */
  void next() {
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
  static boolean isAtom(char c) {
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

  /** Notes {@code p} as the current element's problem, unless one is noted already. */
  void note(String p) {
    if (problem == null) {
      problem = p;
    }
  }
}
