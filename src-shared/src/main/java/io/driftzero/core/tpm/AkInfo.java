package io.driftzero.core.tpm;

/**
 * The attestation key: what an operator enrols and what a verifier checks quotes against.
 *
 * @param handle the persistent handle it lives at ({@link Tpm#AK_HANDLE})
 * @param name hex TPM name, {@code 000b} ‖ SHA-256(TPMT_PUBLIC): the value to enrol in policy
 * @param qualifiedName hex qualified name as reported by the TPM (TPM2_ReadPublic)
 * @param publicArea the TPMT_PUBLIC bytes
 * @param publicKeyPem the key as SPKI PEM
 */
public record AkInfo(int handle, String name, String qualifiedName, byte[] publicArea, String publicKeyPem) {
  public AkInfo {
    publicArea = publicArea.clone();
  }

  @Override
  public byte[] publicArea() {
    return publicArea.clone();
  }

  @Override
  public String toString() {
    return "AkInfo[handle=0x" + Integer.toHexString(handle) + ", name=" + name + "]";
  }
}
