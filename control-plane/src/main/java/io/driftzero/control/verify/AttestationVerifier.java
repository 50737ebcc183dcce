package io.driftzero.control.verify;

import io.driftzero.core.policy.PolicySet;
import io.driftzero.core.measure.Facts;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Judges one attest request against the policy in force. dz-control never trusts the agent's own
 * evaluation: it re-checks the signed measurements against the approved manifest, checks every piece
 * of evidence, and returns every failed rule (deny by default: an empty list is the only way in).
 * The nonce is checked by the caller, which must consume it whatever this says.
 */
public final class AttestationVerifier {
  private static final String TPM2 = "tpm2";
  private final Clock clock;
  private final Duration maxSkew;
  private final List<EvidenceCheck> checks;

  public AttestationVerifier(Clock clock, Duration maxSkew, List<EvidenceCheck> checks) {
    this.clock = clock;
    this.maxSkew = maxSkew;
    this.checks = List.copyOf(checks);
  }

  public List<Reason> verify(AttestRequest req, EnvironmentAttestation statement, PolicySet ps) {
    List<Reason> out = new ArrayList<>();
    Instant ts = Instant.parse(statement.timestamp());
    Duration skew = Duration.between(ts, clock.instant()).abs();
    if (skew.compareTo(maxSkew) > 0) {
      out.add(Reasons.of(Reasons.TIMESTAMP_STALE, "timestamp " + statement.timestamp() + " is " + skew.toSeconds()
          + " s from dz-control's clock (allowed " + maxSkew.toSeconds() + " s); check the runner's clock"));
    }
    Optional<PolicySet.Policy> policy = ps.policy(req.policy());
    if (policy.isEmpty()) {
      out.add(Reasons.of(Reasons.POLICY_UNKNOWN, "policy '" + req.policy() + "' is not defined; known: "
          + ps.policies().keySet().stream().sorted().toList()));
    }
    Optional<Manifest> manifest = ps.manifest(statement.manifestId(), statement.manifestVersion());
    if (manifest.isEmpty()) {
      out.add(Reasons.of(Reasons.MANIFEST_UNKNOWN, "manifest " + statement.manifestId() + "@" + statement.manifestVersion()
          + " is not approved in the policy; an admin adds it under manifests:"));
    } else {
      Manifest m = manifest.get();
      if (!m.hash().equals(statement.manifestHash())) {
        out.add(Reasons.of(Reasons.MANIFEST_HASH_MISMATCH, "manifest_hash " + statement.manifestHash()
            + " differs from the approved " + m.id() + "@" + m.version() + " (" + m.hash()
            + "); the agent's manifest file is not the approved one"));
      }
      out.addAll(Facts.check(m, statement.measurementsOrEmpty()));
    }
    policy.ifPresent(p -> {
      if (!p.allowsManifest(statement.manifestId(), statement.manifestVersion())) {
        out.add(Reasons.of(Reasons.MANIFEST_NOT_ALLOWED, "policy " + p.id() + " does not allow manifest "
            + statement.manifestId() + "@" + statement.manifestVersion() + "; it allows " + p.manifests()));
      }
      String actor = statement.actor().id();
      if (!p.allowsActor(actor)) {
        out.add(Reasons.of(Reasons.ACTOR_NOT_ALLOWED, "actor '" + actor + "' is not allowed by policy " + p.id()
            + "; allowed: " + p.actors()));
      }
    });
    var att = req.attestation();
    if (att.signature() == null && att.sigstore() == null) {
      out.add(Reasons.of(Reasons.SIGNATURE_MISSING, "the attestation is unsigned; sign it with an enrolled key or Sigstore"));
    } else if (att.signature() != null && att.sigstore() != null) {
      out.add(Reasons.of(Reasons.SIGNATURE_AMBIGUOUS, "give either attestation.signature or attestation.sigstore, not both"));
    }
    policy.ifPresent(p -> {
      if (p.requireSigstore() && att.sigstore() == null) {
        out.add(Reasons.of(Reasons.SIGSTORE_REQUIRED, "policy " + p.id()
            + " has require_sigstore: a keyless Sigstore signature (Fulcio certificate + Rekor entry) is required"));
      }
      if (p.requireTpm() && (att.hardwareAnchor() == null || !TPM2.equals(att.hardwareAnchor().type()))) {
        out.add(Reasons.of(Reasons.TPM_REQUIRED, "policy " + p.id()
            + " has require_tpm: a TPM 2.0 quote (hardware_anchor type tpm2) is required; attest with --tpm"));
      }
    });
    for (EvidenceCheck c : checks) {
      out.addAll(c.check(req, statement, ps, policy.orElse(null)));
    }
    return out;
  }
}
