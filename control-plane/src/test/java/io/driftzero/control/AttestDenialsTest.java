package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.driftzero.control.nonce.NonceService;
import io.driftzero.control.verify.Reasons;
import io.driftzero.core.measure.Facts;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.EnvironmentRef;
import io.driftzero.core.model.HardwareAnchor;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.sign.EcKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every attest denial reason through real HTTP: each asserts the exact codes, that a signed DENIED
 * event was committed (fetched by audit_id), and that no session or credential exists.
 */
class AttestDenialsTest {
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

  @Test
  void goodRequestIsAccepted() throws Exception {
    AttestResponse r = stack.accepted();
    assertNotNull(r.sessionToken());
    stack.assertSignedEvent(r.auditId(), "ATTEST", "ACCEPTED", java.util.Set.of());
  }

  @Test
  void nonceUnknown() throws Exception {
    var d = stack.draft();
    d.nonce = UUID.randomUUID().toString();
    stack.assertAttestDenied(d.build(), NonceService.NONCE_UNKNOWN);
  }

  @Test
  void nonceReusedWhenTheSameSignedRequestIsReplayed() throws Exception {
    AttestRequest req = stack.draft().build();
    assertEquals("ACCEPTED", stack.client.attest(req).result());
    stack.assertAttestDenied(req, NonceService.NONCE_REUSED);
  }

  @Test
  void nonceExpired() throws Exception {
    var d = stack.draft();
    stack.clock.advance(Duration.ofSeconds(121));
    d.timestamp = stack.clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    stack.assertAttestDenied(d.build(), NonceService.NONCE_EXPIRED);
  }

  @Test
  void timestampStale() throws Exception {
    var d = stack.draft();
    d.timestamp = TestStack.START.minusSeconds(301).toString();
    stack.assertAttestDenied(d.build(), Reasons.TIMESTAMP_STALE);
  }

  @Test
  void timestampFromTheFutureIsStaleToo() throws Exception {
    var d = stack.draft();
    d.timestamp = TestStack.START.plusSeconds(301).toString();
    stack.assertAttestDenied(d.build(), Reasons.TIMESTAMP_STALE);
  }

  @Test
  void policyUnknown() throws Exception {
    var d = stack.draft();
    d.policy = "dz://policy/nope";
    stack.assertAttestDenied(d.build(), Reasons.POLICY_UNKNOWN);
  }

  @Test
  void manifestUnknown() throws Exception {
    var d = stack.draft();
    d.manifestVersion = "9.9";
    stack.assertAttestDenied(d.build(), Reasons.MANIFEST_UNKNOWN, Reasons.MANIFEST_NOT_ALLOWED);
  }

  @Test
  void manifestHashMismatch() throws Exception {
    var d = stack.draft();
    d.manifestHash = "sha256:" + "ab".repeat(32);
    stack.assertAttestDenied(d.build(), Reasons.MANIFEST_HASH_MISMATCH);
  }

  @Test
  void manifestNotAllowedByThePolicy() throws Exception {
    var d = stack.draft();
    d.manifestId = TestStack.SPARE_MANIFEST_ID;
    d.manifestVersion = "1.0";
    d.manifestHash = stack.spareManifest.hash();
    stack.assertAttestDenied(d.build(), Reasons.MANIFEST_NOT_ALLOWED);
  }

  @Test
  void measurementMismatch() throws Exception {
    var d = stack.draft();
    d.measurements.put("env.DEPLOY_ENV", "dev");
    stack.assertAttestDenied(d.build(), Facts.MEASUREMENT_MISMATCH);
  }

  @Test
  void measurementMissing() throws Exception {
    var d = stack.draft();
    d.measurements.remove("os.arch");
    stack.assertAttestDenied(d.build(), Facts.MEASUREMENT_MISSING);
  }

  @Test
  void actorNotAllowed() throws Exception {
    var d = stack.draft();
    d.actor = TestStack.OTHER_ACTOR;
    stack.assertAttestDenied(d.build(), Reasons.ACTOR_NOT_ALLOWED);
  }

  @Test
  void signatureMissing() throws Exception {
    var d = stack.draft();
    d.signer = null;
    stack.assertAttestDenied(d.build(), Reasons.SIGNATURE_MISSING);
  }

