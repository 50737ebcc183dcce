package io.driftzero.core.tpm;

import java.util.List;

/**
 * What TPM was found, for logs and {@code dzctl tpm info}.
 *
 * @param transport how it is reached, e.g. {@code /dev/tpmrm0} or {@code swtpm:127.0.0.1:2321}
 * @param manufacturer TPM_PT_MANUFACTURER as text, e.g. {@code IBM}, {@code INTC}, {@code MSFT}
 * @param vendor TPM_PT_VENDOR_STRING_1..4 as text
 * @param firmwareVersion TPM_PT_FIRMWARE_VERSION_1/2 as {@code major.minor.x.y}
 * @param specRevision TPM_PT_REVISION, e.g. {@code 1.64}
 * @param pcrBanks the allocated PCR banks, e.g. {@code [sha1, sha256]}
 */
public record TpmInfo(
    String transport, String manufacturer, String vendor, String firmwareVersion, String specRevision,
    List<String> pcrBanks) {

  public TpmInfo {
    pcrBanks = List.copyOf(pcrBanks);
  }
}
