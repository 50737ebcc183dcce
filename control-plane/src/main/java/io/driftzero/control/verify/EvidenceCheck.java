package io.driftzero.control.verify;

import io.driftzero.core.policy.PolicySet;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.Reason;
import java.util.List;

/**
 * One kind of cryptographic evidence dz-control can check: a key-based signature, a Sigstore bundle,
 * a TPM quote. Each returns every reason it fails, and nothing when it does not apply.
 */
public interface EvidenceCheck {
  List<Reason> check(AttestRequest request, EnvironmentAttestation statement, PolicySet policies, PolicySet.Policy policy);

  /** Whether this check verifies {@code attestation.sigstore} bundles. */
  default boolean verifiesSigstore() {
    return false;
  }

  /** The {@code hardware_anchor.type}s this check verifies. */
  default java.util.Set<String> anchorTypes() {
    return java.util.Set.of();
  }
}
