package masq.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import masq.address.Address;
import org.junit.jupiter.api.Test;

class VariablesTest {
  // expandOrFail: mda, maildir_path, notice templates

  @Test
  void variablesExpandAndUnknownOnesAreErrors() throws Exception {
    Map<String, String> v = Map.of("rcpt_local", "bob", "host_name", "h");
    assertEquals("/m/bob/ h $ $", Variables.expandOrFail("/m/${rcpt_local}/ $host_name $$ $", v));
    assertEquals("a-h.", Variables.expandOrFail("a-$host_name.", v));
    assertThrows(Variables.UnknownVariable.class, () -> Variables.expandOrFail("${nope}", v));
  }

  @Test
  void orFailKeepsBackslashesAndFailsOnEveryUnknownName() throws Exception {
    Map<String, String> v = Map.of("rcpt", "u@d");
    assertEquals("\\u@d a\\b", Variables.expandOrFail("\\$rcpt a\\b", v));
    assertEquals("$rcpt ${x $-", Variables.expandOrFail("$$rcpt ${x $-", v));
    assertEquals("u@dä", Variables.expandOrFail("$rcptä", v));
    Variables.UnknownVariable e =
        assertThrows(Variables.UnknownVariable.class, () -> Variables.expandOrFail("$nope", v));
    assertEquals("unknown variable ${nope}", e.getMessage());
    assertThrows(Variables.UnknownVariable.class, () -> Variables.expandOrFail("${}", v));
  }

  // expandOrKeep: the words of a pipe route command

  @Test
  void pipeVariables() {
    Map<String, String> v = Map.of("rcpt", "u@d", "rcpt_local", "u", "uid", "ID");
    assertEquals("u@d", Variables.expandOrKeep("$rcpt", v));
    assertEquals("to=u;ID.x", Variables.expandOrKeep("to=${rcpt_local};$uid.x", v));
    assertEquals("$rcpt $nope ${x", Variables.expandOrKeep("\\$rcpt $nope ${x", v));
    assertEquals("$", Variables.expandOrKeep("$", v));
    // a backslash quotes, $$ is nothing special, and what is kept is read again as text
    assertEquals("$u@d ab\\", Variables.expandOrKeep("$$rcpt a\\b\\", v));
    assertEquals("${nope} ${}", Variables.expandOrKeep("${nope} ${}", v));
    assertEquals("$rcptä", Variables.expandOrKeep("$rcptä", v));
    assertEquals("${au@d}", Variables.expandOrKeep("${a$rcpt}", v));
  }

  @Test
  void recipientAddsTheRecipientNamesToTheMessageOnes() {
    Map<String, String> v = Variables.recipient(Map.of("uid", "ID"), new Address("bob", "d"));
    assertEquals(Map.of("uid", "ID", "rcpt", "bob@d", "rcpt_local", "bob", "rcpt_domain", "d"), v);
    assertEquals("", Variables.recipient(Map.of(), new Address("bob", null)).get("rcpt_domain"));
  }
}
