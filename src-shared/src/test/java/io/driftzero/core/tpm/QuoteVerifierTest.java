package io.driftzero.core.tpm;

import static io.driftzero.core.tpm.TpmSwtpmTest.codes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.HardwareAnchor;
import io.driftzero.core.model.Reason;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_RH;

/** Every verification outcome on quotes made by a real swtpm, each asserting its exact reason. */
class QuoteVerifierTest {
  @RegisterExtension static final Swtpm SWTPM = new Swtpm();

  private static final List<Integer> PCRS = List.of(0, 16);
  private static Tpm tpm;
  private static AkInfo ak;
  private static QuoteVerifier verifier;
  private static EnvironmentAttestation att;
  private static TpmEvidence good;

  @BeforeAll
  static void quote() throws DzException {
    tpm = Tpm.open(SWTPM.mode());
    ak = tpm.attestationKey();
    verifier = new QuoteVerifier(List.of(EnrolledAk.parse(ak.name().toUpperCase(), "runner-1")));
    tpm.pcrExtend(16, Json.digest(Json.utf8("toolchain")));
    att = attestation("550e8400-e29b-41d4-a716-446655440000");
    good = tpm.quote(PCRS, att.bindingDigest());
  }

  @AfterAll
  static void close() {
    tpm.close();
  }

  @Test
  void validQuoteVerifies() {
    assertEquals(List.of(), verify(good));
    Map<Integer, String> expected = Map.of(0, good.pcrs().get("0"), 16, good.pcrs().get("16"));
    assertEquals(List.of(), verifier.verify(good, att.bindingDigest(), PCRS, expected));
  }

  @Test
  void validQuoteVerifiesFromTheAttestationsHardwareAnchor() throws DzException {
    EnvironmentAttestation anchored =
        att.withHardwareAnchor(new HardwareAnchor(TpmEvidence.ANCHOR_TYPE, good.toAnchorEvidence()));
    EnvironmentAttestation received =
        Json.read(new String(anchored.payload(), StandardCharsets.UTF_8),
            EnvironmentAttestation.class, "attestation");
    assertEquals(List.of(), verifier.verify(received.hardwareAnchor().evidence(), received.bindingDigest(),
        PCRS, Map.of()));
  }

  @Test
  void wrongNonce() {
    byte[] other = Json.digest(Json.utf8("another nonce"));
    assertEquals(List.of(QuoteVerifier.TPM_NONCE_MISMATCH), codes(verifier.verify(good, other, PCRS, Map.of())));
  }

