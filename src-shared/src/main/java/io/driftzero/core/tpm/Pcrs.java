package io.driftzero.core.tpm;

import io.driftzero.core.DzException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPM_ALG_ID;

/** PCR index sets and their TPMS_PCR_SELECTION bitmaps. */
final class Pcrs {
  private Pcrs() {}

  /** Validates a PCR list (non-empty, distinct, 0..23) as a sorted set. */
  static TreeSet<Integer> checked(List<Integer> pcrs) throws DzException {
    if (pcrs == null || pcrs.isEmpty()) {
      throw new DzException(DzException.Kind.BAD_INPUT, "no PCRs selected; name PCR indexes 0..23");
    }
    TreeSet<Integer> set = new TreeSet<>();
    for (Integer i : pcrs) {
      if (i == null || i < 0 || i > 23 || !set.add(i)) {
        throw new DzException(DzException.Kind.BAD_INPUT,
            "PCR selection " + pcrs + " is invalid: indexes must be distinct, 0..23");
      }
    }
    return set;
  }

  /** A one-bank SHA-256 selection (3-byte bitmap: PCRs 0..23). */
  static TPMS_PCR_SELECTION[] sha256(Iterable<Integer> pcrs) {
    byte[] select = new byte[3];
    for (int i : pcrs) {
      select[i / 8] |= (byte) (1 << (i % 8));
    }
    return new TPMS_PCR_SELECTION[] {new TPMS_PCR_SELECTION(TPM_ALG_ID.SHA256, select)};
  }

  /** The indexes set in a bitmap, ascending (the order the TPM returns and hashes values in). */
  static List<Integer> indexes(byte[] select) {
    List<Integer> out = new ArrayList<>();
    for (int bit = 0; bit < select.length * 8; bit++) {
      if ((select[bit / 8] & (1 << (bit % 8))) != 0) {
        out.add(bit);
      }
    }
    return out;
  }

  static String bankName(int alg) {
    return switch (alg) {
      case 0x0004 -> "sha1";
      case 0x000B -> "sha256";
      case 0x000C -> "sha384";
      case 0x000D -> "sha512";
      case 0x0012 -> "sm3_256";
      default -> String.format("alg_0x%04x", alg);
    };
  }
}
