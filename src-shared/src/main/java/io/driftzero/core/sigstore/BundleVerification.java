package io.driftzero.core.sigstore;

import io.driftzero.core.model.Reason;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of {@link BundleVerifier#check}: no reasons means verified. The identity and log
 * coordinates are filled in once the certificate and log entry verified (null before that), so an
 * audit event can name who signed and where the entry is even when the identity is refused.
 */
public record BundleVerification(
    List<Reason> reasons,
    SigstoreIdentity identity,
    Long rekorLogIndex,
    String rekorUuid,
    Instant integratedTime) {

  public BundleVerification {
    reasons = List.copyOf(reasons);
  }

  public boolean verified() {
    return reasons.isEmpty();
  }

  static BundleVerification denied(String code, String message) {
    return new BundleVerification(List.of(new Reason(code, message)), null, null, null, null);
  }
}
