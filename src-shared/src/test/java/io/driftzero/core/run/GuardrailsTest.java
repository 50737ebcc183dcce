package io.driftzero.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.sign.SigningSetup.Mode;
import org.junit.jupiter.api.Test;

class GuardrailsTest {
  static final Guardrails STRICT = new Guardrails(true, true);
  static final Guardrails LAX = new Guardrails(false, false);

  @Test
  void aJobCannotTurnSigstoreOffWhenItIsRequired() {
    DzException e = assertThrows(DzException.class, () -> STRICT.signingMode(Mode.CUSTOM, Mode.OFF));
    assertEquals(Guardrails.SIGSTORE_REQUIRED, e.getMessage());
    assertEquals(DzException.Kind.BAD_INPUT, e.kind());
  }

  @Test
  void requiringSigstoreWithNoInstanceIsAConfigurationError() {
    DzException e = assertThrows(DzException.class, () -> STRICT.signingMode(Mode.OFF, null));
    assertEquals(Guardrails.SIGSTORE_REQUIRED_BUT_OFF, e.getMessage());
  }

  @Test
  void jobsMayTightenOrKeepTheConfiguredMode() throws DzException {
    assertEquals(Mode.CUSTOM, STRICT.signingMode(Mode.CUSTOM, null));
    assertEquals(Mode.STAGING, STRICT.signingMode(Mode.CUSTOM, Mode.STAGING));
    assertEquals(Mode.CUSTOM, LAX.signingMode(Mode.OFF, Mode.CUSTOM));
    assertEquals(Mode.OFF, LAX.signingMode(Mode.CUSTOM, Mode.OFF));
  }

  @Test
  void failOnDenyCanOnlyBeTightened() throws DzException {
    assertTrue(STRICT.failOnDeny(null));
    assertTrue(STRICT.failOnDeny(true));
    DzException e = assertThrows(DzException.class, () -> STRICT.failOnDeny(false));
    assertEquals(Guardrails.FAIL_ON_DENY_ENFORCED, e.getMessage());
    assertFalse(LAX.failOnDeny(null));
    assertTrue(LAX.failOnDeny(true));
    assertFalse(LAX.failOnDeny(false));
  }
}
