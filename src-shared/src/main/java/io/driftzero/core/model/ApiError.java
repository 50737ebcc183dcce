package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Every 4xx/5xx that is not a decision: {@code {"error":{"code","field","message"}}}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ApiError(Body error) {
  /** The error itself; {@code field} names the request field at fault, when there is one. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Body(String code, String field, String message) {}

  public static ApiError of(String code, String field, String message) {
    return new ApiError(new Body(code, field, message));
  }
}
