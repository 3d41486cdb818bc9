package masq.config;

import java.util.Collection;
import masq.Api;

/**
 * The one did-you-mean of masq: the known word nearest to a mistyped one, for configuration keys
 * (masq.conf and route files), command-line options, masq-queue's commands and route names.
 */
@Api
public final class NearestWord {
  private NearestWord() {}

  /**
   * {@code " (did you mean WORD?)"} for the known word nearest to {@code word} when it is close
   * enough to be a typing mistake (see {@link #of}), else the empty string.
   */
  public static String hint(String word, Collection<String> known) {
    String near = of(word, known);
    return near == null ? "" : " (did you mean " + near + "?)";
  }

  /**
   * The known word closest to {@code word} when it is close enough to be a typing mistake (an edit
   * distance of at most 1 for short words, 2 from 6 characters, 3 from 12; of several equally near,
   * the first in alphabetical order), else null. Leading dashes count as part of the word, so that
   * {@code --rout} finds {@code --route}. A short option ({@code -x}) has none: every other letter
   * is as near.
   */
  public static String of(String word, Collection<String> known) {
    if (word.length() <= 2 && word.startsWith("-")) {
      return null;
    }
    int allowed = word.length() >= 12 ? 3 : word.length() >= 6 ? 2 : 1;
    String best = null;
    int bestDistance = allowed + 1;
    for (String k : known) {
      int d = distance(word, k, bestDistance);
      if (d < bestDistance || (d == bestDistance && best != null && k.compareTo(best) < 0)) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  /**
   * The edit distance (insertions, deletions, substitutions, swaps of neighbours) between a and b,
   * or a value over {@code limit} as soon as it must exceed it.
   */
  private static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > limit) {
      return limit + 1;
    }
    int[] prev2 = new int[b.length() + 1];
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      int rowMin = cur[0];
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int d = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d = Math.min(d, prev2[j - 2] + 1);
        }
        cur[j] = d;
        rowMin = Math.min(rowMin, d);
      }
      if (rowMin > limit) {
        return limit + 1;
      }
      int[] t = prev2;
      prev2 = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
