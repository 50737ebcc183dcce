package io.driftzero.core.tpm;

import io.driftzero.core.DzException;
import io.driftzero.core.model.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Verifies a {@link TpmEvidence} off the TPM, with the JDK's crypto only: TSS.Java's own
 * {@code validateQuote}/{@code Crypto.validateSignature} are not used (the latter accepts any ECDSA
 * signature). The structures are parsed here by {@link TpmReader}.
 *
 * <p>Order matters. The key is established first (enrolled → public area hashes to the name →
 * restricted, fixedTPM, sign); then the signature. Until all of that holds the attest bytes are
 * untrusted, so verification stops at the first such failure and reports only it. After that,
 * every content check (magic, type, signer, nonce, PCR selection, digest, values) is reported.
 *
 * <p>Qualified signer: a primary key's parent is its hierarchy, whose qualified name is the
 * hierarchy handle (Part 1, §16 "Names"/"Qualified Name"), so for the endorsement-hierarchy AK it
 * is {@code 000b ‖ SHA-256(0x4000000B ‖ name)}. A key in another hierarchy, or a child key, fails
 * {@link #TPM_QUALIFIED_SIGNER}: DriftZero only enrols endorsement-hierarchy primary AKs.
 */
public final class QuoteVerifier {
  /** Not base64/JSON, a missing field, an unsupported key type, a bad PCR map or unparsable TPMS_ATTEST. */
  public static final String TPM_EVIDENCE_MALFORMED = "TPM_EVIDENCE_MALFORMED";
  /** {@code ak_name} is not among the enrolled AKs. */
  public static final String TPM_AK_NOT_ENROLLED = "TPM_AK_NOT_ENROLLED";
  /** {@code ak_public} does not hash to {@code ak_name}. */
  public static final String TPM_AK_NAME_MISMATCH = "TPM_AK_NAME_MISMATCH";
  /** The key lacks restricted, fixedTPM or sign: it could have signed a forgery. */
  public static final String TPM_AK_NOT_RESTRICTED = "TPM_AK_NOT_RESTRICTED";
  /** ECDSA-SHA256 over the TPMS_ATTEST bytes does not verify with the AK. */
  public static final String TPM_SIGNATURE_INVALID = "TPM_SIGNATURE_INVALID";
  /** The signed data does not start with TPM_GENERATED_VALUE. */
  public static final String TPM_ATTEST_MAGIC = "TPM_ATTEST_MAGIC";
  /** The signed attestation is not a TPM_ST_ATTEST_QUOTE. */
  public static final String TPM_ATTEST_TYPE = "TPM_ATTEST_TYPE";
  /** qualifiedSigner is not that of an endorsement-hierarchy primary with the AK's name. */
  public static final String TPM_QUALIFIED_SIGNER = "TPM_QUALIFIED_SIGNER";
  /** extraData is not the expected qualifyingData (stale or replayed quote). */
  public static final String TPM_NONCE_MISMATCH = "TPM_NONCE_MISMATCH";
  /** The quoted PCR selection is not exactly the expected sha256 selection. */
  public static final String TPM_PCR_SELECTION = "TPM_PCR_SELECTION";
  /** The reported PCR values do not hash to the signed pcrDigest. */
  public static final String TPM_PCR_DIGEST = "TPM_PCR_DIGEST";
  /** A reported PCR value differs from the expected one (one reason per PCR). */
  public static final String TPM_PCR_VALUE_MISMATCH = "TPM_PCR_VALUE_MISMATCH";

  /** TPM_RH_ENDORSEMENT: the name (and qualified name) of the endorsement hierarchy. */
  static final int TPM_RH_ENDORSEMENT = 0x4000000B;

  private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{64}");
  private static final HexFormat HEX = HexFormat.of();

  private final Map<String, EnrolledAk> enrolled = new LinkedHashMap<>();

  /** @param enrolled the AKs the policy trusts (for this actor) */
  public QuoteVerifier(Collection<EnrolledAk> enrolled) {
    for (EnrolledAk ak : enrolled) {
      this.enrolled.put(ak.name().toLowerCase(Locale.ROOT), ak);
    }
  }

  /**
   * Verifies a {@code hardware_anchor.evidence} string; a string that does not parse yields
   * {@link #TPM_EVIDENCE_MALFORMED}.
   */
  public List<Reason> verify(String anchorEvidence, byte[] qualifyingData, List<Integer> expectedPcrs,
      Map<Integer, String> expectedValues) {
    try {
      return verify(TpmEvidence.parse(anchorEvidence), qualifyingData, expectedPcrs, expectedValues);
    } catch (DzException e) {
      return List.of(new Reason(TPM_EVIDENCE_MALFORMED, e.getMessage()));
    }
  }

  /**
   * Verifies a quote.
   *
   * @param ev the evidence
   * @param qualifyingData what the quote must commit to: the attestation's binding digest
   * @param expectedPcrs the sha256-bank PCR indexes the policy requires to be quoted, exactly
   * @param expectedValues index → hex value the policy requires; empty means no value check
   * @return the reasons it is not valid; empty when it is
   */
  public List<Reason> verify(TpmEvidence ev, byte[] qualifyingData, List<Integer> expectedPcrs,
      Map<Integer, String> expectedValues) {
    Decoded d;
    try {
      d = decode(ev);
    } catch (TpmReader.Malformed | IllegalArgumentException e) {
      return List.of(new Reason(TPM_EVIDENCE_MALFORMED, "TPM evidence is malformed: " + e.getMessage()
          + "; the agent must send the quote as produced by its TPM"));
    }
    String akName = ev.akName().toLowerCase(Locale.ROOT);
    EnrolledAk ak = enrolled.get(akName);
    if (ak == null) {
      return List.of(new Reason(TPM_AK_NOT_ENROLLED, "TPM attestation key " + akName
          + " is not enrolled for this actor; if this runner is yours, add its AK name to the policy"));
    }
    if (!MessageDigest.isEqual(d.pub.name(), HEX.parseHex(akName))) {
      return List.of(new Reason(TPM_AK_NAME_MISMATCH, "ak_public does not hash to ak_name "
          + ak.describe() + " (it hashes to " + TpmPublicArea.hex(d.pub.name())
          + "); the evidence was altered or assembled from two keys"));
    }
    int needed = TpmPublicArea.RESTRICTED | TpmPublicArea.FIXED_TPM | TpmPublicArea.SIGN;
    if (!d.pub.has(needed)) {
      return List.of(new Reason(TPM_AK_NOT_RESTRICTED, "TPM key " + ak.describe()
          + " lacks restricted/fixedTPM/sign (attributes 0x" + Integer.toHexString(d.pub.attributes())
          + "): an unrestricted key can sign forged quotes; enrol only the agent's restricted AK"));
    }
    if (!signatureValid(d.pub, d.attestBytes, d.signature)) {
      return List.of(new Reason(TPM_SIGNATURE_INVALID, "TPM quote signature does not verify with AK "
          + ak.describe() + ": the quote or its signature was altered"));
    }
    TpmAttest a;
    try {
      a = TpmAttest.parse(d.attestBytes);
    } catch (TpmReader.Malformed e) {
      return List.of(new Reason(TPM_EVIDENCE_MALFORMED, "signed TPMS_ATTEST is malformed: " + e.getMessage()));
    }
    List<Reason> reasons = new ArrayList<>();
    if (a.magic() != TpmAttest.TPM_GENERATED_VALUE) {
      reasons.add(new Reason(TPM_ATTEST_MAGIC, "signed data is not TPM-generated (magic 0x"
          + Integer.toHexString(a.magic()) + "); it was not produced by TPM2_Quote"));
    }
    if (a.type() != TpmAttest.TPM_ST_ATTEST_QUOTE) {
      reasons.add(new Reason(TPM_ATTEST_TYPE, "signed attestation has type 0x"
          + Integer.toHexString(a.type()) + ", not a quote (0x8018); send a TPM2_Quote"));
      return reasons;
    }
    byte[] expectedSigner = qualifiedSigner(d.pub.name());
    if (!MessageDigest.isEqual(a.qualifiedSigner(), expectedSigner)) {
      reasons.add(new Reason(TPM_QUALIFIED_SIGNER, "quote's qualified signer "
          + TpmPublicArea.hex(a.qualifiedSigner()) + " is not the endorsement-hierarchy primary AK "
          + ak.describe() + " (expected " + TpmPublicArea.hex(expectedSigner)
          + "); create the AK as the agent does (primary, endorsement hierarchy)"));
    }
    if (qualifyingData == null || !MessageDigest.isEqual(a.extraData(), qualifyingData)) {
      reasons.add(new Reason(TPM_NONCE_MISMATCH, "quote's qualifyingData does not match this"
          + " attestation's binding digest: the quote is stale or replayed; quote again with a fresh nonce"));
    }
    checkPcrs(a, d.pcrs, expectedPcrs, expectedValues == null ? Map.of() : expectedValues, reasons);
    return reasons;
  }

  private static void checkPcrs(TpmAttest a, TreeMap<Integer, byte[]> reported, List<Integer> expectedPcrs,
      Map<Integer, String> expectedValues, List<Reason> reasons) {
    TreeSet<Integer> expected = new TreeSet<>(expectedPcrs == null ? List.of() : expectedPcrs);
    List<Integer> quoted = new ArrayList<>();
    boolean otherBanks = false;
    for (TpmAttest.Bank b : a.pcrSelection()) {
      if (b.hashAlg() == TpmPublicArea.ALG_SHA256) {
        quoted.addAll(b.pcrs());
      } else if (!b.pcrs().isEmpty()) {
        otherBanks = true;
      }
    }
    TreeSet<Integer> quotedSet = new TreeSet<>(quoted);
    if (otherBanks || quotedSet.size() != quoted.size() || !quotedSet.equals(expected)) {
      reasons.add(new Reason(TPM_PCR_SELECTION, "quote covers sha256 PCRs " + quotedSet
          + (otherBanks ? " and other banks" : "") + " but the policy requires exactly sha256 " + expected
          + "; quote the PCRs the policy names"));
    }
    if (otherBanks) {
      return; // the digest covers banks the evidence reports no values for: nothing more to check
    }
    if (!quotedSet.equals(reported.keySet())) {
      reasons.add(new Reason(TPM_PCR_DIGEST, "reported PCR values " + reported.keySet()
          + " are not the quoted selection " + quotedSet + "; send the values read with the quote"));
      return;
    }
    ByteArrayOutputStream concat = new ByteArrayOutputStream();
    for (Integer i : quotedSet) {
      concat.writeBytes(reported.get(i));
    }
    if (!MessageDigest.isEqual(TpmPublicArea.sha256(concat.toByteArray()), a.pcrDigest())) {
      reasons.add(new Reason(TPM_PCR_DIGEST, "reported PCR values do not hash to the quoted PCR digest:"
          + " they were altered or changed between read and quote; quote again"));
      return; // the reported values are unproven: comparing them with policy would mislead
    }
    for (Map.Entry<Integer, String> e : new TreeMap<>(expectedValues).entrySet()) {
      byte[] got = reported.get(e.getKey());
      String want = e.getValue().toLowerCase(Locale.ROOT);
      if (got == null || !TpmPublicArea.hex(got).equals(want)) {
        reasons.add(new Reason(TPM_PCR_VALUE_MISMATCH, "PCR " + e.getKey() + " (sha256) expected "
            + want + " but got " + (got == null ? "no value (not quoted)" : TpmPublicArea.hex(got))
            + "; the environment differs from the manifest"));
      }
    }
  }

  /** nameAlg ‖ SHA-256(qualified name of the endorsement hierarchy ‖ name). */
  static byte[] qualifiedSigner(byte[] name) {
    byte[] h = TpmPublicArea.sha256(ByteBuffer.allocate(4).putInt(TPM_RH_ENDORSEMENT).array(), name);
    return ByteBuffer.allocate(2 + h.length).putShort((short) TpmPublicArea.ALG_SHA256).put(h).array();
  }

  private static boolean signatureValid(TpmPublicArea pub, byte[] attest, byte[] der) {
    try {
      ECPublicKey key = pub.publicKey();
      Signature s = io.driftzero.core.sign.EcKeys.ecdsa();
      s.initVerify(key);
      s.update(attest);
      return s.verify(der);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // malformed DER or a point off the curve: not a valid signature either way
    }
  }

  private record Decoded(TpmPublicArea pub, byte[] attestBytes, byte[] signature, TreeMap<Integer, byte[]> pcrs) {}

  private static Decoded decode(TpmEvidence ev) throws TpmReader.Malformed {
    if (!TpmEvidence.BANK_SHA256.equals(ev.pcrBank())) {
      throw new TpmReader.Malformed("pcr_bank '" + ev.pcrBank() + "' is not sha256");
    }
    if (ev.akName() == null || !ev.akName().toLowerCase(Locale.ROOT).matches("000b[0-9a-f]{64}")) {
      throw new TpmReader.Malformed("ak_name is not a SHA-256 TPM name");
    }
    Base64.Decoder b64 = Base64.getDecoder();
    TpmPublicArea pub = TpmPublicArea.parse(b64.decode(require(ev.akPublic(), "ak_public")));
    byte[] attest = b64.decode(require(ev.attest(), "attest"));
    byte[] sig = b64.decode(require(ev.signature(), "signature"));
    TreeMap<Integer, byte[]> pcrs = new TreeMap<>();
    for (Map.Entry<String, String> e : require(ev.pcrs(), "pcrs").entrySet()) {
      int index;
      try {
        index = Integer.parseInt(e.getKey());
      } catch (NumberFormatException x) {
        throw new TpmReader.Malformed("PCR index '" + e.getKey() + "' is not a number");
      }
      String v = e.getValue() == null ? "" : e.getValue().toLowerCase(Locale.ROOT);
      if (index < 0 || index > 23 || !HEX32.matcher(v).matches()) {
        throw new TpmReader.Malformed("PCR " + e.getKey() + " is not an index 0..23 with a 64-hex-digit value");
      }
      pcrs.put(index, HEX.parseHex(v));
    }
    return new Decoded(pub, attest, sig, pcrs);
  }

  private static <T> T require(T v, String field) throws TpmReader.Malformed {
    if (v == null) {
      throw new TpmReader.Malformed("field '" + field + "' is missing");
    }
    return v;
  }
}
