package io.driftzero.core.tpm;

import io.driftzero.core.DzException;
import io.driftzero.core.HardwareAnchorSource;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.HardwareAnchor;

/**
 * A TPM 2.0 quote as the attestation's hardware anchor: the persistent AK quotes the manifest's PCR
 * selection with qualifyingData = {@link EnvironmentAttestation#bindingDigest()}, which covers the
 * control-plane nonce and the whole attestation body, so the quote cannot be replayed into another
 * attestation.
 */
public final class TpmAnchorSource implements HardwareAnchorSource {
  private final TpmMode mode;
  private String akName;

  public TpmAnchorSource(TpmMode mode) {
    this.mode = mode;
  }

  @Override
  public HardwareAnchor anchor(EnvironmentAttestation statement, Manifest manifest) throws DzException {
    try (Tpm tpm = Tpm.open(mode)) {
      akName = tpm.attestationKey().name();
      TpmEvidence evidence = tpm.quote(manifest.pcrSelection(), statement.bindingDigest());
      return new HardwareAnchor(TpmEvidence.ANCHOR_TYPE, evidence.toAnchorEvidence());
    }
  }

  @Override
  public String describe() {
    return "TPM 2.0 quote (" + mode + ", AK " + (akName == null ? "?" : akName) + ")";
  }
}
