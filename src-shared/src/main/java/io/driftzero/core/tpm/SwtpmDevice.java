package io.driftzero.core.tpm;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * swtpm over TCP, speaking raw TPM 2.0 commands on the data port and swtpm's own control protocol
 * on PORT+1.
 *
 * <p>Why not {@code tss.TpmDeviceTcp}: it speaks the Microsoft simulator framing in four small
 * writes per command (Nagle turns that into ~44 ms a command) and its power/locality signals mean
 * different things on swtpm's control port (its SHUTDOWN kills swtpm). Here every command is one
 * write with TCP_NODELAY, the response is read as its 10-byte header then the body, and power and
 * locality map to swtpm's {@code CMD_INIT}, {@code CMD_STOP} and {@code CMD_SET_LOCALITY}. The
 * control connection is opened only for those calls, so other clients (tpm2-tools) can use it too.
 */
final class SwtpmDevice extends OneResponseDevice {
  // swtpm's control commands (include/swtpm/tpm_ioctl.h).
  private static final int CMD_INIT = 0x02;
  private static final int CMD_SET_LOCALITY = 0x05;
  private static final int CMD_STOP = 0x0e;
  /** Larger than any TPM 2.0 response (TPM2_PT_MAX_RESPONSE_SIZE is 4 KiB on swtpm). */
  static final int MAX_RESPONSE = 64 * 1024;
  private static final int TIMEOUT_MS = 60_000;

  private final String host;
  private final int port;
  private Socket data;
  private OutputStream out;
  private DataInputStream in;

  SwtpmDevice(String host, int port) {
    this.host = host;
    this.port = port;
    TpmInfo = TpmSocketConn | TpmPlatformAvailable;
  }

  /** Connects the data channel; unlike {@link #connect()} it says why it failed. */
  void open() throws IOException {
    Socket s = socket(port);
    data = s;
    out = s.getOutputStream();
    in = new DataInputStream(s.getInputStream());
  }

  @Override
  public boolean connect() {
    try {
      open();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (data != null) {
      try {
        data.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
      data = null;
    }
  }

  @Override
  public void dispatchCommand(byte[] command) {
    try {
      out.write(command);
      out.flush();
      respond(readResponse(in));
    } catch (IOException e) {
      throw new UncheckedIOException("swtpm " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** Reads one response: the 10-byte header (tag, size, code), then size-10 bytes of body. */
  static byte[] readResponse(DataInputStream in) throws IOException {
    byte[] header = new byte[10];
    in.readFully(header);
    int size = ByteBuffer.wrap(header, 2, 4).getInt();
    if (size < 10 || size > MAX_RESPONSE) {
      throw new IOException("bad TPM response size " + size);
    }
    byte[] resp = new byte[size];
    System.arraycopy(header, 0, resp, 0, 10);
    in.readFully(resp, 10, size - 10);
    return resp;
  }



  /** Power on = swtpm CMD_INIT (a TPM reset: PCRs clear, TPM2_Startup needed); off = CMD_STOP. */
  @Override
  public void powerCtl(boolean on) {
    if (on) {
      control(CMD_INIT, new byte[] {0, 0, 0, 0});
    } else {
      control(CMD_STOP, new byte[0]);
    }
  }

  @Override
  public void setLocality(int locality) {
    control(CMD_SET_LOCALITY, new byte[] {(byte) locality});
  }

  /** Sends one control command in one write and checks its 4-byte result. */
  private void control(int cmd, byte[] body) {
    try (Socket s = socket(port + 1)) {
      ByteBuffer req = ByteBuffer.allocate(4 + body.length).putInt(cmd).put(body);
      s.getOutputStream().write(req.array());
      s.getOutputStream().flush();
      int result = new DataInputStream(s.getInputStream()).readInt();
      if (result != 0) {
        throw new IllegalStateException(
            "swtpm control command 0x" + Integer.toHexString(cmd) + " failed: 0x" + Integer.toHexString(result));
      }
    } catch (EOFException e) {
      throw new UncheckedIOException("swtpm control channel closed", e);
    } catch (IOException e) {
      throw new UncheckedIOException("swtpm control " + host + ":" + (port + 1) + ": " + e.getMessage(), e);
    }
  }

  private Socket socket(int p) throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout(TIMEOUT_MS);
      s.connect(new InetSocketAddress(host, p), 5_000);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }
}
