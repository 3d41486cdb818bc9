package masq.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import masq.Exit;
import masq.message.MessageFormatException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading a header section and writing it back, with the body still in the stream: byte for byte.
 */
class HeaderSectionTest {
  static Stream<Arguments> messages() {
    return Stream.of(
        Arguments.of("LF", "From: a\nSubject: x\n\nbody\n", 2),
        Arguments.of("CRLF", "From: a\r\nSubject: x\r\n\r\nbody\r\n", 2),
        Arguments.of("folded", "To: a,\n\tb,\n c\nSubject: x\n\nbody\n", 2),
        Arguments.of("8-bit", "Subject: \u00e4\u00ff\n\n\u00fc\u0080\n", 1),
        Arguments.of("mbox From line kept", "From a@b Mon Jan  1 00:00:00 2024\nFrom: a\n\nb\n", 1),
        Arguments.of(
            "no blank line: the first non-header line is body", "From: a\nthis is body\nmore\n", 1),
        Arguments.of("headers only, no newline at the end", "From: a\nSubject: x", 2),
        Arguments.of("no headers", "\nbody only\n", 0),
        Arguments.of("bare CR in body", "From: a\n\nx\ry\r\n", 1),
        Arguments.of("long body line", "From: a\n\n" + "x".repeat(200_000) + "\n", 1),
        Arguments.of(
            "long first body line without a blank line",
            "From: a\n" + "x y".repeat(70_000) + "\nz\n",
            1),
        // MessageReader's rule, kept when the two readers became one: a line is a header when its
        // colon comes within a header line's length; the old reader also took a colon one byte
        // later
        Arguments.of(
            "a field name as long as a header line is no header: the body starts there",
            "From: a\n" + "x".repeat(65_536) + ": y\n\nb\n",
            1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void roundTrip(String what, String message, int count) throws Exception {
    byte[] in = message.getBytes(StandardCharsets.ISO_8859_1);
    BufferedInputStream s = new BufferedInputStream(new ByteArrayInputStream(in));
    HeaderSection h = HeaderSection.read(s);
    assertEquals(count, h.headers().size(), what);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    h.write(h.headers(), out);
    s.transferTo(out);
    assertArrayEquals(in, out.toByteArray(), what);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "From: a\u0000\n\n"})
  void refused(String message) {
    MessageFormatException e =
        assertThrows(
            MessageFormatException.class,
            () ->
                HeaderSection.read(
                    new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1))));
    assertEquals(message.isEmpty() ? Exit.NOINPUT : Exit.DATAERR, e.exitCode());
  }

  @ParameterizedTest
  @ValueSource(ints = {70_000, 1_100_000})
  void oversizedHeaderRefused(int size) {
    String msg =
        size < 100_000
            ? "Subject: " + "x".repeat(size) + "\n\n"
            : ("X-A: " + "y".repeat(1000) + "\n").repeat(size / 1000) + "\n";
    MessageFormatException e =
        assertThrows(
            MessageFormatException.class,
            () ->
                HeaderSection.read(
                    new BufferedInputStream(
                        new ByteArrayInputStream(msg.getBytes(StandardCharsets.ISO_8859_1)))));
    assertEquals(Exit.DATAERR, e.exitCode());
  }
}
