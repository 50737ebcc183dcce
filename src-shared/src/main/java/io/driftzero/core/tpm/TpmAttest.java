package io.driftzero.core.tpm;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed TPMS_ATTEST (TPM 2.0 Part 2, 10.12.12). The quote part ({@link #pcrSelection},
 * {@link #pcrDigest}) is present only when {@link #type} is TPM_ST_ATTEST_QUOTE.
 *
 * @param magic must be TPM_GENERATED_VALUE
 * @param type TPM_ST of the attested union
 * @param qualifiedSigner the signing key's qualified name
 * @param extraData the caller's qualifyingData
 * @param pcrSelection per bank: TPM_ALG_ID and the selected indexes, ascending ({@code null} if not a quote)
 * @param pcrDigest digest of the selected PCR values ({@code null} if not a quote)
 */
record TpmAttest(
    int magic, int type, byte[] qualifiedSigner, byte[] extraData, List<Bank> pcrSelection,
    byte[] pcrDigest) {

  static final int TPM_GENERATED_VALUE = 0xff544347;
  static final int TPM_ST_ATTEST_QUOTE = 0x8018;

  /** One TPMS_PCR_SELECTION: a hash algorithm and the PCR indexes selected in its bank. */
  record Bank(int hashAlg, List<Integer> pcrs) {}

  static TpmAttest parse(byte[] bytes) throws TpmReader.Malformed {
    TpmReader r = new TpmReader(bytes);
    int magic = r.u32();
    int type = r.u16();
    byte[] signer = r.sized();
    byte[] extra = r.sized();
    r.bytes(17); // clockInfo: clock u64, resetCount u32, restartCount u32, safe u8
    r.u64(); // firmwareVersion
    if (type != TPM_ST_ATTEST_QUOTE) {
      return new TpmAttest(magic, type, signer, extra, null, null);
    }
    int count = r.u32();
    if (count > 16) {
      throw new TpmReader.Malformed("TPMS_ATTEST has " + count + " PCR banks");
    }
    List<Bank> banks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int alg = r.u16();
      byte[] select = r.bytes(r.u8());
      List<Integer> pcrs = new ArrayList<>();
      for (int bit = 0; bit < select.length * 8; bit++) {
        if ((select[bit / 8] & (1 << (bit % 8))) != 0) {
          pcrs.add(bit);
        }
      }
      banks.add(new Bank(alg, List.copyOf(pcrs)));
    }
    byte[] digest = r.sized();
    r.end("TPMS_ATTEST");
    return new TpmAttest(magic, type, signer, extra, List.copyOf(banks), digest);
  }
}
