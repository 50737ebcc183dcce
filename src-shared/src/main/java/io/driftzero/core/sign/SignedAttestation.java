package io.driftzero.core.sign;

import io.driftzero.core.model.SignatureBlock;
import io.driftzero.core.model.SigstoreBlock;

/** The outcome of signing: a key-based {@code signature} or a {@code sigstore} block (bundle). */
public record SignedAttestation(SignatureBlock signature, SigstoreBlock sigstore) {
  public static SignedAttestation keyBased(SignatureBlock signature) {
    return new SignedAttestation(signature, null);
  }

  public static SignedAttestation sigstore(SigstoreBlock sigstore) {
    return new SignedAttestation(null, sigstore);
  }
}