  @Test
  void quoteReplayedIntoAnotherAttestation() {
    EnvironmentAttestation second = attestation("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
    List<Reason> r = verifier.verify(good, second.bindingDigest(), PCRS, Map.of());
    assertEquals(List.of(QuoteVerifier.TPM_NONCE_MISMATCH), codes(r));
    assertTrue(r.get(0).message().contains("replayed"), r.get(0).message());
  }

  @Test
  void tamperedPcrValue() {
    Map<String, String> pcrs = new HashMap<>(good.pcrs());
    pcrs.put("16", "00".repeat(32));
    assertEquals(List.of(QuoteVerifier.TPM_PCR_DIGEST), codes(verify(withPcrs(good, pcrs))));
  }

  @Test
  void tamperedAttestDigestByte() {
    byte[] attest = Base64.getDecoder().decode(good.attest());
    attest[attest.length - 1] ^= 1; // last byte of the signed pcrDigest
    TpmEvidence ev = new TpmEvidence(good.akName(), good.akPublic(), b64(attest), good.signature(),
        good.pcrBank(), good.pcrs());
    assertEquals(List.of(QuoteVerifier.TPM_SIGNATURE_INVALID), codes(verify(ev)));
  }

  @Test
  void tamperedSignature() {
    byte[] sig = Base64.getDecoder().decode(good.signature());
    sig[12] ^= 1; // inside r: still DER, no longer the TPM's signature
    TpmEvidence ev = new TpmEvidence(good.akName(), good.akPublic(), good.attest(), b64(sig),
        good.pcrBank(), good.pcrs());
    assertEquals(List.of(QuoteVerifier.TPM_SIGNATURE_INVALID), codes(verify(ev)));
  }

  @Test
  void otherPcrSelection() throws DzException {
    TpmEvidence fewer = tpm.quote(List.of(16), att.bindingDigest());
    assertEquals(List.of(QuoteVerifier.TPM_PCR_SELECTION), codes(verify(fewer)));
    TpmEvidence more = tpm.quote(List.of(0, 16, 23), att.bindingDigest());
    List<Reason> r = verify(more);
    assertEquals(List.of(QuoteVerifier.TPM_PCR_SELECTION), codes(r));
    assertTrue(r.get(0).message().contains("[0, 16, 23]") && r.get(0).message().contains("[0, 16]"),
        r.get(0).message());
  }

  @Test
  void reportedPcrsNotTheQuotedSelection() {
    Map<String, String> pcrs = new HashMap<>(good.pcrs());
    pcrs.remove("0");
    assertEquals(List.of(QuoteVerifier.TPM_PCR_DIGEST), codes(verify(withPcrs(good, pcrs))));
  }

  @Test
  void unenrolledAk() throws DzException {
    QuoteVerifier other = new QuoteVerifier(List.of(EnrolledAk.parse("000b" + "11".repeat(32), "other")));
    List<Reason> r = other.verify(good, att.bindingDigest(), PCRS, Map.of());
    assertEquals(List.of(QuoteVerifier.TPM_AK_NOT_ENROLLED), codes(r));
    assertTrue(r.get(0).message().contains(ak.name()), r.get(0).message());
    assertEquals(List.of(QuoteVerifier.TPM_AK_NOT_ENROLLED),
        codes(new QuoteVerifier(List.of()).verify(good, att.bindingDigest(), PCRS, Map.of())));
  }

  /**
   * A TPM quotes with any signing key, restricted or not. An unrestricted key can also TPM2_Sign
   * arbitrary bytes, so its "quotes" can be forged: the verifier refuses it even when enrolled.
   */
  @Test
  void nonRestrictedKeyIsRefusedEvenIfEnrolled() throws DzException {
    TPM_HANDLE key = tpm.createPrimary(TPM_HANDLE.from(TPM_RH.ENDORSEMENT), false);
    try {
      byte[] pub = tpm.readPublic(key).outPublic.toTpm();
      TpmEvidence ev = tpm.quote(key, pub, PCRS, att.bindingDigest());
      QuoteVerifier enrolled = new QuoteVerifier(List.of(new EnrolledAk(ev.akName(), "unrestricted")));
      List<Reason> r = enrolled.verify(ev, att.bindingDigest(), PCRS, Map.of());
      assertEquals(List.of(QuoteVerifier.TPM_AK_NOT_RESTRICTED), codes(r));
      assertTrue(r.get(0).message().contains("unrestricted ("), r.get(0).message());
    } finally {
      tpm.flush(key);
    }
  }

  /**
   * The attack the restricted check stops, done with the real TPM: a forged TPMS_ATTEST (claiming
   * PCR 16 is all zeros) signed by TPM2_Sign. The AK refuses to sign it; an unrestricted key signs
   * it, the signature is valid ECDSA, and the verifier still refuses the key.
   */
  @Test
  void forgedQuoteSignedByAnUnrestrictedKeyIsRefused() throws Exception {
    byte[] forged = Base64.getDecoder().decode(good.attest());
    byte[] fakeDigest = TpmPublicArea.sha256(HexFormat.of().parseHex(good.pcrs().get("0") + "00".repeat(32)));
    System.arraycopy(fakeDigest, 0, forged, forged.length - 32, 32);

    DzException refused = assertThrows(DzException.class,
        () -> tpm.signDigest(new TPM_HANDLE(Tpm.AK_HANDLE), TpmPublicArea.sha256(forged)));
    assertTrue(refused.getMessage().contains("TICKET"), refused.getMessage());

    TPM_HANDLE key = tpm.createPrimary(TPM_HANDLE.from(TPM_RH.ENDORSEMENT), false);
    try {
      byte[] pub = tpm.readPublic(key).outPublic.toTpm();
      byte[] name = TpmPublicArea.nameOf(pub);
      System.arraycopy(QuoteVerifier.qualifiedSigner(name), 0, forged, 8, 34); // after magic, type, size
      byte[] sig = tpm.signDigest(key, TpmPublicArea.sha256(forged));
      Signature jca = Signature.getInstance("SHA256withECDSA");
      jca.initVerify(TpmPublicArea.parse(pub).publicKey());
      jca.update(forged);
      assertTrue(jca.verify(sig), "the forgery carries a valid signature");

      Map<String, String> fakePcrs = Map.of("0", good.pcrs().get("0"), "16", "00".repeat(32));
      TpmEvidence ev = new TpmEvidence(TpmPublicArea.hex(name), b64(pub), b64(forged), b64(sig), "sha256", fakePcrs);
      QuoteVerifier enrolled = new QuoteVerifier(List.of(new EnrolledAk(ev.akName(), "unrestricted")));
      assertEquals(List.of(QuoteVerifier.TPM_AK_NOT_RESTRICTED),
          codes(enrolled.verify(ev, att.bindingDigest(), PCRS, Map.of())));
    } finally {
      tpm.flush(key);
    }
  }

  @Test
  void akPublicSwappedForAnotherKey() throws DzException {
    TPM_HANDLE key = tpm.createPrimary(TPM_HANDLE.from(TPM_RH.ENDORSEMENT), false);
    try {
      byte[] otherPub = tpm.readPublic(key).outPublic.toTpm();
      TpmEvidence ev = new TpmEvidence(good.akName(), b64(otherPub), good.attest(), good.signature(),
          good.pcrBank(), good.pcrs());
      assertEquals(List.of(QuoteVerifier.TPM_AK_NAME_MISMATCH), codes(verify(ev)));
    } finally {
      tpm.flush(key);
    }
  }

  /** A restricted key of the same template in the owner hierarchy: a real quote, but not our AK's lineage. */
  @Test
  void keyOutsideTheEndorsementHierarchy() throws DzException {
    TPM_HANDLE key = tpm.createPrimary(TPM_HANDLE.from(TPM_RH.OWNER), true);
    try {
      var rp = tpm.readPublic(key);
      TpmEvidence ev = tpm.quote(key, rp.outPublic.toTpm(), PCRS, att.bindingDigest());
      QuoteVerifier enrolled = new QuoteVerifier(List.of(new EnrolledAk(ev.akName(), "owner-key")));
      assertEquals(List.of(QuoteVerifier.TPM_QUALIFIED_SIGNER),
          codes(enrolled.verify(ev, att.bindingDigest(), PCRS, Map.of())));
      // The TPM's own qualified name for this key is what the quote carries.
      byte[] signer = TpmAttest.parse(Base64.getDecoder().decode(ev.attest())).qualifiedSigner();
      assertEquals(TpmPublicArea.hex(rp.qualifiedName), TpmPublicArea.hex(signer));
    } catch (TpmReader.Malformed e) {
      throw new AssertionError(e);
    } finally {
      tpm.flush(key);
    }
  }

  @Test
  void pcrValuesDifferFromExpected() {
    String want = "ab".repeat(32);
    List<Reason> r = verifier.verify(good, att.bindingDigest(), PCRS, Map.of(0, good.pcrs().get("0"), 16, want));
    assertEquals(List.of(QuoteVerifier.TPM_PCR_VALUE_MISMATCH), codes(r));
    String m = r.get(0).message();
    assertTrue(m.contains("PCR 16") && m.contains(want) && m.contains(good.pcrs().get("16")), m);
  }

  @Test
  void severalContentFailuresAreAllReported() {
    List<Reason> r = verifier.verify(good, new byte[32], List.of(16), Map.of());
    assertEquals(List.of(QuoteVerifier.TPM_NONCE_MISMATCH, QuoteVerifier.TPM_PCR_SELECTION), codes(r));
  }

  @Test
  void malformedEvidence() {
    assertEquals(List.of(QuoteVerifier.TPM_EVIDENCE_MALFORMED),
        codes(verifier.verify("not base64!", att.bindingDigest(), PCRS, Map.of())));
    TpmEvidence badAttest = new TpmEvidence(good.akName(), good.akPublic(), "%%", good.signature(), "sha256",
        good.pcrs());
    assertEquals(List.of(QuoteVerifier.TPM_EVIDENCE_MALFORMED), codes(verify(badAttest)));
    TpmEvidence sha1 = new TpmEvidence(good.akName(), good.akPublic(), good.attest(), good.signature(), "sha1",
        good.pcrs());
    assertEquals(List.of(QuoteVerifier.TPM_EVIDENCE_MALFORMED), codes(verify(sha1)));
    Map<String, String> pcrs = new HashMap<>(good.pcrs());
    pcrs.put("16", "xyz");
    assertEquals(List.of(QuoteVerifier.TPM_EVIDENCE_MALFORMED), codes(verify(withPcrs(good, pcrs))));
    TpmEvidence shortPub = new TpmEvidence(good.akName(), b64(new byte[] {0, 0x23, 0, 0x0b}), good.attest(),
        good.signature(), "sha256", good.pcrs());
    assertEquals(List.of(QuoteVerifier.TPM_EVIDENCE_MALFORMED), codes(verify(shortPub)));
  }

  private static List<Reason> verify(TpmEvidence ev) {
    return verifier.verify(ev, att.bindingDigest(), PCRS, Map.of());
  }

  private static TpmEvidence withPcrs(TpmEvidence ev, Map<String, String> pcrs) {
    return new TpmEvidence(ev.akName(), ev.akPublic(), ev.attest(), ev.signature(), ev.pcrBank(), pcrs);
  }

  private static EnvironmentAttestation attestation(String nonce) {
    return new EnvironmentAttestation("dz://env/build-release", "sha256:" + "cd".repeat(32), "2.4",
        Map.of("java", "17.0.15"), nonce, "2025-10-31T15:40:00Z", "1.2.0", null,
        new Actor("pipeline", "github.com/org/repo/.github/workflows/deploy.yml@refs/heads/main"));
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
