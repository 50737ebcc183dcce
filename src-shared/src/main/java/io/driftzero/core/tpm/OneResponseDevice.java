package io.driftzero.core.tpm;

import tss.TpmDevice;

/**
 * A TSS.Java device that holds the one response of the command just dispatched: TSS.Java sends a
 * command, then asks whether a response is ready and takes it. Both our transports (swtpm over TCP,
 * the kernel device) answer synchronously, so the response is kept here until taken.
 */
abstract class OneResponseDevice extends TpmDevice {
  private byte[] response;

  /** Stores the response of the command just dispatched. */
  protected final void respond(byte[] r) {
    response = r;
  }

  @Override
  public final byte[] getResponse() {
    byte[] r = response;
    response = null;
    if (r == null) {
      throw new IllegalStateException("no TPM response pending");
    }
    return r;
  }

  @Override
  public final boolean responseReady() {
    return response != null;
  }
}
