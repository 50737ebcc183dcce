package io.driftzero.core.tpm;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A parsed TPMT_PUBLIC for an ECC NIST P-256 key (the only AK type DriftZero accepts), read with
 * {@link TpmReader}, not TSS.Java, so verification trusts nothing that talks to a TPM.
 *
 * @param bytes the exact TPMT_PUBLIC bytes (what the name hashes)
 * @param nameAlg TPM_ALG_ID of the name algorithm
 * @param attributes TPMA_OBJECT bits
 * @param signScheme TPM_ALG_ID of the key's signing scheme (ECDSA = 0x0018), or TPM_ALG_NULL
 * @param signHash TPM_ALG_ID of the scheme's hash, or TPM_ALG_NULL
 * @param x affine x coordinate
 * @param y affine y coordinate
 */
record TpmPublicArea(
    byte[] bytes, int nameAlg, int attributes, int signScheme, int signHash, byte[] x, byte[] y) {

  static final int ALG_ECC = 0x0023;
  static final int ALG_SHA256 = 0x000B;
  static final int ALG_NULL = 0x0010;
  static final int ALG_ECDSA = 0x0018;
  static final int ECC_NIST_P256 = 0x0003;

  // TPMA_OBJECT bits (TPM 2.0 Part 2, 8.3).
  static final int FIXED_TPM = 1 << 1;
  static final int FIXED_PARENT = 1 << 4;
  static final int SENSITIVE_DATA_ORIGIN = 1 << 5;
  static final int USER_WITH_AUTH = 1 << 6;
  static final int RESTRICTED = 1 << 16;
  static final int DECRYPT = 1 << 17;
  static final int SIGN = 1 << 18;

  /** Parses TPMT_PUBLIC; only ECC P-256 with a SHA-256 name is accepted. */
  static TpmPublicArea parse(byte[] bytes) throws TpmReader.Malformed {
    TpmReader r = new TpmReader(bytes);
    int type = r.u16();
    if (type != ALG_ECC) {
      throw new TpmReader.Malformed("AK type 0x" + Integer.toHexString(type) + " is not ECC");
    }
    int nameAlg = r.u16();
    if (nameAlg != ALG_SHA256) {
      throw new TpmReader.Malformed("AK nameAlg 0x" + Integer.toHexString(nameAlg) + " is not SHA-256");
    }
    int attributes = r.u32();
    r.sized(); // authPolicy
    int symmetric = r.u16();
    if (symmetric != ALG_NULL) {
      r.u16(); // keyBits
      r.u16(); // mode
    }
    int scheme = r.u16();
    int schemeHash = scheme == ALG_NULL ? ALG_NULL : r.u16();
    int curve = r.u16();
    if (curve != ECC_NIST_P256) {
      throw new TpmReader.Malformed("AK curve 0x" + Integer.toHexString(curve) + " is not NIST P-256");
    }
    int kdf = r.u16();
    if (kdf != ALG_NULL) {
      r.u16();
    }
    byte[] x = r.sized();
    byte[] y = r.sized();
    r.end("TPMT_PUBLIC");
    if (x.length == 0 || x.length > 32 || y.length == 0 || y.length > 32) {
      throw new TpmReader.Malformed("AK point is not a P-256 point");
    }
    return new TpmPublicArea(bytes.clone(), nameAlg, attributes, scheme, schemeHash, x, y);
  }

  /** The TPM name: nameAlg (2 bytes) ‖ SHA-256(TPMT_PUBLIC). */
  byte[] name() {
    return nameOf(bytes);
  }

  static byte[] nameOf(byte[] publicArea) {
    byte[] h = sha256(publicArea);
    byte[] name = new byte[2 + h.length];
    name[0] = (byte) (ALG_SHA256 >> 8);
    name[1] = (byte) ALG_SHA256;
    System.arraycopy(h, 0, name, 2, h.length);
    return name;
  }

  boolean has(int bits) {
    return (attributes & bits) == bits;
  }

  /** The key as a JCA public key; fails if the point is not on P-256. */
  ECPublicKey publicKey() throws GeneralSecurityException {
    AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
    p.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = p.getParameterSpec(ECParameterSpec.class);
    ECPoint w = new ECPoint(new BigInteger(1, x), new BigInteger(1, y));
    return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
  }

  /** SPKI PEM of {@link #publicKey()}. */
  String publicKeyPem() throws GeneralSecurityException {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .encodeToString(publicKey().getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
  }

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
