package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** {@code POST /v1/credentials} request, sent with the session token as a bearer. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CredentialRequest(String attestationId, String scope, String target, Integer ttlSeconds) {}
