package io.driftzero.control.verify;

import io.driftzero.core.policy.PolicySet;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.Reason;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.sigstore.BundleVerification;
import io.driftzero.core.sigstore.BundleVerifier;
import io.driftzero.core.sigstore.IdentityPolicy;
import io.driftzero.core.sigstore.SigstoreReasons;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Sigstore keyless signatures, verified offline from the bundle and the pinned trusted root: chain,
 * signature over this attestation's canonical bytes, Rekor inclusion and checkpoint, certificate
 * validity at the integrated time, and the signer identity against the policy's
 * {@code sigstore_identities}. The claimed actor must be the certificate's identity and the
 * request's Rekor coordinates must be the verified ones, so what the audit event records is what
 * was proven.
 */
public final class SigstoreCheck implements EvidenceCheck {
  public static final String SIGSTORE_IDENTITY_NOT_CONFIGURED = "SIGSTORE_IDENTITY_NOT_CONFIGURED";
  public static final String SIGSTORE_ACTOR_MISMATCH = "SIGSTORE_ACTOR_MISMATCH";
  public static final String SIGSTORE_REKOR_REF_MISMATCH = "SIGSTORE_REKOR_REF_MISMATCH";
  private static final Set<String> IDENTITY_CODES = Set.of(SigstoreReasons.ISSUER_MISMATCH,
      SigstoreReasons.SUBJECT_MISMATCH, SigstoreReasons.EXTENSION_MISMATCH, SigstoreReasons.SELF_HOSTED_RUNNER);

  private final BundleVerifier verifier;

  public SigstoreCheck(BundleVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public boolean verifiesSigstore() {
    return true;
  }

  @Override
  public List<Reason> check(AttestRequest req, EnvironmentAttestation statement, PolicySet ps, PolicySet.Policy policy) {
    SigstoreBlock block = req.attestation().sigstore();
    if (block == null) {
      return List.of();
    }
    if (policy == null) {
      return List.of(); // POLICY_UNKNOWN is already a reason; nothing names the identities to accept
    }
    if (policy.sigstoreIdentities().isEmpty()) {
      return List.of(Reasons.of(SIGSTORE_IDENTITY_NOT_CONFIGURED, "policy " + policy.id()
          + " names no sigstore_identities, so no keyless signer is accepted; an admin adds the issuer and subject"));
    }
    byte[] payload = statement.payload();
    BundleVerification result = null;
    for (IdentityPolicy identity : policy.sigstoreIdentities()) {
      BundleVerification v = verifier.check(payload, block.bundle(), identity);
      if (result == null || v.verified()) {
        result = v;
      }
      if (v.verified() || !v.reasons().stream().allMatch(r -> IDENTITY_CODES.contains(r.code()))) {
        break; // verified, or a cryptographic failure no other identity can mend
      }
    }
    List<Reason> out = new ArrayList<>(result.reasons());
    if (result.identity() != null) {
      String expectedActor = actorOf(result.identity().subject());
      if (!expectedActor.equals(statement.actor().id())) {
        out.add(Reasons.of(SIGSTORE_ACTOR_MISMATCH, "the attestation claims actor '" + statement.actor().id()
            + "' but was signed by '" + result.identity().subject() + "'; claim '" + expectedActor + "'"));
      }
    }
    if (result.rekorLogIndex() != null && (!Objects.equals(block.rekorLogIndex(), result.rekorLogIndex())
        || (block.rekorUuid() != null && !block.rekorUuid().equals(result.rekorUuid())))) {
      out.add(Reasons.of(SIGSTORE_REKOR_REF_MISMATCH, "sigstore.rekor_log_index/rekor_uuid (" + block.rekorLogIndex()
          + ", " + block.rekorUuid() + ") are not the bundle's verified entry (" + result.rekorLogIndex() + ", "
          + result.rekorUuid() + ")"));
    }
    return out;
  }

  /** The actor id a certificate identity stands for: a URI SAN without scheme and trailing slashes, else the SAN. */
  public static String actorOf(String san) {
    if (san == null) {
      return "";
    }
    int i = san.indexOf("://");
    String id = i > 0 ? san.substring(i + 3) : san;
    // Jenkins job URLs (the oidc-provider token's sub, hence the SAN) end in '/'; the agent's
    // JenkinsIdTokenSource claims them without it, so both sides compare the same form.
    return i > 0 ? id.replaceAll("/+$", "") : id;
  }
}
