package io.driftzero.core.tpm;

import java.util.Arrays;

/**
 * A small big-endian reader for TPM 2.0 structures. The verifier parses attestation bytes with this
 * instead of TSS.Java, so the server side depends on nothing that talks to a TPM. Every read is
 * bounds-checked and throws {@link Malformed}.
 */
final class TpmReader {
  /** The bytes are not the structure they claim to be. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  private final byte[] buf;
  private int pos;

  TpmReader(byte[] buf) {
    this.buf = buf;
  }

  int u8() throws Malformed {
    need(1);
    return buf[pos++] & 0xff;
  }

  int u16() throws Malformed {
    need(2);
    int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  int u32() throws Malformed {
    need(4);
    int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
        | (buf[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  long u64() throws Malformed {
    return ((long) u32() << 32) | (u32() & 0xffffffffL);
  }

  byte[] bytes(int n) throws Malformed {
    need(n);
    byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return b;
  }

  /** A TPM2B: u16 size then that many bytes. */
  byte[] sized() throws Malformed {
    return bytes(u16());
  }

  int position() {
    return pos;
  }

  /** Fails unless every byte was consumed: trailing bytes mean a different structure. */
  void end(String what) throws Malformed {
    if (pos != buf.length) {
      throw new Malformed(what + " has " + (buf.length - pos) + " trailing bytes");
    }
  }

  private void need(int n) throws Malformed {
    if (n < 0 || pos + n > buf.length) {
      throw new Malformed("structure truncated at byte " + pos);
    }
  }
}
