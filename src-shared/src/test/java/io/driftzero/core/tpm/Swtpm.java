package io.driftzero.core.tpm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private software TPM (swtpm) per test class, on random free loopback ports with a temporary
 * state directory; stopped by its PID and the directory deleted afterwards. Register it with
 * {@code @RegisterExtension static final Swtpm SWTPM = new Swtpm();}.
 *
 * <p>When swtpm is not installed the tests fail (they do not skip): a TPM test that silently does
 * not run proves nothing. Shipped in driftzero-core's test-jar for the control plane's tests.
 */
public final class Swtpm implements BeforeAllCallback, AfterAllCallback {
  /** The message when swtpm is missing. */
  public static final String NOT_INSTALLED =
      "swtpm is not installed (needed by the TPM tests): run scripts/install-test-deps.sh";

  private Path dir;
  private Process process;
  private long pid;
  private int port;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  /** Starts swtpm; fails with {@link #NOT_INSTALLED} when it is missing. */
  public void start() throws IOException, InterruptedException {
    if (!onPath("swtpm")) {
      throw new IllegalStateException(NOT_INSTALLED);
    }
    dir = Files.createTempDirectory("dz-swtpm-");
    Path state = Files.createDirectory(dir.resolve("state"));
    Path pidFile = dir.resolve("swtpm.pid");
    Path log = dir.resolve("swtpm.log");
    for (int attempt = 0; attempt < 5 && process == null; attempt++) {
      int p = freePortPair();
      Process proc = new ProcessBuilder(List.of("swtpm", "socket", "--tpm2",
          "--tpmstate", "dir=" + state,
          "--server", "type=tcp,port=" + p + ",bindaddr=127.0.0.1",
          "--ctrl", "type=tcp,port=" + (p + 1) + ",bindaddr=127.0.0.1",
          "--flags", "not-need-init,startup-clear",
          "--pid", "file=" + pidFile,
          "--log", "file=" + log + ",level=1"))
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("swtpm.out").toFile())
          .start();
      if (awaitReady(proc, pidFile, p)) {
        process = proc;
        port = p;
        pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
      } else {
        proc.destroyForcibly().waitFor(5, TimeUnit.SECONDS); // lost the port race: try another pair
      }
    }
    if (process == null) {
      String out = Files.exists(dir.resolve("swtpm.out")) ? Files.readString(dir.resolve("swtpm.out")) : "";
      deleteDir();
      throw new IllegalStateException("swtpm did not start: " + out.strip());
    }
  }

  /** Stops swtpm by its PID (SIGTERM, then SIGKILL after 5 s) and deletes its directory. */
  public void stop() throws IOException, InterruptedException {
    if (process != null) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        process.waitFor(5, TimeUnit.SECONDS);
      }
      process = null;
    }
    deleteDir();
  }

  /** The TPM mode for this swtpm: {@code swtpm:127.0.0.1:PORT}. */
  public TpmMode mode() {
    return TpmMode.swtpm("127.0.0.1", port);
  }

  /** The data port (the control port is {@code port() + 1}). */
  public int port() {
    return port;
  }

  /** Environment for tpm2-tools: {@code TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=P}. */
  public Map<String, String> tpm2ToolsEnv() {
    return Map.of("TPM2TOOLS_TCTI", "swtpm:host=127.0.0.1,port=" + port);
  }

  /**
   * Runs a tpm2-tools command against this swtpm and returns its stdout. swtpm serves one data
   * connection at a time: close any open {@link Tpm} first.
   */
  public String tpm2(String... command) throws IOException, InterruptedException {
    if (!onPath(command[0])) {
      throw new IllegalStateException(command[0] + " is not installed: run scripts/install-test-deps.sh");
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(tpm2ToolsEnv());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  private static boolean awaitReady(Process proc, Path pidFile, int p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && proc.isAlive()) {
      // Probe the control port only: a probe on the data port would take swtpm's single data slot.
      if (Files.exists(pidFile) && connects(p + 1)) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }

  private static boolean connects(int p) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port P with P+1 also free (swtpm's control channel). */
  private static int freePortPair() throws IOException {
    for (int i = 0; i < 50; i++) {
      try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int p = a.getLocalPort();
        if (p < 65535) {
          try (ServerSocket b = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
            return p;
          } catch (IOException taken) {
            // try another
          }
        }
      }
    }
    throw new IOException("no free pair of loopback ports");
  }

  private static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(":")));
    dirs.addAll(List.of("/usr/bin", "/usr/local/bin", "/bin"));
    return dirs.stream().anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, exe)));
  }

  private void deleteDir() throws IOException {
    if (dir != null && Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    dir = null;
  }
}
