package io.driftzero.core.sign;

import io.driftzero.core.DzException;
import io.driftzero.core.model.EnvironmentAttestation;

/**
 * Signs an environment attestation. One implementation per way of signing: an enrolled key file
 * ({@link KeyFileSigner}), Sigstore keyless (Fulcio + Rekor), a TPM-resident key. The flow never
 * knows which; it only puts the result in the attest request.
 */
public interface AttestationSigner {

  /** Signs {@code statement.payload()} and says where the signature goes in the request. */
  SignedAttestation sign(EnvironmentAttestation statement) throws DzException;

  /** A line for logs: what kind of signing this is, never key material. */
  String describe();
}
