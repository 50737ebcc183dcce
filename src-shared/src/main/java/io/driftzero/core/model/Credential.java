package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A minted credential. The token is a secret: redacted from {@link #toString()}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Credential(String type, String token) {
  @Override
  public String toString() {
    return "Credential[type=" + type + ", token=***]";
  }
}
