package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * {@code POST /v1/credentials} response: ISSUED with the credential (HTTP 200) or DENIED with reasons
 * (HTTP 403). Either way {@code audit_id} names the committed audit event.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CredentialResponse(
    String result,
    Credential credential,
    String expiresAt,
    Integer ttlSeconds,
    String auditId,
    List<Reason> reasons) {
  public static final String ISSUED = "ISSUED";
  public static final String DENIED = "DENIED";

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean issued() {
    return ISSUED.equals(result);
  }
}
