package masq.accept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import masq.Exit;
import masq.address.Address;
import masq.address.AddressException;
import masq.message.Header;
import masq.message.MessageReader;
import org.junit.jupiter.api.Test;

class AcceptanceTest {
  private static final Instant T = Instant.parse("2024-03-05T11:34:56Z");

  private static List<Header> headers(String text) throws Exception {
    return new MessageReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), false)
        .readHeaders();
  }

  private static String apply(String text, List<Address> rcpts, String fullName, boolean save)
      throws Exception {
    Acceptance.Arrival ctx =
        new Acceptance.Arrival(
            "Vc1Qf2b-00y8-00",
            "pc.lan",
            Submission.Request.local(
                new Address("joe", "pc.lan"), fullName, rcpts, false, false, "joe", 1000, null),
            rcpts,
            save,
            T,
            ZoneId.of("Europe/Berlin"));
    StringBuilder sb = new StringBuilder();
    Acceptance.apply(headers(text), ctx).forEach(h -> sb.append(h.raw()));
    return sb.toString();
  }

  @Test
  void missingHeadersAreAddedAndReceivedGoesOnTop() throws Exception {
    String out = apply("Subject: hi\n\n", List.of(new Address("ann", "ex.org")), null, false);
    assertEquals(
        """
        Received: by pc.lan (masq 0.1.0, from userid 1000)
        \tid Vc1Qf2b-00y8-00
        \tfor <ann@ex.org>; Tue, 05 Mar 2024 12:34:56 +0100
        Subject: hi
        From: joe@pc.lan
        To: undisclosed-recipients:;
        Date: Tue, 05 Mar 2024 12:34:56 +0100
        Message-ID: <Vc1Qf2b-00y8-00@pc.lan>
        """,
        out);
  }

  @Test
  void presentHeadersAreKeptAndBccReturnPathEnvelopeToRemoved() throws Exception {
    String in =
        "From: A <a@x>\nTo: b@y\nBcc: secret@z\nReturn-Path: <evil@x>\nEnvelope-To: e@x\n"
            + "Date: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <m@x>\n\n";
    String out = apply(in, List.of(new Address("b", "y"), new Address("c", "y")), null, false);
    assertFalse(out.contains("Bcc"));
    assertFalse(out.contains("Return-Path"));
    assertFalse(out.contains("Envelope-To"));
    assertFalse(out.contains("for <"), "no 'for' with two recipients");
    assertTrue(
        out.contains(
            "From: A <a@x>\nTo: b@y\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <m@x>\n"));
    assertEquals(1, out.split("Received:", -1).length - 1);
    String saved = apply(in, List.of(new Address("b", "y")), null, true);
    assertTrue(saved.contains("X-Orig-Envelope-To: e@x\n"), saved);
  }

  @Test
  void fullNameMakesAQuotedOrEncodedDisplayName() throws Exception {
    assertTrue(
        apply("S: x\n\n", List.of(new Address("b", "y")), "Joe \"J\" Doe", false)
            .contains("From: \"Joe \\\"J\\\" Doe\" <joe@pc.lan>\n"));
    String enc = apply("S: x\n\n", List.of(new Address("b", "y")), "Jörg", false);
    assertTrue(enc.contains("From: =?UTF-8?B?SsO2cmc=?= <joe@pc.lan>\n"), enc);
  }

  @Test
  void senderHeaderAloneSuppressesFrom() throws Exception {
    String out = apply("Sender: s@x\nCc: c@y\n\n", List.of(new Address("c", "y")), null, false);
    assertFalse(out.contains("\nFrom:"));
    assertFalse(out.contains("undisclosed"));
  }

  @Test
  void headerRecipientsComeFromToCcAndBcc() throws Exception {
    List<Address> rs =
        Acceptance.headerRecipients(
            headers("To: a@x, \"B\" <b>\nCc: c@y\nBcc: d@z\nFrom: not@me\nX-To: no@no\n\n"),
            "pc.lan");
    assertEquals(
        List.of("a@x", "b@pc.lan", "c@y", "d@z"), rs.stream().map(Address::toString).toList());
  }

  @Test
  void headerRecipientsRecoverAnUnclosedBracketAndRefuseWhatCannotBeRead() throws Exception {
    List<Address> rs =
        Acceptance.headerRecipients(headers("To: a@x.example, Bob <bob@y.example\n\n"), "pc.lan");
    assertEquals(
        List.of("a@x.example", "bob@y.example"), rs.stream().map(Address::toString).toList());
    AddressException e =
        assertThrows(
            AddressException.class,
            () -> Acceptance.headerRecipients(headers("To: ok@x\ncc: Just A Name\n\n"), "pc.lan"));
    assertEquals(Exit.DATAERR, e.exitCode());
    assertTrue(
        e.getMessage().startsWith("unreadable address in cc: header: 'Just A Name'"),
        e.getMessage());
    assertThrows(
        AddressException.class,
        () -> Acceptance.headerRecipients(headers("Bcc: <>\n\n"), "pc.lan"));
  }
}
