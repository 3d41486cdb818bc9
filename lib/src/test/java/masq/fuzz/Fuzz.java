package masq.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import masq.Printable;

/**
 * masq's own small property-testing harness for the fuzz tests of the parsers that read what others
 * write: a property is checked on inputs made by a generator from a seeded {@link Random} (grammar
 * pieces and mutations of real text), so that a failure names the seed and the input and can be run
 * again. {@code -Dfuzz.tries=N} sets the tries per property ({@code make test}: 300; {@code make
 * fuzz}: many more); {@code -Dfuzz.seed=S} another seed. Each try must end within {@link #SLOW_MS}:
 * a parser that takes longer on one input is a finding too.
 */
public final class Fuzz {
  private Fuzz() {}

  /** Tries per property. */
  public static final int TRIES = Integer.getInteger("fuzz.tries", 300);

  /** The seed of the first try; each property adds its own name's hash. */
  public static final long SEED = Long.getLong("fuzz.seed", 20261208L);

  /** The most one input may take, in milliseconds. */
  public static final long SLOW_MS = 5000;

  /** A property of one input: returns normally, or throws what is wrong. */
  public interface Property {
    void check(String input) throws Exception;
  }

  /** Checks {@code p} on {@link #TRIES} inputs of {@code gen}; prints one line for make fuzz. */
  public static void forAll(String name, Function<Random, String> gen, Property p) {
    long seed = SEED + name.hashCode();
    Random r = new Random(seed);
    long start = System.nanoTime();
    for (int i = 0; i < TRIES; i++) {
      String input = gen.apply(r);
      long t = System.nanoTime();
      try {
        p.check(input);
      } catch (Exception | AssertionError e) {
        throw new AssertionError(
            name + ": try " + i + " (fuzz.seed " + SEED + ") fails on " + show(input) + ": " + e,
            e);
      }
      long ms = (System.nanoTime() - t) / 1_000_000;
      if (ms > SLOW_MS) {
        fail(name + ": " + ms + " ms on " + show(input));
      }
    }
    System.out.printf(
        "fuzz %-60s %8d tries %8.1f s%n", name, TRIES, (System.nanoTime() - start) / 1e9);
  }

  /** {@code input} as a failure message quotes it: printable, at most 400 characters. */
  public static String show(String input) {
    return "\"" + Printable.of(input, 400) + "\"";
  }

  /** One of {@code options}. */
  public static String pick(Random r, List<String> options) {
    return options.get(r.nextInt(options.size()));
  }

  /** The pieces a mutation inserts: what parsers have to be careful about. */
  private static final List<String> HOSTILE =
      List.of(
          "\0",
          "\r",
          "\n",
          "\r\n",
          "\t",
          " ",
          "<",
          ">",
          "@",
          "\"",
          "\\",
          "(",
          ")",
          ",",
          ";",
          ":",
          "[",
          "]",
          ".",
          "=?utf-8?b?",
          "=?iso-8859-1?q?a=e9?=",
          "?=",
          "\u00e9",
          "\u0085",
          "\u200b",
          "\uDC80",
          "\uD83D\uDE00",
          "%",
          "=",
          "+",
          "-",
          "#",
          "\u007f",
          "x".repeat(300));

  /** {@code text} with one to four random edits: pieces inserted, cut out, repeated or swapped. */
  public static String mutate(Random r, String text) {
    StringBuilder sb = new StringBuilder(text);
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = sb.isEmpty() ? 0 : r.nextInt(sb.length() + 1);
      switch (r.nextInt(4)) {
        case 0 -> sb.insert(at, pick(r, HOSTILE));
        case 1 -> {
          int end = Math.min(sb.length(), at + 1 + r.nextInt(8));
          sb.delete(Math.min(at, end), end);
        }
        case 2 -> {
          int end = Math.min(sb.length(), at + 1 + r.nextInt(16));
          String part = sb.substring(Math.min(at, end), end);
          sb.insert(at, part.repeat(1 + r.nextInt(3)));
        }
        default -> {
          if (sb.length() > 1) {
            int b = r.nextInt(sb.length());
            char c = sb.charAt(Math.min(at, sb.length() - 1));
            sb.setCharAt(Math.min(at, sb.length() - 1), sb.charAt(b));
            sb.setCharAt(b, c);
          }
        }
      }
    }
    return sb.toString();
  }
}
