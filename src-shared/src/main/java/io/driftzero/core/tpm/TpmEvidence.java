package io.driftzero.core.tpm;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A TPM 2.0 quote as carried in an attestation's {@code hardware_anchor: {type: "tpm2", evidence}}:
 * the evidence string is base64 of this record's RFC 8785 canonical JSON. Nothing here is trusted
 * until {@link QuoteVerifier} has checked it.
 *
 * @param akName hex TPM name of the attestation key (nameAlg ‖ SHA-256(TPMT_PUBLIC))
 * @param akPublic base64 TPMT_PUBLIC of the attestation key
 * @param attest base64 TPMS_ATTEST, exactly the bytes the TPM signed
 * @param signature base64 DER ECDSA signature (SHA-256) over {@code attest}
 * @param pcrBank the PCR bank quoted: {@code "sha256"}
 * @param pcrs PCR index (decimal string) → hex value, as read when quoting
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TpmEvidence(
    String akName, String akPublic, String attest, String signature, String pcrBank,
    Map<String, String> pcrs) {

  /** The {@code hardware_anchor.type} for this evidence. */
  public static final String ANCHOR_TYPE = "tpm2";

  /** The only PCR bank DriftZero quotes. */
  public static final String BANK_SHA256 = "sha256";

  public TpmEvidence {
    // Sorted by index so logs and diffs read in PCR order (the canonical form sorts anyway).
    if (pcrs != null) {
      TreeMap<String, String> sorted = new TreeMap<>(TpmEvidence::byIndex);
      sorted.putAll(pcrs);
      pcrs = Collections.unmodifiableSortedMap(sorted);
    }
  }

  /** Base64 of the RFC 8785 canonical JSON: the {@code hardware_anchor.evidence} string. */
  public String toAnchorEvidence() {
    return Base64.getEncoder().encodeToString(Json.canonical(this));
  }

  /**
   * Parses a {@code hardware_anchor.evidence} string.
   *
   * @throws DzException {@code BAD_INPUT} saying which part is malformed
   */
  public static TpmEvidence parse(String base64) throws DzException {
    if (base64 == null || base64.isBlank()) {
      throw bad("it is empty");
    }
    String json;
    try {
      json = new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw bad("not base64 (" + e.getMessage() + ")");
    }
    TpmEvidence ev = Json.read(json, TpmEvidence.class, "TPM evidence");
    ev.requireComplete();
    return ev;
  }

  private void requireComplete() throws DzException {
    String missing = akName == null ? "ak_name" : akPublic == null ? "ak_public"
        : attest == null ? "attest" : signature == null ? "signature"
        : pcrBank == null ? "pcr_bank" : pcrs == null ? "pcrs" : null;
    if (missing != null) {
      throw bad("field '" + missing + "' is missing");
    }
  }

  private static int byIndex(String a, String b) {
    int c = Integer.compare(a.length(), b.length()); // "2" before "10" for decimal indexes
    return c != 0 ? c : a.compareTo(b);
  }

  private static DzException bad(String why) {
    return new DzException(DzException.Kind.BAD_INPUT,
        "Malformed TPM evidence in hardware_anchor.evidence: " + why
            + "; it must be base64 of the JSON produced by the DriftZero agent's TPM quote");
  }
}
