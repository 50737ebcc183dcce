package io.driftzero.core.tpm;

import io.driftzero.core.DzException;
import java.util.function.Supplier;
import tss.tpm.TPM_HANDLE;

/**
 * Runs TSS.Java commands the way DriftZero needs: every command with errors allowed (so TSS.Java
 * neither prints "TPM ERROR" to stdout nor throws its own exceptions) and its response code checked
 * here, turning failures into {@link DzException}s that name the command, the TPM and a remedy.
 */
final class TssCalls {
  static final int TPM_RC_SUCCESS = 0;
  static final int TPM_RC_INITIALIZE = 0x100;

  private final tss.Tpm tpm;
  private final String transport;

  TssCalls(tss.Tpm tpm, String transport) {
    this.tpm = tpm;
    this.transport = transport;
  }

  /** The TSS.Java TPM object, for building the command inside {@link #call}/{@link #run}. */
  tss.Tpm tpm() {
    return tpm;
  }

  /** Runs one command and fails on any response code but success. */
  <T> T call(String command, Supplier<T> c) throws DzException {
    T out = run(command, c);
    int rc = lastRc();
    if (rc != TPM_RC_SUCCESS) {
      throw failed(command, rc);
    }
    return out;
  }

  /** Runs one command with errors allowed; check {@link #lastRc()} afterwards. */
  <T> T run(String command, Supplier<T> c) throws DzException {
    try {
      tpm._allowErrors();
      return c.get();
    } catch (RuntimeException e) {
      throw new DzException(DzException.Kind.UNAVAILABLE,
          "TPM2_" + command + " on " + transport + " failed: " + e.getMessage(), e);
    }
  }

  /** {@link #run} for commands without a response. */
  void exec(String command, Runnable r) throws DzException {
    call(command, () -> {
      r.run();
      return null;
    });
  }

  /**
   * The last response code as TSS.Java decodes it (parameter/handle bits removed). Compared as an
   * int because {@code TPM_RC.fromInt} returns aliases ({@code 0x100} is INITIALIZE and RC_VER1).
   */
  int lastRc() {
    return tpm._getLastResponseCode().toInt();
  }

  DzException failed(String command, int rc) {
    String hint = switch (rc) {
      case 0x0a2, 0x09a, 0x08e -> "; a hierarchy has a password (DriftZero expects empty owner and"
          + " endorsement auth) or the key's auth is wrong";
      case 0x921 -> "; the TPM is in dictionary-attack lockout, wait or reset it";
      case TPM_RC_INITIALIZE -> "; the TPM was not started up";
      default -> "";
    };
    return new DzException(DzException.Kind.UNAVAILABLE, String.format("TPM2_%s on %s failed: %s (0x%03x)%s",
        command, transport, tpm._getLastResponseCode(), rc, hint));
  }

  /** Removes a transient object, best effort: cleanup must not hide the original failure. */
  void flush(TPM_HANDLE h) {
    try {
      tpm._allowErrors().FlushContext(h);
    } catch (RuntimeException ignored) {
      // the connection is gone, and with it anything we could do about the object
    }
  }
}
