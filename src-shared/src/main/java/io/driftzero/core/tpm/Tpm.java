package io.driftzero.core.tpm;

import io.driftzero.core.DzException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import tss.TpmDevice;
import tss.tpm.CreatePrimaryResponse;
import tss.tpm.GetCapabilityResponse;
import tss.tpm.PCR_ReadResponse;
import tss.tpm.QuoteResponse;
import tss.tpm.ReadPublicResponse;
import tss.tpm.TPML_PCR_SELECTION;
import tss.tpm.TPML_TAGGED_TPM_PROPERTY;
import tss.tpm.TPMS_NULL_SIG_SCHEME;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMS_SENSITIVE_CREATE;
import tss.tpm.TPMS_SIGNATURE_ECDSA;
import tss.tpm.TPMS_TAGGED_PROPERTY;
import tss.tpm.TPMT_HA;
import tss.tpm.TPMT_TK_HASHCHECK;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_CAP;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_PT;
import tss.tpm.TPM_RH;
import tss.tpm.TPM_SU;

/**
 * A TPM 2.0 opened from a {@link TpmMode}: read and extend SHA-256 PCRs, keep the attestation key
 * (AK) and quote. Talks to the TPM through Microsoft TSS.Java, but every command runs with errors
 * allowed and its response code checked here, so failures become {@link DzException}s naming the
 * command and the TPM instead of TSS.Java's stdout prints and runtime exceptions. Not thread-safe.
 */
public final class Tpm implements AutoCloseable {
  /**
   * Where the AK is persisted (owner-range persistent handle, TCG "Registry of Reserved TPM 2.0
   * Handles": 0x81010000–0x8101FFFF are for endorsement-hierarchy keys such as AKs).
   */
  public static final int AK_HANDLE = 0x81010010;

  private static final HexFormat HEX = HexFormat.of();

  private final tss.Tpm tpm;
  private final TssCalls tss;
  private final TpmDevice device;
  private final String transport;
  private AkInfo ak;

  private Tpm(TpmDevice device, String transport) {
    this.device = device;
    this.transport = transport;
    this.tpm = new tss.Tpm();
    tpm._setDevice(device);
    this.tss = new TssCalls(tpm, transport);
  }

  /**
   * Opens the TPM a mode names. A kernel device is used as it is; a swtpm is started up
   * (TPM2_Startup(CLEAR), "already started" accepted).
   *
   * @throws DzException {@code BAD_INPUT} for {@code none}; {@code UNAVAILABLE} when the TPM cannot
   *     be reached, naming the device or address and what to do
   */
  public static Tpm open(TpmMode mode) throws DzException {
    return switch (mode.kind()) {
      case NONE -> throw new DzException(DzException.Kind.BAD_INPUT,
          "TPM is disabled (" + TpmMode.SETTING + " none); choose " + TpmMode.ALLOWED_FORMS);
      case DEVICE, AUTO -> {
        KernelTpmDevice d = KernelTpmDevice.open(mode, Path.of("/dev"));
        yield new Tpm(d, d.path().toString()); // never TPM2_Startup: the platform did it
      }
      case SWTPM -> openSwtpm(mode);
    };
  }

