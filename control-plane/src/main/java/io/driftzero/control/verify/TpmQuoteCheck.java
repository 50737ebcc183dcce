package io.driftzero.control.verify;

import io.driftzero.core.policy.PolicySet;
import io.driftzero.core.DzException;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.HardwareAnchor;
import io.driftzero.core.model.Reason;
import io.driftzero.core.tpm.QuoteVerifier;
import io.driftzero.core.tpm.TpmEvidence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * TPM 2.0 quotes ({@code hardware_anchor.type = tpm2}), verified off the TPM with JCA only: the AK is
 * enrolled and may speak for this actor, the quote's qualifyingData is this attestation's binding
 * digest (nonce + body), the PCR selection is the manifest's and the values are the approved ones.
 */
public final class TpmQuoteCheck implements EvidenceCheck {
  public static final String TPM_AK_NOT_BOUND_TO_ACTOR = "TPM_AK_NOT_BOUND_TO_ACTOR";

  @Override
  public Set<String> anchorTypes() {
    return Set.of(TpmEvidence.ANCHOR_TYPE);
  }

  @Override
  public List<Reason> check(AttestRequest req, EnvironmentAttestation statement, PolicySet ps, PolicySet.Policy policy) {
    HardwareAnchor anchor = statement.hardwareAnchor();
    if (anchor == null || !TpmEvidence.ANCHOR_TYPE.equals(anchor.type())) {
      return List.of();
    }
    TpmEvidence evidence;
    try {
      evidence = TpmEvidence.parse(anchor.evidence());
    } catch (DzException e) {
      return List.of(Reasons.of(QuoteVerifier.TPM_EVIDENCE_MALFORMED, e.getMessage()));
    }
    Optional<Manifest> manifest = ps.manifest(statement.manifestId(), statement.manifestVersion());
    List<Integer> selection = manifest.map(Manifest::pcrSelection).orElse(Manifest.DEFAULT_PCR_SELECTION);
    Map<Integer, String> expected = manifest.map(Manifest::pcrs).orElse(Map.of());
    List<Reason> out = new ArrayList<>(new QuoteVerifier(ps.tpmAks().values().stream().map(PolicySet.TpmAk::ak).toList())
        .verify(evidence, statement.bindingDigest(), selection, expected));
    PolicySet.TpmAk ak = ps.tpmAks().get(evidence.akName() == null ? "" : evidence.akName().toLowerCase(java.util.Locale.ROOT));
    String actor = statement.actor().id();
    if (ak != null && !ak.mayClaim(actor)) {
      out.add(Reasons.of(TPM_AK_NOT_BOUND_TO_ACTOR, "TPM AK " + ak.ak().describe() + " may not speak for actor '"
          + actor + "'; it is bound to " + ak.actors()));
    }
    return out;
  }
}
