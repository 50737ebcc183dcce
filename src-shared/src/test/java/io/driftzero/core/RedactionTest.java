package io.driftzero.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.client.Session;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.Credential;
import io.driftzero.core.model.CredentialResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bearer secrets never appear in toString(), so a log line or an assertion message cannot leak them. */
class RedactionTest {
  static final String SESSION = "dzs_SECRETsessionTOKEN0123456789abcdefABCDEF";
  static final String JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.SECRETsignature";

  @Test
  void attestResponse() {
    String s = new AttestResponse("a-1", "ACCEPTED", List.of(), "e-1", SESSION, "2030-01-01T00:00:00Z", "p").toString();
    assertFalse(s.contains(SESSION), s);
    assertTrue(s.contains("a-1") && s.contains("e-1"), "the rest is still useful: " + s);
  }

  @Test
  void credentialAndTheResponseCarryingIt() {
    Credential c = new Credential("jwt", JWT);
    assertFalse(c.toString().contains("SECRET"), c.toString());
    String r = new CredentialResponse("ISSUED", c, "2030-01-01T00:00:00Z", 60, "e-2", null).toString();
    assertFalse(r.contains("SECRET"), r);
    assertTrue(r.contains("e-2"));
  }

  @Test
  void session() {
    String s = new Session("http://x", "a-1", SESSION, "2030-01-01T00:00:00Z", "p", "e-1", null, null).toString();
    assertFalse(s.contains(SESSION), s);
    assertTrue(s.contains("a-1"));
  }
}
