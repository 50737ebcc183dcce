package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** {@code GET /v1/nonce}: a single-use, short-lived nonce. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record NonceResponse(String nonce, String expiresAt) {}
