package io.driftzero.core.tpm;

import io.driftzero.core.DzException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The Linux kernel TPM character device. One write sends a whole command; one read returns a whole
 * response (the kernel buffers it).
 *
 * <p>Why not {@code tss.TpmDeviceLinux}: it silently moves on from an unpermitted
 * {@code /dev/tpmrm0} to {@code /dev/tpm0}, reports failures only on stderr, polls with 200 ms
 * sleeps and caps responses at 4 KiB. Here the path is chosen once and every error names it.
 */
final class KernelTpmDevice extends OneResponseDevice {
  private final Path path;
  private FileChannel channel;

  private KernelTpmDevice(Path path) {
    this.path = path;
    TpmInfo = TpmUsesTrm | TpmNoPowerCtl | TpmNoLocalityCtl;
  }

  /**
   * Opens the kernel TPM under {@code devDir} (normally {@code /dev}): {@code tpmrm0}, else {@code
   * tpm0}. The mode only changes the wording of the error.
   */
  static KernelTpmDevice open(TpmMode mode, Path devDir) throws DzException {
    Path rm = devDir.resolve("tpmrm0");
    Path raw = devDir.resolve("tpm0");
    Path path = Files.exists(rm) ? rm : Files.exists(raw) ? raw : null;
    if (path == null) {
      throw new DzException(DzException.Kind.UNAVAILABLE,
          "No TPM found for " + TpmMode.SETTING + " " + mode + ": neither " + rm + " nor " + raw
              + " exists. Enable the TPM (firmware setting, or the cloud VM's vTPM; the device is"
              + " usually group 'tss', which this user must be in), or run with "
              + TpmMode.SETTING + " none (no hardware anchor) or " + TpmMode.SETTING
              + " swtpm:HOST:PORT (software TPM, tests only)");
    }
    KernelTpmDevice d = new KernelTpmDevice(path);
    try {
      d.channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      return d;
    } catch (AccessDeniedException e) {
      throw new DzException(DzException.Kind.UNAVAILABLE,
          "Permission denied opening " + path + " for " + TpmMode.SETTING + " " + mode
              + ": add this user to the 'tss' group (sudo usermod -aG tss $USER, then log in again)"
              + " or run with " + TpmMode.SETTING + " none",
          e);
    } catch (IOException e) {
      throw new DzException(DzException.Kind.UNAVAILABLE,
          "Cannot open " + path + " for " + TpmMode.SETTING + " " + mode + ": " + e.getMessage()
              + "; check the device and the 'tss' group, or run with " + TpmMode.SETTING + " none",
          e);
    }
  }

  Path path() {
    return path;
  }

  @Override
  public boolean connect() {
    return channel != null && channel.isOpen();
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }

  @Override
  public void dispatchCommand(byte[] command) {
    try {
      ByteBuffer cmd = ByteBuffer.wrap(command);
      while (cmd.hasRemaining()) {
        channel.write(cmd);
      }
      ByteBuffer resp = ByteBuffer.allocate(SwtpmDevice.MAX_RESPONSE);
      int n = channel.read(resp);
      // The kernel hands the whole response to the first read; keep reading only if it did not.
      while (n >= 0 && resp.position() < 10) {
        n = channel.read(resp);
      }
      if (resp.position() < 10) {
        throw new IOException("short TPM response");
      }
      int size = resp.getInt(2);
      if (size < 10 || size > resp.capacity()) {
        throw new IOException("bad TPM response size " + size);
      }
      while (resp.position() < size && n >= 0) {
        n = channel.read(resp);
      }
      if (resp.position() < size) {
        throw new IOException("truncated TPM response");
      }
      byte[] r = new byte[size];
      resp.flip();
      resp.get(r);
      respond(r);
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": " + e.getMessage(), e);
    }
  }


}
