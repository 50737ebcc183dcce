package io.driftzero.control.credential;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.driftzero.core.DzException;
import io.driftzero.core.model.Credential;
import java.util.Date;
import java.util.function.Supplier;

/**
 * The built-in issuer: an ES256 JWT with {@code iss} = dz-control's public URL, {@code sub} = actor,
 * {@code aud} = target, and top-level claims naming scope, policy, manifest, attestation, audit event
 * and Rekor entry, so a cloud STS or Vault can match on them. Verifiable from dz-control's JWKS.
 */
public final class JwtCredentialIssuer implements CredentialIssuer {
  public static final String TYPE = "jwt";

  private final Supplier<String> issuer;
  private final Supplier<ECKey> keys;
  /** The current key and a signer for it, made once per key (it changes on rotation). */
  private record KeySigner(ECKey key, ECDSASigner signer) {}
  private volatile KeySigner current;

  public JwtCredentialIssuer(Supplier<String> issuer, ECKey key) throws DzException {
    this(issuer, () -> key);
    signer();
  }

  /** Signs with whatever key {@code keys} says is current. */
  public JwtCredentialIssuer(Supplier<String> issuer, Supplier<ECKey> keys) {
    this.issuer = issuer;
    this.keys = keys;
  }

  private KeySigner signer() throws DzException {
    ECKey key = keys.get();
    KeySigner ks = current;
    if (ks == null || !ks.key().getKeyID().equals(key.getKeyID())) {
      try {
        ECDSASigner signer = new ECDSASigner(io.driftzero.core.sign.EcKeys.forEcdsa(key.toPrivateKey()),
            com.nimbusds.jose.jwk.Curve.P_256);
        // Same provider choice as EcKeys: BouncyCastle's ECDSA is several times faster than SunEC on 17.
        signer.getJCAContext().setProvider(com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton.getInstance());
        ks = new KeySigner(key, signer);
      } catch (JOSEException e) {
        throw new DzException(DzException.Kind.INTERNAL, "credential signing key unusable", e);
      }
      current = ks;
    }
    return ks;
  }

  @Override
  public Credential issue(CredentialClaims c) throws DzException {
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
        .issuer(issuer.get())
        .subject(c.subject())
        .audience(c.audience())
        .issueTime(Date.from(c.issuedAt()))
        .notBeforeTime(Date.from(c.issuedAt()))
        .expirationTime(Date.from(c.expiresAt()))
        .jwtID(c.jti())
        .claim("scope", c.scope())
        .claim("policy", c.policy())
        .claim("manifest_id", c.manifestId())
        .claim("manifest_version", c.manifestVersion())
        .claim("manifest_hash", c.manifestHash())
        .claim("attestation_id", c.attestationId())
        .claim("audit_id", c.auditId());
    if (c.rekorUuid() != null) {
      b.claim("rekor_uuid", c.rekorUuid());
    }
    if (c.rekorLogIndex() != null) {
      b.claim("rekor_log_index", c.rekorLogIndex());
    }
    KeySigner ks = signer();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ks.key().getKeyID())
        .type(JOSEObjectType.JWT).build(), b.build());
    try {
      jwt.sign(ks.signer());
    } catch (JOSEException e) {
      throw new DzException(DzException.Kind.INTERNAL, "signing the credential failed", e);
    }
    return new Credential(TYPE, jwt.serialize());
  }
}
