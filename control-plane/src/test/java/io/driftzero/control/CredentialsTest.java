package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.driftzero.control.verify.Reasons;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.CredentialResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/credentials}: the issued JWT verified from the JWKS alone, and every denial. */
class CredentialsTest {
  @TempDir static Path dir;
  static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(dir);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @AfterEach
  void resetClock() {
    stack.clock.set(TestStack.START);
  }

  private static CredentialResponse request(AttestResponse a, String scope, String target, int ttl) throws DzException {
    return stack.client.credentials(new CredentialRequest(a.attestationId(), scope, target, ttl), a.sessionToken());
  }

  @Test
  void issuedJwtVerifiesWithOnlyTheServedJwks() throws Exception {
    AttestResponse a = stack.accepted();
    CredentialResponse c = request(a, TestStack.SCOPE, TestStack.TARGET, 600);
    assertEquals(CredentialResponse.ISSUED, c.result());
    assertEquals("jwt", c.credential().type());
    assertEquals(600, c.ttlSeconds());
    assertEquals(TestStack.START.plusSeconds(600).toString(), c.expiresAt());

    JWKSet jwks = JWKSet.parse(stack.get("/.well-known/jwks.json").body());
    SignedJWT jwt = SignedJWT.parse(c.credential().token());
    assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
    JWK jwk = jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
    assertNotNull(jwk, "the JWT's kid is published in the JWKS");
    assertTrue(jwt.verify(new ECDSAVerifier((ECKey) jwk)));

    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertEquals(stack.cp.url(), claims.getIssuer());
    assertEquals(TestStack.ACTOR, claims.getSubject());
    assertEquals(List.of(TestStack.TARGET), claims.getAudience());
    assertTrue(!claims.getExpirationTime().toInstant().isAfter(TestStack.START.plusSeconds(600)), "exp <= now + ttl");
    assertEquals(TestStack.START.plusSeconds(600), claims.getExpirationTime().toInstant());
    String jti = claims.getJWTID();
    assertNotNull(jti);
    assertEquals(TestStack.SCOPE, claims.getStringClaim("scope"));
    assertEquals(TestStack.POLICY, claims.getStringClaim("policy"));
    assertEquals(TestStack.MANIFEST_ID, claims.getStringClaim("manifest_id"));
    assertEquals(TestStack.MANIFEST_VERSION, claims.getStringClaim("manifest_version"));
    assertEquals(stack.manifest.hash(), claims.getStringClaim("manifest_hash"));
    assertEquals(a.attestationId(), claims.getStringClaim("attestation_id"));
    assertEquals(c.auditId(), claims.getStringClaim("audit_id"));

    AuditEvent e = stack.assertSignedEvent(c.auditId(), AuditEvent.CREDENTIAL_ISSUE, "ISSUED", Set.of());
    assertEquals(jti, e.credentialId(), "the ISSUED event names the credential's jti");
    assertEquals(TestStack.TARGET, e.target());
    assertEquals(600L, e.ttlSeconds());
    assertEquals(1, stack.count("SELECT COUNT(*) FROM credentials WHERE jti = ? AND audit_id = ?", jti, c.auditId()));
  }

  @Test
  void jwtSignedByTheAuditKeyIsNotTheCredentialKey() throws Exception {
    // The JWKS publishes two keys; the credential must be signed by exactly one of them, and the
    // audit events by the other (separate duties, separate keys).
    AttestResponse a = stack.accepted();
    CredentialResponse c = request(a, TestStack.SCOPE, TestStack.TARGET, 60);
    String jwtKid = SignedJWT.parse(c.credential().token()).getHeader().getKeyID();
    String auditKid = stack.client.auditEvent(c.auditId()).kid();
    JWKSet jwks = stack.client.jwks();
    assertEquals(2, jwks.getKeys().size());
    org.junit.jupiter.api.Assertions.assertNotEquals(jwtKid, auditKid);
  }

