package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Who claims to run: {@code {"type":"pipeline","id":"github.com/org/repo/.github/workflows/deploy.yml@refs/heads/main"}}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Actor(String type, String id) {}
