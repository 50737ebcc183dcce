package io.driftzero.core.report;

import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.model.Reason;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A credential decision without the credential: what may be printed or kept with a build. The token
 * itself never enters this type.
 *
 * @param result {@code ISSUED} or {@code DENIED}
 * @param expiresAt when the credential expires (null when denied)
 * @param ttlSeconds its lifetime (null when denied)
 * @param auditId the committed audit event
 * @param reasons the reasons of a denial (empty when issued)
 */
public record CredentialSummary(String result, String expiresAt, Integer ttlSeconds, String auditId,
    List<Reason> reasons) implements Serializable {
  private static final long serialVersionUID = 1L;

  public CredentialSummary {
    reasons = Collections.unmodifiableList(new ArrayList<>(reasons == null ? List.of() : reasons));
  }

  public static CredentialSummary of(CredentialResponse r) {
    return new CredentialSummary(r.result(), r.expiresAt(), r.ttlSeconds(), r.auditId(), r.reasons());
  }

  public boolean issued() {
    return CredentialResponse.ISSUED.equals(result);
  }

  /** {@code key: value} lines as dzctl prints them: result, expiry, reasons, audit id. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("result: " + result);
    if (issued()) {
      out.add("expires_at: " + expiresAt + " (ttl " + ttlSeconds + " s)");
    }
    for (Reason reason : reasons) {
      out.add("reason: " + reason.code() + ": " + reason.message());
    }
    out.add("audit_id: " + auditId);
    return out;
  }

  /** One sentence for a failed build. */
  public String denialMessage() {
    StringBuilder b = new StringBuilder("DriftZero denied the credential");
    for (int i = 0; i < reasons.size(); i++) {
      b.append(i == 0 ? ": " : "; ").append(reasons.get(i).code()).append(": ").append(reasons.get(i).message());
    }
    return b.append(" (audit_id ").append(auditId).append(')').toString();
  }
}
