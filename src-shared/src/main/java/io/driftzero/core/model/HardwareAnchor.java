package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Optional hardware evidence: {@code {"type":"tpm2","evidence":"base64…"}}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record HardwareAnchor(String type, String evidence) {}
