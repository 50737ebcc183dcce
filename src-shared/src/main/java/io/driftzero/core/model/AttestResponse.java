package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * {@code POST /v1/attest} response (HTTP 200 when ACCEPTED, 403 with the same shape when DENIED). The
 * session token is a bearer secret: it is redacted from {@link #toString()}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AttestResponse(
    String attestationId,
    String result,
    List<Reason> reasons,
    String auditId,
    String sessionToken,
    String expiresAt,
    String policy) {
  public static final String ACCEPTED = "ACCEPTED";
  public static final String DENIED = "DENIED";

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean accepted() {
    return ACCEPTED.equals(result);
  }

  @Override
  public String toString() {
    return "AttestResponse[attestationId=" + attestationId + ", result=" + result + ", reasons="
        + reasons + ", auditId=" + auditId + ", sessionToken=" + (sessionToken == null ? null : "***")
        + ", expiresAt=" + expiresAt + ", policy=" + policy + "]";
  }
}