  @Test
  void keyNotEnrolled() throws Exception {
    var d = stack.draft();
    d.signer = EcKeys.generate();
    stack.assertAttestDenied(d.build(), Reasons.KEY_NOT_ENROLLED);
  }

  @Test
  void signatureInvalidWhenAMeasurementIsAlteredAfterSigning() throws Exception {
    AttestRequest signed = stack.draft().build();
    Map<String, String> m = new TreeMap<>(signed.environment().measurements());
    m.put("os.name", "Windows");
    AttestRequest tampered = new AttestRequest(signed.policy(), new EnvironmentRef(signed.environment().manifestId(),
        signed.environment().manifestHash(), signed.environment().manifestVersion(), m), signed.attestation(),
        signed.actor());
    stack.assertAttestDenied(tampered, Reasons.SIGNATURE_INVALID);
  }

  @Test
  void actorNotBoundToKey() throws Exception {
    var d = stack.draft();
    d.signer = stack.otherKey;
    stack.assertAttestDenied(d.build(), Reasons.ACTOR_NOT_BOUND_TO_KEY);
  }

  @Test
  void signatureAlgorithmUnsupported() throws Exception {
    var d = stack.draft();
    d.algorithm = "rsa-pkcs1-sha256";
    stack.assertAttestDenied(d.build(), Reasons.SIGNATURE_ALGORITHM_UNSUPPORTED);
  }

  @Test
  void sigstoreRequired() throws Exception {
    var d = stack.draft();
    d.policy = TestStack.SIGSTORE_POLICY;
    stack.assertAttestDenied(d.build(), Reasons.SIGSTORE_REQUIRED);
  }

  @Test
  void tpmRequired() throws Exception {
    var d = stack.draft();
    d.policy = TestStack.TPM_POLICY;
    stack.assertAttestDenied(d.build(), Reasons.TPM_REQUIRED);
  }

  @Test
  void sigstoreBundleNobodyCanVerifyIsDeniedNotWavedThrough() throws Exception {
    var d = stack.draft();
    d.policy = TestStack.SIGSTORE_POLICY;
    d.signer = null;
    d.sigstore = new SigstoreBlock(42L, "24296fb24b8ad77a", null, JsonNodeFactory.instance.objectNode()
        .put("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json"));
    stack.assertAttestDenied(d.build(), Reasons.SIGSTORE_NOT_CONFIGURED);
  }

  @Test
  void hardwareAnchorNobodyCanVerifyIsDeniedNotWavedThrough() throws Exception {
    var d = stack.draft();
    d.anchor = new HardwareAnchor("sev-snp", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}));
    stack.assertAttestDenied(d.build(), Reasons.HARDWARE_ANCHOR_UNSUPPORTED);
  }

  @Test
  void anotherKindOfAnchorDoesNotSatisfyRequireTpm() throws Exception {
    var d = stack.draft();
    d.policy = TestStack.TPM_POLICY;
    d.anchor = new HardwareAnchor("sev-snp", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}));
    stack.assertAttestDenied(d.build(), Reasons.TPM_REQUIRED, Reasons.HARDWARE_ANCHOR_UNSUPPORTED);
  }

  @Test
  void unreadableTpmEvidenceIsDenied() throws Exception {
    var d = stack.draft();
    d.policy = TestStack.TPM_POLICY;
    d.anchor = new HardwareAnchor("tpm2", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}));
    stack.assertAttestDenied(d.build(), io.driftzero.core.tpm.QuoteVerifier.TPM_EVIDENCE_MALFORMED);
  }

  @Test
  void keySignatureAndSigstoreBundleTogetherIsAmbiguous() throws Exception {
    var d = stack.draft();
    d.sigstore = new SigstoreBlock(null, null, null, JsonNodeFactory.instance.objectNode());
    stack.assertAttestDenied(d.build(), Reasons.SIGNATURE_AMBIGUOUS, Reasons.SIGSTORE_NOT_CONFIGURED);
  }

  @Test
  void everyFailedRuleIsNamedAtOnce() throws Exception {
    var d = stack.draft();
    d.actor = TestStack.OTHER_ACTOR;
    d.measurements.put("os.arch", "arm64");
    d.timestamp = TestStack.START.minusSeconds(3600).toString();
    stack.assertAttestDenied(d.build(), Reasons.ACTOR_NOT_ALLOWED, Facts.MEASUREMENT_MISMATCH, Reasons.TIMESTAMP_STALE);
  }
}
