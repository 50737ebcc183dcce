package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The first-class Sigstore block: the Rekor entry's log index and UUID, the Fulcio leaf certificate
 * (PEM), and the whole Sigstore bundle (v0.3 JSON) so dz-control verifies offline from it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SigstoreBlock(
    Long rekorLogIndex, String rekorUuid, String fulcioCertificate, JsonNode bundle) {}
