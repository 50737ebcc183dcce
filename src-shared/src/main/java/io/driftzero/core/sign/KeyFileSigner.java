package io.driftzero.core.sign;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.core.DzException;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.SignatureBlock;
import java.nio.file.Path;

/**
 * Key-based signing with an ECDSA P-256 key file the agent holds; its public key is enrolled in
 * policy and bound to the actor ids it may claim. For offline or air-gapped runners; policies with
 * {@code require_sigstore} refuse it.
 */
public final class KeyFileSigner implements AttestationSigner {
  private final ECKey key;
  private final String source;
  private java.security.PrivateKey privateKey;

  private KeyFileSigner(ECKey key, String source) {
    this.key = key;
    this.source = source;
  }

  public static KeyFileSigner fromFile(Path file) throws DzException {
    return new KeyFileSigner(EcKeys.readPrivate(file), file.toString());
  }

  /** A signer for a PEM key held in memory; {@code where} names it in messages, never the key. */
  public static KeyFileSigner fromPem(String pem, String where) throws DzException {
    return new KeyFileSigner(EcKeys.parsePrivate(pem, where), where);
  }

  public static KeyFileSigner of(ECKey key) {
    return new KeyFileSigner(EcKeys.withThumbprintId(key), "in-memory key");
  }

  public String keyId() {
    return key.getKeyID();
  }

  @Override
  public SignedAttestation sign(EnvironmentAttestation statement) throws DzException {
    try {
      if (privateKey == null) {
        privateKey = EcKeys.forEcdsa(key.toPrivateKey());
      }
      String value = EcKeys.signDer(privateKey, statement.payload());
      return SignedAttestation.keyBased(
          new SignatureBlock(SignatureBlock.ECDSA_P256_SHA256, key.getKeyID(), value));
    } catch (JOSEException e) {
      throw new DzException(DzException.Kind.INTERNAL, "Cannot use key from " + source, e);
    }
  }

  @Override
  public String describe() {
    return "key-based (ecdsa-p256-sha256, key id " + key.getKeyID() + ")";
  }
}
