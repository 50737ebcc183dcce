package io.driftzero.core.report;

import io.driftzero.core.AttestFlow;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.Reason;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.sigstore.SigstoreInstance;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an attestation decided, in the one shape every wrapper reports: dzctl's text output, the
 * Jenkins console and build page, a job's output variables. Holds no secret (the session token stays
 * in {@link AttestFlow.Result}), so it may be logged, persisted with a build or sent between JVMs.
 *
 * @param attestationId dz-control's id of the attestation
 * @param result {@code ACCEPTED} or {@code DENIED}
 * @param reasons every named reason of the decision (empty when none)
 * @param auditId the committed audit event
 * @param expiresAt when the session expires (null when denied)
 * @param policy the policy judged under
 * @param rekorLogIndex the Rekor entry's log index, null when signed key-based
 * @param rekorUuid the Rekor entry's UUID, null when signed key-based
 * @param rekorEntryUrl where the Rekor entry can be read, null when unknown
 */
public record AttestSummary(
    String attestationId,
    String result,
    List<Reason> reasons,
    String auditId,
    String expiresAt,
    String policy,
    Long rekorLogIndex,
    String rekorUuid,
    String rekorEntryUrl) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Output variable names, shared by every wrapper that exports the decision. */
  public static final String VAR_RESULT = "DRIFTZERO_RESULT";
  public static final String VAR_AUDIT_ID = "DRIFTZERO_AUDIT_ID";
  public static final String VAR_ATTESTATION_ID = "DRIFTZERO_ATTESTATION_ID";
  public static final String VAR_REKOR_UUID = "DRIFTZERO_REKOR_UUID";
  public static final String VAR_REKOR_LOG_INDEX = "DRIFTZERO_REKOR_LOG_INDEX";

  public AttestSummary {
    // ArrayList behind an unmodifiable view: a plain JDK shape that every serialisation filter
    // (Jenkins remoting's among them) accepts, unlike List.copyOf's private classes.
    reasons = Collections.unmodifiableList(new ArrayList<>(reasons == null ? List.of() : reasons));
  }

  /** The summary of one run of the flow; the Rekor entry URL comes from the instance that signed. */
  public static AttestSummary of(AttestFlow.Result r, Optional<SigstoreInstance> instance) {
    AttestResponse resp = r.response();
    SigstoreBlock sig = r.signed().sigstore();
    String entry = sig == null || sig.rekorUuid() == null ? null
        : instance.flatMap(i -> i.rekorEntryUrl(sig.rekorUuid())).orElse(null);
    return new AttestSummary(resp.attestationId(), resp.result(), resp.reasons(), resp.auditId(),
        resp.expiresAt(), resp.policy(), sig == null ? null : sig.rekorLogIndex(),
        sig == null ? null : sig.rekorUuid(), entry);
  }

  /** True when dz-control accepted the attestation. */
  public boolean accepted() {
    return AttestResponse.ACCEPTED.equals(result);
  }

  /** True when the attestation carried a Sigstore bundle (and so has a Rekor entry). */
  public boolean hasRekorEntry() {
    return rekorUuid != null;
  }

  /**
   * The report as {@code key: value} lines, in dzctl's order: the transparency-log reference first,
   * each on its own line so CI logs capture it, then the decision, its reasons and the audit id.
   */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    if (rekorUuid != null) {
      out.add("rekor_log_index: " + rekorLogIndex);
      out.add("rekor_uuid: " + rekorUuid);
      if (rekorEntryUrl != null) {
        out.add("rekor_entry: " + rekorEntryUrl);
      }
    }
    out.add("attestation_id: " + attestationId);
    out.add("result: " + result);
    for (Reason reason : reasons) {
      out.add("reason: " + reason.code() + ": " + reason.message());
    }
    out.add("audit_id: " + auditId);
    return out;
  }

  /**
   * The non-secret output variables ({@value #VAR_RESULT}, …), in a stable order; the Rekor ones
   * only when there is an entry.
   */
  public Map<String, String> outputs() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(VAR_RESULT, result);
    out.put(VAR_AUDIT_ID, auditId);
    out.put(VAR_ATTESTATION_ID, attestationId);
    if (rekorUuid != null) {
      out.put(VAR_REKOR_UUID, rekorUuid);
      out.put(VAR_REKOR_LOG_INDEX, String.valueOf(rekorLogIndex));
    }
    out.values().removeIf(v -> v == null);
    return out;
  }

  /** One sentence for a failed build: the policy, every reason and the audit id to look up. */
  public String denialMessage() {
    StringBuilder b = new StringBuilder("DriftZero denied the attestation");
    if (policy != null) {
      b.append(" under ").append(policy);
    }
    if (reasons.isEmpty()) {
      b.append(" (no reason given)");
    } else {
      b.append(": ");
      for (int i = 0; i < reasons.size(); i++) {
        b.append(i == 0 ? "" : "; ").append(reasons.get(i).code()).append(": ").append(reasons.get(i).message());
      }
    }
    return b.append(" (audit_id ").append(auditId).append(')').toString();
  }
}
