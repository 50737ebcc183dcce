package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/** The {@code environment} block of an attest request: which approved manifest, and what was measured. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EnvironmentRef(
    String manifestId, String manifestHash, String manifestVersion, Map<String, String> measurements) {}
