package masq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file written whole under a temporary name, then renamed over the one in place. */
class TempFileTest {
  @TempDir Path dir;

  @Test
  void aPrivateFileIs0600AndNew() throws IOException {
    Path tmp = dir.resolve(".f.tmp");
    TempFile.write(tmp, TempFile::createPrivate, "one\n".getBytes(StandardCharsets.US_ASCII), true);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp)));
    assertEquals("one\n", Files.readString(tmp));
    assertThrows(
        FileAlreadyExistsException.class,
        () -> TempFile.write(tmp, TempFile::createPrivate, new byte[0], false));
    assertEquals("one\n", Files.readString(tmp));
  }

  @Test
  void replaceSwapsTheFileInPlace() throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "old\n");
    Path tmp = dir.resolve(".f.tmp");
    TempFile.write(
        tmp,
        p -> FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE),
        ch -> ch.write(StandardCharsets.US_ASCII.encode("new\n")),
        false);
    TempFile.replace(tmp, file);
    assertEquals("new\n", Files.readString(file));
    assertFalse(Files.exists(tmp));
  }
}
