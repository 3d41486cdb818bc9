package masq.deliver.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import javax.security.sasl.SaslException;
import org.junit.jupiter.api.Test;

/** The SCRAM-SHA-256 client against the example exchange of RFC 7677 section 3. */
class ScramClientTest {
  static final String NONCE = "rOprNGfwEbeRWgbNEkqO";
  static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void theExchangeOfRfc7677() throws Exception {
    ScramClient c = new ScramClient("user", "pencil", NONCE);
    assertEquals("n,,n=user,r=" + NONCE, s(c.initial()));
    assertEquals(
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        s(c.answer(b(SERVER_FIRST))));
    assertTrue(c.unfinished() != null, "not done before the server's signature");
    assertArrayEquals(new byte[0], c.answer(b("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
    assertNull(c.unfinished());
  }

  @Test
  void aWrongServerSignatureOrAnErrorFails() throws Exception {
    ScramClient c = new ScramClient("user", "pencil", NONCE);
    c.answer(b(SERVER_FIRST));
    SaslException e =
        assertThrows(
            SaslException.class,
            () -> c.answer(b("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")));
    assertTrue(e.getMessage().contains("signature is wrong"), e.getMessage());
    assertTrue(c.unfinished() != null);
    ScramClient d = new ScramClient("user", "pencil", NONCE);
    d.answer(b(SERVER_FIRST));
    e = assertThrows(SaslException.class, () -> d.answer(b("e=invalid-proof")));
    assertTrue(e.getMessage().contains("invalid-proof"), e.getMessage());
  }

  @Test
  void aServerFirstMessageThatCannotBeTrustedFails() {
    for (String bad :
        new String[] {
          "r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
          "r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
          "r=" + NONCE + "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=2000000000",
          "r=" + NONCE + "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",
          "r=" + NONCE + "x,s=***,i=4096",
          "r=" + NONCE + "x,i=4096",
          "m=ext,r=" + NONCE + "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
        }) {
      ScramClient c = new ScramClient("user", "pencil", NONCE);
      assertThrows(SaslException.class, () -> c.answer(b(bad)), bad);
    }
  }

  @Test
  void aLoginWithCommaOrEqualsIsEscaped() {
    assertEquals("n,,n=a=2Cb=3Dc,r=x", s(new ScramClient("a,b=c", "p", "x").initial()));
  }
}
