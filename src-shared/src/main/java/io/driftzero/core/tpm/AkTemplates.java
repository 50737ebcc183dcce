package io.driftzero.core.tpm;

import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_ECC_PARMS;
import tss.tpm.TPMS_ECC_POINT;
import tss.tpm.TPMS_NULL_KDF_SCHEME;
import tss.tpm.TPMS_SIG_SCHEME_ECDSA;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_ECC_CURVE;

/**
 * Key templates. The AK template is fixed: a primary created from it in the endorsement hierarchy
 * is the same key every time (the hierarchy seed and the template determine it), and its name is
 * what operators enrol.
 */
final class AkTemplates {
  /** TPMA_OBJECT bits of the AK: fixedTPM, fixedParent, sensitiveDataOrigin, userWithAuth, restricted, sign. */
  static final int AK_ATTRIBUTES = TpmPublicArea.FIXED_TPM | TpmPublicArea.FIXED_PARENT
      | TpmPublicArea.SENSITIVE_DATA_ORIGIN | TpmPublicArea.USER_WITH_AUTH | TpmPublicArea.RESTRICTED
      | TpmPublicArea.SIGN;

  private AkTemplates() {}

  /** ECC P-256, ECDSA-SHA256, SHA-256 name, empty authPolicy and unique. */
  static TPMT_PUBLIC eccSigning(boolean restricted) {
    int attrs = restricted ? AK_ATTRIBUTES : AK_ATTRIBUTES & ~TpmPublicArea.RESTRICTED;
    return new TPMT_PUBLIC(
        TPM_ALG_ID.SHA256,
        new TPMA_OBJECT(attrs),
        new byte[0],
        new TPMS_ECC_PARMS(
            TPMT_SYM_DEF_OBJECT.nullObject(),
            new TPMS_SIG_SCHEME_ECDSA(TPM_ALG_ID.SHA256),
            TPM_ECC_CURVE.NIST_P256,
            new TPMS_NULL_KDF_SCHEME()),
        new TPMS_ECC_POINT(new byte[0], new byte[0]));
  }

  /** True when {@code pub} is exactly what {@link #eccSigning eccSigning(true)} creates. */
  static boolean isAk(TpmPublicArea pub) {
    return pub.attributes() == AK_ATTRIBUTES
        && pub.signScheme() == TpmPublicArea.ALG_ECDSA
        && pub.signHash() == TpmPublicArea.ALG_SHA256;
  }
}
