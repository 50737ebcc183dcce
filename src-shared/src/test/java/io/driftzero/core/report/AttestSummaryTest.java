package io.driftzero.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.AttestFlow;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.Reason;
import io.driftzero.core.model.SignatureBlock;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.sign.SignedAttestation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AttestSummaryTest {
  static final AttestSummary KEYLESS = new AttestSummary("att-1", "ACCEPTED", List.of(), "aud-1",
      "2026-01-01T00:10:00Z", "dz://policy/deploy-prod", 1872341L, "24296fb24b8ad77a",
      "https://rekor.example/api/v1/log/entries/24296fb24b8ad77a");
  static final AttestSummary DENIED = new AttestSummary("att-2", "DENIED",
      List.of(new Reason("MANIFEST_MISMATCH", "fact os.release differs"), new Reason("ACTOR_NOT_ALLOWED", "no")),
      "aud-2", null, "dz://policy/deploy-prod", null, null, null);

  @Test
  void linesPutTheRekorReferenceFirstThenTheDecision() {
    assertEquals(List.of("rekor_log_index: 1872341", "rekor_uuid: 24296fb24b8ad77a",
        "rekor_entry: https://rekor.example/api/v1/log/entries/24296fb24b8ad77a", "attestation_id: att-1",
        "result: ACCEPTED", "audit_id: aud-1"), KEYLESS.lines());
  }

  @Test
  void keyBasedDenialListsEveryReasonAndNoRekorLines() {
    assertEquals(List.of("attestation_id: att-2", "result: DENIED",
        "reason: MANIFEST_MISMATCH: fact os.release differs", "reason: ACTOR_NOT_ALLOWED: no", "audit_id: aud-2"),
        DENIED.lines());
    assertFalse(DENIED.accepted());
    assertFalse(DENIED.hasRekorEntry());
  }

  @Test
  void outputsAreTheDocumentedVariablesAndOnlyThoseKnown() {
    assertEquals(Map.of("DRIFTZERO_RESULT", "ACCEPTED", "DRIFTZERO_AUDIT_ID", "aud-1",
        "DRIFTZERO_ATTESTATION_ID", "att-1", "DRIFTZERO_REKOR_UUID", "24296fb24b8ad77a",
        "DRIFTZERO_REKOR_LOG_INDEX", "1872341"), KEYLESS.outputs());
    assertEquals(List.of("DRIFTZERO_RESULT", "DRIFTZERO_AUDIT_ID", "DRIFTZERO_ATTESTATION_ID"),
        List.copyOf(DENIED.outputs().keySet()));
  }

  @Test
  void denialMessageNamesPolicyReasonsAndAuditId() {
    assertEquals("DriftZero denied the attestation under dz://policy/deploy-prod: MANIFEST_MISMATCH: fact"
        + " os.release differs; ACTOR_NOT_ALLOWED: no (audit_id aud-2)", DENIED.denialMessage());
  }

  @Test
  void ofTakesTheDecisionFromTheResponseAndTheEntryFromTheSignature() {
    AttestResponse resp = new AttestResponse("att-3", "ACCEPTED", null, "aud-3", "secret-session",
        "2026-01-01T00:10:00Z", "dz://policy/p");
    AttestFlow.Result keyless = new AttestFlow.Result(null,
        SignedAttestation.sigstore(new SigstoreBlock(7L, "uuid-7", "PEM", null)), resp);
    AttestSummary s = AttestSummary.of(keyless, Optional.empty());
    assertEquals(7L, s.rekorLogIndex());
    assertEquals("uuid-7", s.rekorUuid());
    assertEquals(null, s.rekorEntryUrl());
    assertEquals(List.of(), s.reasons());
    assertTrue(s.accepted());
    AttestFlow.Result keyBased = new AttestFlow.Result(null,
        SignedAttestation.keyBased(new SignatureBlock(SignatureBlock.ECDSA_P256_SHA256, "kid", "sig")), resp);
    assertFalse(AttestSummary.of(keyBased, Optional.empty()).hasRekorEntry());
    assertFalse(String.join("\n", s.lines()).contains("secret-session"), "the session token is never reported");
  }

  @Test
  void survivesJavaSerialisationAsPluginsSendItBetweenJvms() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
      o.writeObject(DENIED);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(DENIED, in.readObject());
    }
  }
}