  private void assertCredentialDenied(AttestResponse a, String scope, String target, int ttl, String... codes)
      throws Exception {
    long before = stack.credentialRows(a.attestationId());
    CredentialResponse c = request(a, scope, target, ttl);
    assertEquals(CredentialResponse.DENIED, c.result());
    assertNull(c.credential());
    assertEquals(Set.of(codes), TestStack.codes(c.reasons()), () -> "reasons " + c.reasons());
    AuditEvent e = stack.assertSignedEvent(c.auditId(), AuditEvent.CREDENTIAL_ISSUE, "DENIED", Set.of(codes));
    assertNull(e.credentialId());
    assertEquals(a.attestationId(), e.attestationId());
    assertEquals(before, stack.credentialRows(a.attestationId()), "nothing issued");
  }

  @Test
  void targetNotAllowed() throws Exception {
    assertCredentialDenied(stack.accepted(), TestStack.SCOPE, "aws-prod-account-9999", 60, Reasons.TARGET_NOT_ALLOWED);
  }

  @Test
  void scopeNotAllowed() throws Exception {
    assertCredentialDenied(stack.accepted(), "admin", TestStack.TARGET, 60, Reasons.SCOPE_NOT_ALLOWED);
  }

  @Test
  void ttlExceedsMax() throws Exception {
    assertCredentialDenied(stack.accepted(), TestStack.SCOPE, TestStack.TARGET, TestStack.MAX_TTL + 1,
        Reasons.TTL_EXCEEDS_MAX);
  }

  @Test
  void ttlAtMaxIsIssued() throws Exception {
    assertEquals("ISSUED", request(stack.accepted(), TestStack.SCOPE, TestStack.TARGET, TestStack.MAX_TTL).result());
  }

  @Test
  void sessionExpired() throws Exception {
    AttestResponse a = stack.accepted();
    stack.clock.advance(Duration.ofSeconds(600));
    assertCredentialDenied(a, TestStack.SCOPE, TestStack.TARGET, 60, Reasons.SESSION_EXPIRED);
  }

  @Test
  void allCredentialReasonsAtOnce() throws Exception {
    assertCredentialDenied(stack.accepted(), "admin", "elsewhere", 3600, Reasons.TARGET_NOT_ALLOWED,
        Reasons.SCOPE_NOT_ALLOWED, Reasons.TTL_EXCEEDS_MAX);
  }

  @Test
  void wrongOrMissingBearerIs401AndRecordsNothing() throws Exception {
    AttestResponse a = stack.accepted();
    long height = stack.cp.audit().height();
    String body = Json.write(new CredentialRequest(a.attestationId(), TestStack.SCOPE, TestStack.TARGET, 60));

    for (String[] headers : new String[][] {{}, {"Authorization", "Bearer dzs_wrong"}, {"Authorization", "Basic abc"},
        {"Authorization", "Bearer "}}) {
      TestStack.Reply r = stack.postJson("/v1/credentials", body, headers);
      assertEquals(401, r.code(), () -> "headers " + List.of(headers));
      JsonNode err = Json.mapper().readTree(r.body());
      assertEquals("UNAUTHENTICATED", err.at("/error/code").asText());
      assertEquals("Authorization", err.at("/error/field").asText());
    }
    // A denied attestation has no session at all.
    var d = stack.draft();
    d.actor = TestStack.OTHER_ACTOR;
    AttestResponse denied = stack.client.attest(d.build());
    DzException ex = assertThrows(DzException.class, () -> stack.client.credentials(
        new CredentialRequest(denied.attestationId(), TestStack.SCOPE, TestStack.TARGET, 60), a.sessionToken()));
    assertTrue(ex.getMessage().contains("HTTP 401"), ex::getMessage);
    assertEquals(height + 1, stack.cp.audit().height(), "only the denied attestation was recorded; no 401 event");
    assertEquals(0, stack.credentialRows(a.attestationId()));
  }
}
