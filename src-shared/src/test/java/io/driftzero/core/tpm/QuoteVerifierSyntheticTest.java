package io.driftzero.core.tpm;

import static io.driftzero.core.tpm.TpmSwtpmTest.codes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks a real TPM cannot be made to fail (its quotes always carry TPM_GENERATED and the quote
 * type), against structures built and signed in software. Only possible because a verifier that
 * enrols bare AK names cannot tell a software key dressed as a restricted TPM key from a real one:
 * that is what EK-certificate enrolment (docs/tpm.md) closes.
 */
class QuoteVerifierSyntheticTest {
  private static final byte[] NONCE = new byte[32];
  private static final String PCR = "00".repeat(32);

  private final KeyPair key = ecKey();
  private final byte[] pub = publicArea((ECPublicKey) key.getPublic(), AkTemplates.AK_ATTRIBUTES);
  private final byte[] name = TpmPublicArea.nameOf(pub);
  private final QuoteVerifier verifier =
      new QuoteVerifier(List.of(new EnrolledAk(TpmPublicArea.hex(name), "fake")));

  @Test
  void wellFormedFakeVerifies() throws Exception {
    assertEquals(List.of(), verify(attest(TpmAttest.TPM_GENERATED_VALUE, TpmAttest.TPM_ST_ATTEST_QUOTE, 0x000B)));
  }

  @Test
  void notTpmGenerated() throws Exception {
    assertEquals(List.of(QuoteVerifier.TPM_ATTEST_MAGIC),
        codes(verify(attest(0x12345678, TpmAttest.TPM_ST_ATTEST_QUOTE, 0x000B))));
  }

  @Test
  void notAQuote() throws Exception {
    int certify = 0x8017;
    assertEquals(List.of(QuoteVerifier.TPM_ATTEST_TYPE),
        codes(verify(attest(TpmAttest.TPM_GENERATED_VALUE, certify, 0x000B))));
  }

  @Test
  void otherBank() throws Exception {
    assertEquals(List.of(QuoteVerifier.TPM_PCR_SELECTION),
        codes(verify(attest(TpmAttest.TPM_GENERATED_VALUE, TpmAttest.TPM_ST_ATTEST_QUOTE, 0x0004))));
  }

  @Test
  void signedButTruncatedAttest() throws Exception {
    byte[] a = attest(TpmAttest.TPM_GENERATED_VALUE, TpmAttest.TPM_ST_ATTEST_QUOTE, 0x000B);
    byte[] cut = java.util.Arrays.copyOf(a, a.length - 5);
    assertEquals(List.of(QuoteVerifier.TPM_EVIDENCE_MALFORMED), codes(verify(cut)));
  }

  private List<io.driftzero.core.model.Reason> verify(byte[] attest) throws GeneralSecurityException {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key.getPrivate());
    s.update(attest);
    Base64.Encoder b64 = Base64.getEncoder();
    TpmEvidence ev = new TpmEvidence(TpmPublicArea.hex(name), b64.encodeToString(pub),
        b64.encodeToString(attest), b64.encodeToString(s.sign()), "sha256", Map.of("16", PCR));
    return verifier.verify(ev, NONCE, List.of(16), Map.of());
  }

  /** TPMS_ATTEST with one bank selecting PCR 16 (for quotes). */
  private byte[] attest(int magic, int type, int bankAlg) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(6).putInt(magic).putShort((short) type).array());
    sized(out, QuoteVerifier.qualifiedSigner(name));
    sized(out, NONCE);
    out.writeBytes(new byte[17 + 8]); // clockInfo, firmwareVersion
    if (type == TpmAttest.TPM_ST_ATTEST_QUOTE) {
      out.writeBytes(ByteBuffer.allocate(4 + 2 + 1 + 3).putInt(1).putShort((short) bankAlg).put((byte) 3)
          .put(new byte[] {0, 0, 1}).array()); // PCR 16
      sized(out, TpmPublicArea.sha256(new byte[32]));
    } else {
      sized(out, name); // TPMS_CERTIFY_INFO: name, qualifiedName
      sized(out, name);
    }
    return out.toByteArray();
  }

  /** TPMT_PUBLIC of an ECC P-256 ECDSA-SHA256 key with the given attributes. */
  static byte[] publicArea(ECPublicKey k, int attributes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(20).putShort((short) 0x0023).putShort((short) 0x000B).putInt(attributes)
        .putShort((short) 0).putShort((short) 0x0010).putShort((short) 0x0018).putShort((short) 0x000B)
        .putShort((short) 0x0003).putShort((short) 0x0010).array());
    sized(out, fixed32(k.getW().getAffineX()));
    sized(out, fixed32(k.getW().getAffineY()));
    return out.toByteArray();
  }

  private static void sized(ByteArrayOutputStream out, byte[] b) {
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) b.length).array());
    out.writeBytes(b);
  }

  private static byte[] fixed32(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  private static KeyPair ecKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
