package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.driftzero.core.json.Json;
import java.util.List;

/**
 * One audit event: the seed's shape plus {@code seq}, {@code prev_hash}, {@code reasons} and the
 * signing {@code kid}; admin actions also carry a {@code detail} (e.g. the new policy's hash). {@code control_plane_signature} is base64 DER ECDSA P-256/SHA-256 over the RFC
 * 8785 canonical JSON of the event without that field; {@link #hash()} over the whole event is the
 * next event's {@code prev_hash}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AuditEvent(
    String auditId,
    Long seq,
    String timestamp,
    String actor,
    Environment environment,
    String policy,
    String action,
    String result,
    String target,
    String scope,
    Long ttlSeconds,
    String attestationId,
    String credentialId,
    List<Reason> reasons,
    Sigstore sigstore,
    String hardwareAnchor,
    String detail,
    String prevHash,
    String kid,
    String controlPlaneSignature) {

  public static final String GENESIS_HASH =
      "sha256:0000000000000000000000000000000000000000000000000000000000000000";

  /** Actions. */
  public static final String ATTEST = "ATTEST";
  public static final String CREDENTIAL_ISSUE = "CREDENTIAL_ISSUE";
  /** Admin actions on the policy; results {@code APPLIED} or {@code REJECTED}. */
  public static final String POLICY_UPDATE = "POLICY_UPDATE";
  public static final String POLICY_RELOAD = "POLICY_RELOAD";
  /** An admin rotated signing keys; detail names old and new kids. */
  public static final String KEY_ROTATE = "KEY_ROTATE";

  /** {@code {manifest_id, manifest_version, manifest_hash}}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Environment(String manifestId, String manifestVersion, String manifestHash) {}

  /** {@code {rekor_uuid, rekor_log_index}}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Sigstore(String rekorUuid, Long rekorLogIndex) {}

  public AuditEvent withSignature(String signature) {
    return new AuditEvent(auditId, seq, timestamp, actor, environment, policy, action, result,
        target, scope, ttlSeconds, attestationId, credentialId, reasons, sigstore, hardwareAnchor, detail,
        prevHash, kid, signature);
  }

  public AuditEvent withChain(long seq, String prevHash, String kid) {
    return new AuditEvent(auditId, seq, timestamp, actor, environment, policy, action, result,
        target, scope, ttlSeconds, attestationId, credentialId, reasons, sigstore, hardwareAnchor, detail,
        prevHash, kid, null);
  }

  /** The bytes {@code control_plane_signature} signs. */
  @JsonIgnore
  public byte[] signedBytes() {
    return Json.canonical(withSignature(null));
  }

  /** {@code sha256:hex} of the whole canonical event, signature included: the next {@code prev_hash}. */
  @JsonIgnore
  public String hash() {
    return Json.sha256(Json.canonical(this));
  }
}
