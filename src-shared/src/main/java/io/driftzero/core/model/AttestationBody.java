package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** The {@code attestation} block of an attest request. Exactly one of signature / sigstore signs it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AttestationBody(
    String nonce,
    String timestamp,
    String agentVersion,
    HardwareAnchor hardwareAnchor,
    SignatureBlock signature,
    SigstoreBlock sigstore) {}
