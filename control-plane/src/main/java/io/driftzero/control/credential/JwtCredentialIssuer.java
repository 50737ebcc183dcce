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
  private final ECKey key;
  private final ECDSASigner signer;

  public JwtCredentialIssuer(Supplier<String> issuer, ECKey key) throws DzException {
    this.issuer = issuer;
    this.key = key;
    try {
      this.signer = new ECDSASigner(io.driftzero.core.sign.EcKeys.forEcdsa(key.toPrivateKey()),
          com.nimbusds.jose.jwk.Curve.P_256);
      // Same provider choice as EcKeys: BouncyCastle's ECDSA is several times faster than SunEC on 17.
      this.signer.getJCAContext().setProvider(com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton.getInstance());
    } catch (JOSEException e) {
      throw new DzException(DzException.Kind.INTERNAL, "credential signing key unusable", e);
    }
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
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
        .type(JOSEObjectType.JWT).build(), b.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new DzException(DzException.Kind.INTERNAL, "signing the credential failed", e);
    }
    return new Credential(TYPE, jwt.serialize());
  }
}
