package masq.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.address.Mailbox;
import org.junit.jupiter.api.Test;

/**
 * The address readers on what others write (header fields, envelopes, command lines): never an
 * exception but masq's refusal, and every address read reads back the same when printed.
 */
class AddressFuzzTest {
  private static final List<String> SEEDS =
      List.of(
          "John Doe <jdoe@machine.example>",
          "\"Joe Q. Public\" <john.q.public@example.com>, Mary Smith <mary@x.test>",
          "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
          "Undisclosed recipients:;",
          "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
          "<@route.example:user@dest.example>",
          "=?utf-8?q?J=C3=B6rg?= <joerg@b\u00fccher.example>",
          "\"quoted local\"@example.org, postmaster, <>",
          "user@[192.0.2.1], user@[IPv6:2001:db8::1]",
          "j\u00f6rg@b\u00fccher.example (comment (nested)) , , ,");

  private static String value(Random r) {
    String s = Fuzz.pick(r, SEEDS);
    if (r.nextBoolean()) {
      s = s + ", " + Fuzz.pick(r, SEEDS);
    }
    return r.nextInt(5) == 0 ? s : Fuzz.mutate(r, s);
  }

  @Test
  void aListIsReadWithoutAnExceptionAndItsAddressesReadBack() {
    Fuzz.forAll(
        "address list: read, each address reads back",
        AddressFuzzTest::value,
        v -> {
          for (Mailbox m : AddressParser.parseList(v)) {
            assertTrue(0 <= m.start() && m.start() <= m.end() && m.end() <= v.length());
            if (m.address() == null || m.problem() != null || m.address().isNull()) {
              continue;
            }
            assertEquals(m.address(), AddressParser.parseList(m.text()).get(0).address());
            m.displayName();
            Address a = m.address();
            if (a.toString().length() <= 256) {
              assertEquals(a, AddressParser.parseEnvelope(a.bracketed()));
            }
          }
        });
  }

  @Test
  void anEnvelopeAddressIsRefusedOrReadsBackPrinted() {
    Fuzz.forAll(
        "envelope address: refused, or reads back printed",
        AddressFuzzTest::value,
        v -> {
          Address a;
          try {
            a = AddressParser.parseEnvelope(v);
          } catch (AddressException e) {
            return;
          }
          assertEquals(a, AddressParser.parseEnvelope(a.bracketed()));
        });
  }

  @Test
  void aRecipientArgumentIsRefusedOrItsAddressesReadBack() {
    Fuzz.forAll(
        "recipient argument: refused, or each reads back",
        AddressFuzzTest::value,
        v -> {
          List<Address> got;
          try {
            got = AddressParser.parseArgument(v);
          } catch (AddressException e) {
            return;
          }
          for (Address a : got) {
            assertEquals(List.of(a), AddressParser.parseArgument(a.toString()));
          }
        });
  }
}
