package io.driftzero.core.audit;

import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.Reason;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.model.StoredAttestation;
import io.driftzero.core.policy.PolicySet;
import io.driftzero.core.sigstore.BundleVerification;
import io.driftzero.core.sigstore.BundleVerifier;
import io.driftzero.core.sigstore.IdentityPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An auditor's offline check of one decision: the event's place in a verified chain, that it
 * describes the stored attestation, the attestation's Sigstore bundle against a pinned trusted root
 * (and the policy's signer identities), and that what was issued is within the named policy. Every
 * check says what it found; {@link Result#ok()} only when none failed.
 */
public final class EventAuditor {
  private static final Set<String> IDENTITY_CODES = Set.of("SIGSTORE_ISSUER_MISMATCH", "SIGSTORE_SUBJECT_MISMATCH",
      "SIGSTORE_EXTENSION_MISMATCH", "SIGSTORE_SELF_HOSTED_RUNNER");

  private final BundleVerifier sigstore;
  private final PolicySet policies;

  /** Both optional: without them the bundle and policy checks are reported as skipped. */
  public EventAuditor(BundleVerifier sigstore, PolicySet policies) {
    this.sigstore = sigstore;
    this.policies = policies;
  }

  /** One line per check: {@code ok} or not. */
  public record Finding(boolean ok, String text) {}

  /** All findings; ok when none failed. */
  public record Result(List<Finding> findings) {
    public boolean ok() {
      return findings.stream().allMatch(Finding::ok);
    }
  }

  public Result audit(AuditEvent event, AuditVerifier.Report chain, Optional<StoredAttestation> attestation) {
    List<Finding> out = new ArrayList<>();
    out.add(chain.ok() ? new Finding(true, "chain: " + chain.checked() + " events verify (signatures + hash chain);"
        + " event seq " + event.seq() + " is in it") : new Finding(false, "chain: " + chain.summary()));
    if (attestation.isEmpty()) {
      out.add(new Finding(event.attestationId() == null, "attestation: " + (event.attestationId() == null
          ? "none referenced" : "event names " + event.attestationId() + " but dz-control has no such attestation")));
    } else {
      attestationChecks(event, attestation.get(), out);
    }
    policyChecks(event, out);
    return new Result(List.copyOf(out));
  }

  private void attestationChecks(AuditEvent e, StoredAttestation a, List<Finding> out) {
    EnvironmentAttestation s = a.request().statement();
    boolean same = Objects.equals(e.attestationId(), a.attestationId()) && Objects.equals(e.actor(), s.actor().id())
        && e.environment() != null && Objects.equals(e.environment().manifestId(), s.manifestId())
        && Objects.equals(e.environment().manifestVersion(), s.manifestVersion())
        && Objects.equals(e.environment().manifestHash(), s.manifestHash()) && Objects.equals(e.policy(), a.policy());
    out.add(new Finding(same, "attestation " + a.attestationId() + ": " + (same
        ? "the event's actor, manifest and policy are the signed attestation's"
        : "the event does not describe this attestation (actor/manifest/policy differ)")));
    SigstoreBlock block = a.request().attestation().sigstore();
    if (block == null) {
      out.add(new Finding(e.sigstore() == null, "sigstore: " + (e.sigstore() == null
          ? "not used (key-based signature)" : "the event names a Rekor entry but the attestation has no bundle")));
      return;
    }
    if (sigstore == null) {
      out.add(new Finding(false, "sigstore: bundle present; pass --trusted-root to verify it"));
      return;
    }
    IdentityPolicy any = IdentityPolicy.regex("(any)", ".*");
    BundleVerification v = sigstore.check(s.payload(), block.bundle(), any);
    boolean crypto = v.reasons().stream().allMatch(r -> IDENTITY_CODES.contains(r.code()));
    if (!crypto) {
      out.add(new Finding(false, "sigstore: bundle does not verify: " + v.reasons()));
      return;
    }
    out.add(new Finding(true, "sigstore: bundle verifies against the trusted root (Fulcio chain, signature over"
        + " this attestation, Rekor inclusion); signed by " + v.identity().subject() + " (issuer " + v.identity().issuer() + ")"));
    boolean coords = e.sigstore() != null && Objects.equals(e.sigstore().rekorLogIndex(), v.rekorLogIndex())
        && Objects.equals(e.sigstore().rekorUuid(), v.rekorUuid());
    out.add(new Finding(coords, "rekor: " + (coords ? "event names the verified entry, log index " + v.rekorLogIndex()
        + ", uuid " + v.rekorUuid() : "event's Rekor reference " + e.sigstore() + " is not the bundle's entry")));
    if (policies != null) {
      policies.policy(a.policy()).ifPresent(p -> {
        List<Reason> best = null;
        for (IdentityPolicy id : p.sigstoreIdentities()) {
          List<Reason> r = sigstore.verify(s.payload(), block.bundle(), id);
          if (best == null || r.isEmpty()) {
            best = r;
          }
        }
        boolean ok = best != null && best.isEmpty();
        out.add(new Finding(ok, "identity: " + (ok ? "signer is one of policy " + p.id() + "'s sigstore_identities"
            : "signer is not accepted by policy " + p.id() + ": " + best)));
      });
    }
  }

  private void policyChecks(AuditEvent e, List<Finding> out) {
    if (policies == null) {
      out.add(new Finding(true, "policy: not checked (pass --policy FILE to check limits against the policy)"));
      return;
    }
    Optional<PolicySet.Policy> p = policies.policy(e.policy());
    if (p.isEmpty()) {
      out.add(new Finding(false, "policy: " + e.policy() + " is not in the given policy file"));
      return;
    }
    PolicySet.Policy pol = p.get();
    if (!"ISSUED".equals(e.result()) && !"ACCEPTED".equals(e.result())) {
      out.add(new Finding(true, "policy: a " + e.result() + " decision; nothing was granted"));
      return;
    }
    List<String> wrong = new ArrayList<>();
    if (!pol.allowsActor(e.actor())) {
      wrong.add("actor " + e.actor() + " not allowed");
    }
    if (e.environment() != null && !pol.allowsManifest(e.environment().manifestId(), e.environment().manifestVersion())) {
      wrong.add("manifest " + e.environment().manifestId() + "@" + e.environment().manifestVersion() + " not allowed");
    }
    if ("ISSUED".equals(e.result())) {
      if (!pol.targets().contains(e.target())) {
        wrong.add("target " + e.target() + " not in " + pol.targets());
      }
      if (!pol.scopes().contains(e.scope())) {
        wrong.add("scope " + e.scope() + " not in " + pol.scopes());
      }
      if (e.ttlSeconds() == null || e.ttlSeconds() > pol.maxTtlSeconds()) {
        wrong.add("ttl_seconds " + e.ttlSeconds() + " over max_ttl_seconds " + pol.maxTtlSeconds());
      }
    }
    out.add(new Finding(wrong.isEmpty(), "policy " + pol.id() + ": " + (wrong.isEmpty()
        ? "actor, manifest" + ("ISSUED".equals(e.result()) ? ", target, scope and TTL" : "") + " are within it"
        : String.join("; ", wrong))));
  }
}
