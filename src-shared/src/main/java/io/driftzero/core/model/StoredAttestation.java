package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code GET /v1/attestations/{id}}: a decided attestation as dz-control stored it, with the request
 * exactly as submitted (statement, signature or Sigstore bundle), so an auditor can re-verify it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StoredAttestation(String attestationId, String result, String createdAt, String expiresAt, String actor,
    String policy, String auditId, AttestRequest request) {}
