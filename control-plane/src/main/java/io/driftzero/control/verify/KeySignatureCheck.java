package io.driftzero.control.verify;

import io.driftzero.core.policy.PolicySet;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.Reason;
import io.driftzero.core.model.SignatureBlock;
import io.driftzero.core.sign.EcKeys;
import java.util.ArrayList;
import java.util.List;

/** Key-based signatures: the key is enrolled, the signature verifies, the key may claim this actor. */
public final class KeySignatureCheck implements EvidenceCheck {
  @Override
  public List<Reason> check(AttestRequest req, EnvironmentAttestation statement, PolicySet ps, PolicySet.Policy policy) {
    SignatureBlock sig = req.attestation().signature();
    if (sig == null) {
      return List.of();
    }
    List<Reason> out = new ArrayList<>();
    if (!SignatureBlock.ECDSA_P256_SHA256.equals(sig.algorithm())) {
      out.add(Reasons.of(Reasons.SIGNATURE_ALGORITHM_UNSUPPORTED, "signature algorithm '" + sig.algorithm()
          + "' is not supported; sign with " + SignatureBlock.ECDSA_P256_SHA256));
      return out;
    }
    PolicySet.EnrolledKey key = ps.agentKeys().get(sig.keyId());
    if (key == null) {
      out.add(Reasons.of(Reasons.KEY_NOT_ENROLLED, "signing key " + sig.keyId()
          + " is not enrolled; an admin enrols its public key under agent_keys (dzctl keygen prints it)"));
      return out;
    }
    if (!EcKeys.verifyDer(key.publicKey(), statement.payload(), sig.value())) {
      out.add(Reasons.of(Reasons.SIGNATURE_INVALID, "signature does not verify with enrolled key '" + key.label()
          + "' over the canonical attestation: the attestation was altered or signed with another key"));
    }
    String actor = statement.actor() == null ? null : statement.actor().id();
    if (!key.mayClaim(actor)) {
      out.add(Reasons.of(Reasons.ACTOR_NOT_BOUND_TO_KEY, "key '" + key.label() + "' may not claim actor '" + actor
          + "'; it is bound to " + key.actors()));
    }
    return out;
  }
}
