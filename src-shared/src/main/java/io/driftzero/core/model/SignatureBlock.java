package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A key-based signature over the canonical environment attestation: {@code algorithm} (today
 * {@code ecdsa-p256-sha256}), the enrolled key's id (its RFC 7638 JWK thumbprint) and the base64 DER
 * signature value.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SignatureBlock(String algorithm, String keyId, String value) {
  public static final String ECDSA_P256_SHA256 = "ecdsa-p256-sha256";
}
