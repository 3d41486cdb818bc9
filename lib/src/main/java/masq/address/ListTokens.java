package masq.address;

import java.util.Arrays;

/**
 * The tokens {@link ListReader} gathers for one element of an address list (the display name, the
 * text inside {@code <...>}, or an element without brackets), as {@link ListScanner} read them:
 * kind, place and whether white space or a comment stood before each.
 */
final class ListTokens {
  int[] kinds = new int[8];
  int[] starts = new int[8];
  int[] ends = new int[8];
  boolean[] gaps = new boolean[8];
  int count;

  /** Adds the scanner's current token. */
  void push(ListScanner s) {
    if (count == kinds.length) {
      int m = count * 2;
      kinds = Arrays.copyOf(kinds, m);
      starts = Arrays.copyOf(starts, m);
      ends = Arrays.copyOf(ends, m);
      gaps = Arrays.copyOf(gaps, m);
    }
    kinds[count] = s.kind;
    starts[count] = s.ts;
    ends[count] = s.te;
    gaps[count] = s.gap;
    count++;
  }

  /** True when white space or a comment stands between tokens {@code a} and {@code b}. */
  boolean spaced(int a, int b) {
    for (int j = a + 1; j <= b; j++) {
      if (gaps[j]) {
        return true;
      }
    }
    return false;
  }

  /** True for a word of RFC 5322: an atom or a quoted string. */
  static boolean isWord(int k) {
    return k == ListScanner.ATOM || k == ListScanner.QUOTED;
  }

  /**
   * Leaves out stray characters (noted on {@code s}'s element, {@code s} having read them); true
   * when there were some and tokens are left.
   */
  boolean dropStrays(ListScanner s) {
    int w = 0;
    for (int r = 0; r < count; r++) {
      if (kinds[r] == ListScanner.STRAY || kinds[r] == ListScanner.GT) {
        s.note("stray '" + s.v.charAt(starts[r]) + "'");
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

  /** True when one of the tokens is an {@code @}. */
  boolean hasAt() {
    for (int i = 0; i < count; i++) {
      if (kinds[i] == ListScanner.AT) {
        return true;
      }
    }
    return false;
  }
}
