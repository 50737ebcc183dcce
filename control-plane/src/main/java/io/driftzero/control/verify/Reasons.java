package io.driftzero.control.verify;

import io.driftzero.core.model.Reason;

/**
 * Reason codes of attest and credential decisions (nonce codes live in NonceService, measurement
 * codes in core Facts). Codes are stable API: policies, dashboards and tests match on them.
 */
public final class Reasons {
  public static final String TIMESTAMP_STALE = "TIMESTAMP_STALE";
  public static final String POLICY_UNKNOWN = "POLICY_UNKNOWN";
  public static final String MANIFEST_UNKNOWN = "MANIFEST_UNKNOWN";
  public static final String MANIFEST_HASH_MISMATCH = "MANIFEST_HASH_MISMATCH";
  public static final String MANIFEST_NOT_ALLOWED = "MANIFEST_NOT_ALLOWED";
  public static final String ACTOR_NOT_ALLOWED = "ACTOR_NOT_ALLOWED";
  public static final String SIGNATURE_MISSING = "SIGNATURE_MISSING";
  public static final String SIGNATURE_AMBIGUOUS = "SIGNATURE_AMBIGUOUS";
  public static final String SIGNATURE_ALGORITHM_UNSUPPORTED = "SIGNATURE_ALGORITHM_UNSUPPORTED";
  public static final String KEY_NOT_ENROLLED = "KEY_NOT_ENROLLED";
  public static final String SIGNATURE_INVALID = "SIGNATURE_INVALID";
  public static final String ACTOR_NOT_BOUND_TO_KEY = "ACTOR_NOT_BOUND_TO_KEY";
  public static final String SIGSTORE_REQUIRED = "SIGSTORE_REQUIRED";
  public static final String SIGSTORE_NOT_CONFIGURED = "SIGSTORE_NOT_CONFIGURED";
  public static final String TPM_REQUIRED = "TPM_REQUIRED";
  public static final String HARDWARE_ANCHOR_UNSUPPORTED = "HARDWARE_ANCHOR_UNSUPPORTED";
  public static final String SESSION_EXPIRED = "SESSION_EXPIRED";
  public static final String TARGET_NOT_ALLOWED = "TARGET_NOT_ALLOWED";
  public static final String SCOPE_NOT_ALLOWED = "SCOPE_NOT_ALLOWED";
  public static final String TTL_EXCEEDS_MAX = "TTL_EXCEEDS_MAX";

  private Reasons() {}

  public static Reason of(String code, String message) {
    return new Reason(code, message);
  }
}
