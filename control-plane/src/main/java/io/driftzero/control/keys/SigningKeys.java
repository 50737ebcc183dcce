package io.driftzero.control.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import io.driftzero.core.DzException;
import io.driftzero.core.sign.EcKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * dz-control's two ES256 keys: one signs audit events, one signs credentials. Loaded from PKCS#8
 * PEM files in {@code <data-dir>/keys/} (created with mode 0600 on first start). Replicas share them
 * by sharing the files. The JWKS publishes both public halves with their {@code kid}s.
 */
public final class SigningKeys {
  private final ECKey audit;
  private final ECKey credential;

  private SigningKeys(ECKey audit, ECKey credential) {
    this.audit = audit;
    this.credential = credential;
  }

  public static SigningKeys loadOrCreate(Path keyDir) throws DzException {
    return new SigningKeys(load(keyDir.resolve("audit-signing.pem")), load(keyDir.resolve("credential-signing.pem")));
  }

  private static ECKey load(Path file) throws DzException {
    if (!Files.exists(file)) {
      EcKeys.writePrivate(EcKeys.generate(), file);
    }
    return EcKeys.readPrivate(file);
  }

  public ECKey audit() {
    return audit;
  }

  public ECKey credential() {
    return credential;
  }

  /** Public JWKS: credential and audit keys, {@code use: sig}, {@code alg: ES256}. */
  public JWKSet publicJwks() {
    return new JWKSet(List.of(publicJwk(credential), publicJwk(audit)));
  }

  private static JWK publicJwk(ECKey k) {
    return new ECKey.Builder(k.toPublicJWK()).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
        .keyID(k.getKeyID()).build();
  }
}
