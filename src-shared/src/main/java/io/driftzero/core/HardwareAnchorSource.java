package io.driftzero.core;

import io.driftzero.core.measure.Manifest;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.HardwareAnchor;

/**
 * Produces hardware evidence for an attestation (a TPM quote). It receives the statement before
 * signing so the evidence can commit to {@link EnvironmentAttestation#bindingDigest()}, which covers
 * the control-plane nonce and the whole body.
 */
public interface HardwareAnchorSource {
  HardwareAnchor anchor(EnvironmentAttestation statement, Manifest manifest) throws DzException;

  /** A line for logs. */
  String describe();
}
