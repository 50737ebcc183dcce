package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** One named reason for a decision: a stable {@code code} tests and policies match, and a message saying what to do. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Reason(String code, String message) implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public String toString() {
    return code + ": " + message;
  }
}
