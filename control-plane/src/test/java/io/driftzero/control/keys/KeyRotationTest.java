package io.driftzero.control.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import io.driftzero.control.DzControl;
import io.driftzero.control.TestStack;
import io.driftzero.core.audit.AuditVerifier;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.CredentialResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key rotation on a real data directory: after {@code dz-control keys rotate} and a restart, new
 * events and credentials carry the new kids, while the whole chain and a credential minted before
 * the rotation still verify from the published JWKS alone.
 */
class KeyRotationTest {
  @TempDir Path dir;

  @Test
  void rotatedKeysStayPublishedSoHistoryStillVerifies() throws Exception {
    String oldToken;
    String oldAuditKid;
    try (TestStack before = TestStack.start(dir)) {
      AttestResponse a = before.accepted();
      CredentialResponse c = before.client.credentials(new CredentialRequest(a.attestationId(), TestStack.SCOPE,
          TestStack.TARGET, 600), a.sessionToken());
      oldToken = c.credential().token();
      oldAuditKid = before.client.auditEvent(c.auditId()).kid();
    }
    assertEquals(0, DzControl.run(new String[] {"keys", "rotate", "--data-dir", dir.resolve("data").toString()}, Map.of()));
    try (TestStack after = TestStack.start(dir)) {
      AttestResponse a = after.accepted();
      CredentialResponse c = after.client.credentials(new CredentialRequest(a.attestationId(), TestStack.SCOPE,
          TestStack.TARGET, 600), a.sessionToken());
      String newAuditKid = after.client.auditEvent(c.auditId()).kid();
      assertNotEquals(oldAuditKid, newAuditKid);
      var jwks = after.client.jwks();
      assertEquals(4, jwks.getKeys().size(), "current + retired audit and credential keys");
      AuditVerifier.Report report = new AuditVerifier(jwks).verifyChain(after.client.allAuditEvents(Map.of()));
      assertTrue(report.ok(), report.summary());
      SignedJWT old = SignedJWT.parse(oldToken);
      ECKey oldKey = (ECKey) jwks.getKeyByKeyId(old.getHeader().getKeyID());
      assertNotNull(oldKey, "the pre-rotation credential key is still published");
      assertTrue(old.verify(new ECDSAVerifier(oldKey)));
      assertNotEquals(old.getHeader().getKeyID(), SignedJWT.parse(c.credential().token()).getHeader().getKeyID());
    }
  }
}
