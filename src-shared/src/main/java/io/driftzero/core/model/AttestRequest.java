package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code POST /v1/attest} request: {@code {policy, environment, attestation, actor}}. The signed
 * statement is rebuilt from these fields by {@link #statement()}, so nothing is signed that is not
 * also checked.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AttestRequest(
    String policy, EnvironmentRef environment, AttestationBody attestation, Actor actor) {

  public EnvironmentAttestation statement() {
    return new EnvironmentAttestation(
        environment.manifestId(),
        environment.manifestHash(),
        environment.manifestVersion(),
        environment.measurements(),
        attestation.nonce(),
        attestation.timestamp(),
        attestation.agentVersion(),
        attestation.hardwareAnchor(),
        actor);
  }

  public static AttestRequest of(
      String policy, EnvironmentAttestation s, SignatureBlock signature, SigstoreBlock sigstore) {
    return new AttestRequest(
        policy,
        new EnvironmentRef(s.manifestId(), s.manifestHash(), s.manifestVersion(), s.measurements()),
        new AttestationBody(
            s.nonce(), s.timestamp(), s.agentVersion(), s.hardwareAnchor(), signature, sigstore),
        s.actor());
  }
}
