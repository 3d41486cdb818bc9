package masq.smtp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import masq.Api;
import masq.TempFile;
import masq.config.RegularFile;
import masq.spool.DirectoryFsync;

/**
 * The users masq-smtpd's AUTH accepts: {@code smtp_auth_file}, one line per user, {@code
 * NAME:pbkdf2-sha256:ITERATIONS:SALT:HASH} (SALT and HASH in standard Base64 with padding; HASH is
 * PBKDF2-HMAC-SHA256 of the password's UTF-8 bytes with that salt and iteration count, 32 bytes);
 * blank lines and lines starting with {@code #} are ignored. It checks a login ({@link #verify},
 * constant-time compare, the same work for an unknown name) and writes a user's line ({@link #put},
 * masq-smtpd --add-user), replacing the file atomically.
 */
@Api
public final class AuthUsers {
  /** The scheme word of a line. */
  public static final String SCHEME = "pbkdf2-sha256";

  /**
   * Iterations of a new line by default: about a quarter of a second of one core per login with the
   * launchers' JIT settings (OWASP's 600,000 took 1.5 s); --add-user --iterations changes it.
   */
  public static final int ITERATIONS = 100_000;

  /** The fewest iterations --add-user writes. */
  public static final int MIN_ITERATIONS = 1000;

  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;

  /** The largest iteration count a line may ask for (one login must not cost minutes). */
  public static final int MAX_ITERATIONS = 10_000_000;

  /** The largest file read (a line is about 120 bytes). */
  static final int MAX_FILE = 4 << 20;

  private static final byte[] DUMMY_SALT = new byte[SALT_BYTES];

  private final Path file;

  public AuthUsers(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /**
   * A user name: 1 to 64 characters of letters, digits and {@code . _ - + @} (nothing a Received:
   * comment, a log line or the file's colons would need to escape).
   */
  public static boolean validName(String name) {
    if (name == null || name.isEmpty() || name.length() > 64) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-'
              || c == '+'
              || c == '@';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when {@code password} is the password of {@code name}. An unknown name or a malformed line
   * costs one hash of {@link #ITERATIONS} too, so the time does not tell which names exist.
   *
   * @throws IOException when the file cannot be read (the login then fails for the time being)
   */
  boolean verify(String name, char[] password) throws IOException {
    String line = null;
    if (validName(name)) {
      byte[] all = RegularFile.read(file, MAX_FILE);
      for (String l : new String(all, StandardCharsets.UTF_8).split("\n", -1)) {
        if (l.startsWith(name + ":")) {
          line = l.strip();
        }
      }
    }
    String[] f = line == null ? null : line.split(":", -1);
    byte[] salt;
    byte[] want;
    int iterations;
    try {
      if (f == null || f.length != 5 || !f[1].equals(SCHEME)) {
        throw new IllegalArgumentException("no line");
      }
      iterations = Integer.parseInt(f[2]);
      salt = Base64.getDecoder().decode(f[3]);
      want = Base64.getDecoder().decode(f[4]);
      if (iterations < 1 || iterations > MAX_ITERATIONS || salt.length == 0 || want.length == 0) {
        throw new IllegalArgumentException("bad line");
      }
    } catch (IllegalArgumentException e) {
      hash(password.length == 0 ? new char[] {'x'} : password, DUMMY_SALT, ITERATIONS, HASH_BYTES);
      return false;
    }
    if (password.length == 0) {
      return false;
    }
    byte[] got = hash(password, salt, iterations, want.length);
    return MessageDigest.isEqual(got, want);
  }

  /** The line for {@code name} with {@code password}: a fresh random salt, {@code iterations}. */
  public static String line(String name, char[] password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    new SecureRandom().nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder();
    return name
        + ":"
        + SCHEME
        + ":"
        + iterations
        + ":"
        + b64.encodeToString(salt)
        + ":"
        + b64.encodeToString(hash(password, salt, iterations, HASH_BYTES));
  }

  /** PBKDF2-HMAC-SHA256 of the password's UTF-8 bytes (the JDK's, javax.crypto). */
  static byte[] hash(char[] password, byte[] salt, int iterations, int bytes) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256: " + e.getMessage(), e);
    } finally {
      spec.clearPassword();
    }
  }

  /** The characters of UTF-8 {@code bytes} (a SASL password), for {@link #verify}. */
  static char[] chars(byte[] bytes) {
    CharBuffer cb = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
    char[] c = Arrays.copyOfRange(cb.array(), cb.position(), cb.limit());
    Arrays.fill(cb.array(), '\0');
    return c;
  }

  /**
   * Sets {@code name}'s password: its line is replaced (or added at the end), every other line is
   * kept. The new file is written beside the old one, synced and renamed over it, so a reader sees
   * the old file or the new one, never a part. It keeps the old file's mode, owner and group; a new
   * file is 0600.
   *
   * @return true when the user was new
   */
  public boolean put(String name, char[] password, int iterations) throws IOException {
    if (!validName(name)) {
      throw new IllegalArgumentException("bad user name");
    }
    String newLine = line(name, password, iterations);
    List<String> lines = new ArrayList<>();
    PosixFileAttributes old = null;
    try {
      byte[] all = RegularFile.read(file, MAX_FILE);
      old = Files.readAttributes(file, PosixFileAttributes.class);
      String text = new String(all, StandardCharsets.UTF_8);
      if (text.endsWith("\n")) {
        text = text.substring(0, text.length() - 1);
      }
      if (!text.isEmpty()) {
        lines.addAll(Arrays.asList(text.split("\n", -1)));
      }
    } catch (NoSuchFileException e) {
      // a new file
    }
    boolean added = true;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(name + ":")) {
        if (added) {
          lines.set(i, newLine);
          added = false;
        } else {
          lines.remove(i--); // a second line for the name would be the one verify reads
        }
      }
    }
    if (added) {
      lines.add(newLine);
    }
    Set<PosixFilePermission> mode =
        old == null ? PosixFilePermissions.fromString("rw-------") : old.permissions();
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      TempFile.write(
          tmp,
          TempFile::createPrivate,
          (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8),
          true);
      PosixFileAttributeView view =
          Files.getFileAttributeView(tmp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      if (old != null) {
        GroupPrincipal group = old.group();
        if (!old.owner().equals(view.readAttributes().owner())) {
          view.setOwner(old.owner());
        }
        if (!group.equals(view.readAttributes().group())) {
          view.setGroup(group);
        }
      }
      view.setPermissions(mode);
      try {
        TempFile.replace(tmp, file);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + file + " atomically: " + e.getMessage(), e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    try {
      DirectoryFsync.onDisk(dir); // the rename itself
    } catch (IOException e) {
      // some file systems cannot sync a directory; the rename is still atomic
    }
    return added;
  }
}
