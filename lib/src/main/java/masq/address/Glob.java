package masq.address;

/**
 * fnmatch(3)-style patterns as masqmail uses them: {@code *} any run, {@code ?} one character,
 * {@code [...]} a class ({@code [!...]} negated), {@code \} quotes the next character.
 */
public final class Glob {
  private Glob() {}

  public static boolean matches(String pattern, String text, boolean ignoreCase) {
    return match(pattern, 0, text, 0, ignoreCase);
  }

  private static boolean match(String p, int pi, String t, int ti, boolean ic) {
    int starP = -1;
    int starT = -1;
    while (ti < t.length()) {
      if (pi < p.length()) {
        char pc = p.charAt(pi);
        if (pc == '*') {
          starP = ++pi;
          starT = ti;
          continue;
        }
        int next = single(p, pi, t.charAt(ti), ic);
        if (next >= 0) {
          pi = next;
          ti++;
          continue;
        }
      }
      if (starP < 0) {
        return false;
      }
      pi = starP;
      ti = ++starT;
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  /** Matches one character at p[pi]; returns the index after the pattern element, or -1. */
  private static int single(String p, int pi, char c, boolean ic) {
    char pc = p.charAt(pi);
    if (pc == '?') {
      return pi + 1;
    }
    if (pc == '\\' && pi + 1 < p.length()) {
      return eq(p.charAt(pi + 1), c, ic) ? pi + 2 : -1;
    }
    if (pc == '[') {
      int i = pi + 1;
      boolean neg = i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^');
      if (neg) {
        i++;
      }
      boolean found = false;
      boolean first = true;
      while (i < p.length() && (first || p.charAt(i) != ']')) {
        first = false;
        char lo = p.charAt(i);
        if (i + 2 < p.length() && p.charAt(i + 1) == '-' && p.charAt(i + 2) != ']') {
          char hi = p.charAt(i + 2);
          char cc = ic ? Character.toLowerCase(c) : c;
          char l2 = ic ? Character.toLowerCase(lo) : lo;
          char h2 = ic ? Character.toLowerCase(hi) : hi;
          if (cc >= l2 && cc <= h2) {
            found = true;
          }
          i += 3;
        } else {
          if (eq(lo, c, ic)) {
            found = true;
          }
          i++;
        }
      }
      if (i >= p.length()) {
        return eq('[', c, ic) ? pi + 1 : -1; // no closing bracket: a literal '['
      }
      return found != neg ? i + 1 : -1;
    }
    return eq(pc, c, ic) ? pi + 1 : -1;
  }

  private static boolean eq(char a, char b, boolean ic) {
    return a == b || (ic && Character.toLowerCase(a) == Character.toLowerCase(b));
  }
}
