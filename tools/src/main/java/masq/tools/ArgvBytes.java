package masq.tools;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import masq.address.Utf8;

/**
 * The command-line arguments as the bytes they were given, read as strict UTF-8 ({@link Utf8}). The
 * JVM decodes argv in the locale's charset and replaces what it cannot read with U+FFFD: {@code
 * twin\xfe@} and {@code twin\xff@} would be one address, and in the C locale even valid UTF-8 such
 * as {@code jøran} would be lost. An argument beyond ASCII is therefore read again from
 * /proc/self/cmdline, whose last entries are the program's arguments; where that cannot be done (no
 * /proc, an entry that is not the argument the JVM decoded) the JVM's text stays, and its U+FFFD
 * makes an address refused all the same. Plain ASCII arguments cost no read.
 */
final class ArgvBytes {
  private ArgvBytes() {}

  static String[] exact(String[] args) {
    if (ascii(args)) {
      return args;
    }
    List<byte[]> argv;
    try {
      argv = split(Files.readAllBytes(Path.of("/proc/self/cmdline")));
    } catch (IOException | RuntimeException e) {
      return args;
    }
    if (argv.size() < args.length) {
      return args;
    }
    Charset jvm;
    try {
      jvm = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (RuntimeException e) {
      return args;
    }
    String[] out = new String[args.length];
    int first = argv.size() - args.length;
    for (int i = 0; i < args.length; i++) {
      byte[] raw = argv.get(first + i);
      if (!new String(raw, jvm).equals(args[i])) {
        return args; // not the arguments the JVM saw
      }
      out[i] = Utf8.decode(raw, 0, raw.length);
    }
    return out;
  }

  private static boolean ascii(String[] args) {
    for (String a : args) {
      for (int i = 0; i < a.length(); i++) {
        if (a.charAt(i) >= 0x80) {
          return false;
        }
      }
    }
    return true;
  }

  /** The NUL-terminated entries of a cmdline file. */
  private static List<byte[]> split(byte[] all) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == 0) {
        out.add(java.util.Arrays.copyOfRange(all, start, i));
        start = i + 1;
      }
    }
    return out;
  }
}