  private static Tpm openSwtpm(TpmMode mode) throws DzException {
    SwtpmDevice d = new SwtpmDevice(mode.host(), mode.port());
    try {
      d.open();
    } catch (IOException e) {
      throw new DzException(DzException.Kind.UNAVAILABLE,
          "Cannot connect to swtpm at " + mode.host() + ":" + mode.port() + " (" + TpmMode.SETTING + " "
              + mode + "): " + e.getMessage() + "; start swtpm there, or use " + TpmMode.SETTING
              + " device or " + TpmMode.SETTING + " none", e);
    }
    Tpm t = new Tpm(d, mode.toString());
    try {
      t.startup();
      return t;
    } catch (DzException | RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /** TPM2_Startup(CLEAR), accepting "already started" (swtpm's startup-clear flag does it). */
  private void startup() throws DzException {
    tss.run("Startup", () -> {
      tpm.Startup(TPM_SU.CLEAR);
      return null; // checked below: "already started" is fine
    });
    int rc = tss.lastRc();
    if (rc != TssCalls.TPM_RC_SUCCESS && rc != TssCalls.TPM_RC_INITIALIZE) {
      throw tss.failed("Startup", rc);
    }
  }

  /**
   * Simulates a reboot of a swtpm: power off and on through its control channel, then Startup.
   * PCRs reset; persistent objects (the AK) survive. Only for tests and demos.
   */
  void restartSwtpm() throws DzException {
    if (!(device instanceof SwtpmDevice)) {
      throw new DzException(DzException.Kind.BAD_INPUT, "only a swtpm can be restarted");
    }
    try {
      device.powerCycle();
    } catch (RuntimeException e) {
      throw new DzException(DzException.Kind.UNAVAILABLE, "swtpm power cycle failed: " + e.getMessage(), e);
    }
    ak = null;
    startup();
  }

  /** What TPM this is: manufacturer, firmware, spec revision and allocated PCR banks. */
  public TpmInfo info() throws DzException {
    GetCapabilityResponse props = tss.call("GetCapability",
        () -> tpm.GetCapability(TPM_CAP.TPM_PROPERTIES, TPM_PT.FAMILY_INDICATOR.toInt(), 16));
    Map<Integer, Integer> p = new TreeMap<>();
    for (TPMS_TAGGED_PROPERTY tp : ((TPML_TAGGED_TPM_PROPERTY) props.capabilityData).tpmProperty) {
      p.put(tp.property.toInt(), tp.value);
    }
    int fw1 = p.getOrDefault(TPM_PT.FIRMWARE_VERSION_1.toInt(), 0);
    int fw2 = p.getOrDefault(TPM_PT.FIRMWARE_VERSION_2.toInt(), 0);
    int rev = p.getOrDefault(TPM_PT.REVISION.toInt(), 0);
    String vendor = ascii(p, TPM_PT.VENDOR_STRING_1.toInt(), TPM_PT.VENDOR_STRING_2.toInt(),
        TPM_PT.VENDOR_STRING_3.toInt(), TPM_PT.VENDOR_STRING_4.toInt());
    GetCapabilityResponse pcrs = tss.call("GetCapability", () -> tpm.GetCapability(TPM_CAP.PCRS, 0, 1));
    List<String> banks = new ArrayList<>();
    for (TPMS_PCR_SELECTION s : ((TPML_PCR_SELECTION) pcrs.capabilityData).pcrSelections) {
      if (new BigInteger(1, s.pcrSelect).signum() != 0) {
        banks.add(Pcrs.bankName(s.hash.toInt()));
      }
    }
    return new TpmInfo(transport, ascii(p, TPM_PT.MANUFACTURER.toInt()), vendor,
        (fw1 >>> 16) + "." + (fw1 & 0xffff) + "." + (fw2 >>> 16) + "." + (fw2 & 0xffff),
        rev / 100 + "." + String.format("%02d", rev % 100), banks);
  }

  /**
   * Reads SHA-256 PCRs. TPM2_PCR_Read returns at most 8 values per call, so this loops until every
   * requested index has been returned.
   *
   * @return index → lower-case hex value, ascending
   */
  public SortedMap<Integer, String> pcrRead(List<Integer> pcrs) throws DzException {
    TreeSet<Integer> remaining = Pcrs.checked(pcrs);
    TreeMap<Integer, String> out = new TreeMap<>();
    while (!remaining.isEmpty()) {
      TPMS_PCR_SELECTION[] sel = Pcrs.sha256(remaining);
      PCR_ReadResponse r = tss.call("PCR_Read", () -> tpm.PCR_Read(sel));
      int j = 0;
      for (TPMS_PCR_SELECTION s : r.pcrSelectionOut) {
        for (int i : Pcrs.indexes(s.pcrSelect)) {
          if (s.hash.toInt() == TpmPublicArea.ALG_SHA256 && j < r.pcrValues.length) {
            out.put(i, HEX.formatHex(r.pcrValues[j].buffer));
            remaining.remove(i);
          }
          j++;
        }
      }
      if (j == 0) {
        throw new DzException(DzException.Kind.UNAVAILABLE, "TPM " + transport
            + " returned no sha256 values for PCRs " + remaining + "; is the sha256 PCR bank allocated?");
      }
    }
    return out;
  }

  /** Extends one SHA-256 PCR with a 32-byte digest (tests and demos; the agent measures with it). */
  public void pcrExtend(int pcr, byte[] sha256Digest) throws DzException {
    Pcrs.checked(List.of(pcr));
    if (sha256Digest == null || sha256Digest.length != 32) {
      throw new DzException(DzException.Kind.BAD_INPUT, "PCR extend needs a 32-byte SHA-256 digest");
    }
    tss.exec("PCR_Extend", () -> tpm.PCR_Extend(
        TPM_HANDLE.pcr(pcr), new TPMT_HA[] {new TPMT_HA(TPM_ALG_ID.SHA256, sha256Digest)}));
  }

  /**
   * The attestation key: read from {@link #AK_HANDLE} if it is there, else created as a restricted
   * ECC P-256 signing primary in the endorsement hierarchy and persisted at that handle.
   *
   * @throws DzException if the handle holds some other key (it is never overwritten)
   */
  public AkInfo attestationKey() throws DzException {
    if (ak != null) {
      return ak;
    }
    TPM_HANDLE h = new TPM_HANDLE(AK_HANDLE);
    ReadPublicResponse existing = tss.run("ReadPublic", () -> tpm.ReadPublic(h));
    if (tss.lastRc() != TssCalls.TPM_RC_SUCCESS) { // TPM_RC_HANDLE: not created yet on this TPM
      TPM_HANDLE created = createPrimary(TPM_HANDLE.from(TPM_RH.ENDORSEMENT), true);
      try {
        tss.exec("EvictControl", () -> tpm.EvictControl(TPM_HANDLE.from(TPM_RH.OWNER), created, h));
      } finally {
        flush(created);
      }
      existing = tss.call("ReadPublic", () -> tpm.ReadPublic(h));
    }
    TpmPublicArea pub = publicArea(existing.outPublic.toTpm());
    if (!AkTemplates.isAk(pub)) {
      throw new DzException(DzException.Kind.UNAVAILABLE, String.format(
          "TPM %s: persistent handle 0x%08x holds a key that is not a DriftZero AK (attributes 0x%x);"
              + " if nothing else uses it, free it with 'tpm2_evictcontrol -C o -c 0x%08x' and retry",
          transport, AK_HANDLE, pub.attributes(), AK_HANDLE));
    }
    try {
      ak = new AkInfo(AK_HANDLE, HEX.formatHex(existing.name), HEX.formatHex(existing.qualifiedName),
          pub.bytes(), pub.publicKeyPem());
    } catch (GeneralSecurityException e) {
      throw new DzException(DzException.Kind.INTERNAL, "TPM " + transport + ": AK point is invalid", e);
    }
    return ak;
  }

  /**
   * Quotes SHA-256 PCRs with the AK. {@code qualifyingData} is what the quote commits to (the
   * attestation's {@code bindingDigest()}). The PCRs are read next to the quote and the read is
   * retried if they changed in between, so the reported values always match the signed digest.
   */
  public TpmEvidence quote(List<Integer> pcrs, byte[] qualifyingData) throws DzException {
    AkInfo key = attestationKey();
    return quote(new TPM_HANDLE(key.handle()), key.publicArea(), pcrs, qualifyingData);
  }

  /** Quotes with any signing key; package-private so tests can quote with keys the agent never uses. */
  TpmEvidence quote(TPM_HANDLE key, byte[] keyPublic, List<Integer> pcrs, byte[] qualifyingData)
      throws DzException {
    TreeSet<Integer> set = Pcrs.checked(pcrs);
    if (qualifyingData == null || qualifyingData.length > 64) {
      throw new DzException(DzException.Kind.BAD_INPUT, "qualifyingData must be 0..64 bytes");
    }
    for (int attempt = 0; attempt < 3; attempt++) {
      SortedMap<Integer, String> values = pcrRead(List.copyOf(set));
      QuoteResponse q = tss.call("Quote",
          () -> tpm.Quote(key, qualifyingData, new TPMS_NULL_SIG_SCHEME(), Pcrs.sha256(set)));
      byte[] attest = q.quoted.toTpm();
      StringBuilder concat = new StringBuilder();
      values.values().forEach(concat::append);
      byte[] expected = TpmPublicArea.sha256(HEX.parseHex(concat));
      if (!MessageDigest.isEqual(expected, q.quoted.attested instanceof tss.tpm.TPMS_QUOTE_INFO qi
          ? qi.pcrDigest : new byte[0])) {
        continue; // a PCR was extended between read and quote
      }
      TPMS_SIGNATURE_ECDSA sig = (TPMS_SIGNATURE_ECDSA) q.signature;
      Map<String, String> reported = new TreeMap<>();
      values.forEach((i, v) -> reported.put(Integer.toString(i), v));
      Base64.Encoder b64 = Base64.getEncoder();
      return new TpmEvidence(HEX.formatHex(TpmPublicArea.nameOf(keyPublic)), b64.encodeToString(keyPublic),
          b64.encodeToString(attest), b64.encodeToString(der(sig.signatureR, sig.signatureS)),
          TpmEvidence.BANK_SHA256, reported);
    }
    throw new DzException(DzException.Kind.UNAVAILABLE,
        "TPM " + transport + ": PCRs " + set + " kept changing while quoting; retry when measurement is done");
  }

  /** Creates a transient ECC P-256 signing primary under {@code hierarchy}; flush it after use. */
  TPM_HANDLE createPrimary(TPM_HANDLE hierarchy, boolean restricted) throws DzException {
    CreatePrimaryResponse r = tss.call("CreatePrimary", () -> tpm.CreatePrimary(hierarchy,
        new TPMS_SENSITIVE_CREATE(new byte[0], new byte[0]), AkTemplates.eccSigning(restricted),
        new byte[0], new TPMS_PCR_SELECTION[0]));
    return r.handle;
  }

  /** TPM2_ReadPublic: TPMT_PUBLIC bytes, name and qualified name of a loaded object. */
  ReadPublicResponse readPublic(TPM_HANDLE h) throws DzException {
    return tss.call("ReadPublic", () -> tpm.ReadPublic(h));
  }

  /**
   * TPM2_Sign of an externally computed digest, without a hash-check ticket. Tests use it to show
   * why only restricted AKs are accepted: the AK refuses (TPM_RC_TICKET), an unrestricted key signs
   * anything, including a forged TPMS_ATTEST.
   */
  byte[] signDigest(TPM_HANDLE key, byte[] digest) throws DzException {
    TPMS_SIGNATURE_ECDSA sig = (TPMS_SIGNATURE_ECDSA) tss.call("Sign",
        () -> tpm.Sign(key, digest, new TPMS_NULL_SIG_SCHEME(), TPMT_TK_HASHCHECK.nullTicket()));
    return der(sig.signatureR, sig.signatureS);
  }

  /** Removes a transient object, best effort. */
  void flush(TPM_HANDLE h) {
    tss.flush(h);
  }

  /** Where this TPM is, e.g. {@code /dev/tpmrm0}. */
  public String transport() {
    return transport;
  }

  /** Closes the connection; sends nothing to the TPM (no TPM2_Shutdown: the platform owns power). */
  @Override
  public void close() {
    device.close();
  }

  // --- helpers -----------------------------------------------------------------------------

  private TpmPublicArea publicArea(byte[] bytes) throws DzException {
    try {
      return TpmPublicArea.parse(bytes);
    } catch (TpmReader.Malformed e) {
      throw new DzException(DzException.Kind.UNAVAILABLE, String.format(
          "TPM %s: persistent handle 0x%08x holds a key DriftZero cannot use (%s); if nothing else uses"
              + " it, free it with 'tpm2_evictcontrol -C o -c 0x%08x' and retry",
          transport, AK_HANDLE, e.getMessage(), AK_HANDLE));
    }
  }

  /** ECDSA (r, s) as the DER SEQUENCE JCA verifies. */
  private static byte[] der(byte[] r, byte[] s) throws DzException {
    ASN1EncodableVector v = new ASN1EncodableVector();
    v.add(new ASN1Integer(new BigInteger(1, r)));
    v.add(new ASN1Integer(new BigInteger(1, s)));
    try {
      return new DERSequence(v).getEncoded();
    } catch (IOException e) {
      throw new DzException(DzException.Kind.INTERNAL, "cannot DER-encode the TPM signature", e);
    }
  }

  private static String ascii(Map<Integer, Integer> props, int... keys) {
    StringBuilder sb = new StringBuilder();
    for (int k : keys) {
      Integer v = props.get(k);
      if (v != null) {
        for (int shift = 24; shift >= 0; shift -= 8) {
          int c = (v >>> shift) & 0xff;
          if (c >= 0x20 && c < 0x7f) {
            sb.append((char) c);
          }
        }
      }
    }
    return sb.toString().trim();
  }
}
