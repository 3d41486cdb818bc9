package masq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLProtocolException;
import org.junit.jupiter.api.Test;

/** The JDK's texts as users read them: no class names, words where the JDK has none. */
class ErrorTextTest {
  @Test
  void classNamesAndTheAlertPrefixGo() {
    assertEquals(
        "PKIX path building failed: unable to find valid certification path to requested target",
        ErrorText.clean(
            "(certificate_unknown) PKIX path building failed:"
                + " sun.security.provider.certpath.SunCertPathBuilderException: unable to find"
                + " valid certification path to requested target"));
    assertEquals(
        "Connection reset",
        ErrorText.of(new IOException("java.net.SocketException: Connection reset")));
    assertEquals("line one line two", ErrorText.clean("line one\nline two"));
  }

  @Test
  void anExceptionWithoutWordsGetsWordsOfItsKind() {
    assertEquals("unexpected end of input", ErrorText.of(new EOFException()));
    assertEquals("network error", ErrorText.of(new SocketException()));
    assertEquals("unexpected internal error", ErrorText.of(new NullPointerException()));
    assertEquals(
        "unexpected internal error", ErrorText.of(new IOException(new NullPointerException())));
    assertEquals("input/output error", ErrorText.of(new IOException((String) null)));
  }

  @Test
  void aMessageThatSaysNothingGivesWayToItsCause() {
    SSLProtocolException e = new SSLProtocolException("Unexpected exception");
    e.initCause(
        new GeneralSecurityException(
            "Unexpected plaintext alert received: Level: fatal; Alert: unknown_ca"));
    assertEquals(
        "Unexpected plaintext alert received: Level: fatal; Alert: unknown_ca", ErrorText.of(e));
    assertEquals("unknown_ca", ErrorText.alert(e));
    assertEquals(true, ErrorText.alertReceived(e));
  }

  @Test
  void alertsOfEitherSide() {
    SSLHandshakeException theirs =
        new SSLHandshakeException("Received fatal alert: protocol_version");
    assertEquals("protocol_version", ErrorText.alert(theirs));
    assertEquals(true, ErrorText.alertReceived(theirs));
    SSLHandshakeException ours = new SSLHandshakeException("(certificate_unknown) PKIX ...");
    assertEquals("certificate_unknown", ErrorText.alert(ours));
    assertEquals(false, ErrorText.alertReceived(ours));
    assertEquals(null, ErrorText.alert(new IOException("Connection reset")));
  }
}
