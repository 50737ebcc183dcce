package io.driftzero.core.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.driftzero.core.json.Json;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment attestation as produced by the agent and signed (the seed's wire format plus the
 * {@code measurements} the manifest names). Its signed bytes are the RFC 8785 canonical JSON of this
 * record; {@link #bindingDigest()} is what a TPM quote's qualifyingData commits to.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EnvironmentAttestation(
    String manifestId,
    String manifestHash,
    String manifestVersion,
    Map<String, String> measurements,
    String nonce,
    String timestamp,
    String agentVersion,
    HardwareAnchor hardwareAnchor,
    Actor actor) {

  public EnvironmentAttestation {
    measurements = measurements == null ? null : new TreeMap<>(measurements);
  }

  /** The exact bytes that are signed (key-based) or logged as a blob (Sigstore). */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public byte[] payload() {
    return Json.canonical(this);
  }

  /**
   * SHA-256 of the canonical attestation without its hardware anchor. A TPM quote's qualifyingData
   * is this digest, so the quote is bound to this nonce and this body and cannot be replayed into
   * another attestation.
   */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public byte[] bindingDigest() {
    return Json.digest(withHardwareAnchor(null).payload());
  }

  public EnvironmentAttestation withHardwareAnchor(HardwareAnchor anchor) {
    return new EnvironmentAttestation(
        manifestId, manifestHash, manifestVersion, measurements, nonce, timestamp, agentVersion,
        anchor, actor);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public Map<String, String> measurementsOrEmpty() {
    return measurements == null ? Map.of() : measurements;
  }
}
