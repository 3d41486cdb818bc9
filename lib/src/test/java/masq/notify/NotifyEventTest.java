package masq.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which delivery failures are AUTH or TLS failures for notify_command, by their wording. */
class NotifyEventTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "AUTH PLAIN as ann refused by [127.0.0.1]:25: 535 5.7.8 authentication failed|auth-failure",
        "[127.0.0.1]:25 does not offer AUTH PLAIN (offers LOGIN)|auth-failure",
        "AUTH CRAM-MD5 not available: no such mechanism|auth-failure",
        "smtp.example: 535 auth failed|auth-failure",
        "TLS with [127.0.0.1]:25 failed: PKIX path building failed|tls-failure",
        "STARTTLS refused by [127.0.0.1]:25: 454 4.7.0 TLS not available|tls-failure",
        "[127.0.0.1]:25 does not offer STARTTLS and tls = starttls: nothing sent in clear|tls-failure",
        "451 4.2.1 mailbox busy, try later|none",
        "550 5.1.1 no such user here|none",
        "cannot connect to [127.0.0.1]:25: Connection refused|none",
        "450 4.7.1 client host rejected: authentication required first|none",
      })
  void classifiesByTheClientsWording(String reason, String event) {
    NotifyEvent e = NotifyEvent.ofFailure(reason);
    assertEquals(event, e == null ? "none" : e.word());
  }
}
