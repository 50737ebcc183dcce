package io.driftzero.bench;

import io.driftzero.core.model.Reason;
import io.driftzero.core.tpm.EnrolledAk;
import io.driftzero.core.tpm.QuoteVerifier;
import io.driftzero.core.tpm.Tpm;
import io.driftzero.core.tpm.TpmEvidence;
import io.driftzero.core.tpm.TpmMode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A TPM 2.0 quote on a software TPM (swtpm, started here on loopback) and its off-TPM verification
 * in plain JCA. A hardware TPM quotes in roughly 0.1-0.6 s; swtpm shows the software cost around it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TpmBench {
  private static final List<Integer> PCRS = List.of(0, 1, 2, 3, 4, 5, 6, 7);
  private Process swtpm;
  private Path state;
  private Tpm tpm;
  private TpmEvidence evidence;
  private QuoteVerifier verifier;
  private final byte[] qualifyingData = new byte[32];

  @Setup
  public void setup() throws Exception {
    state = Files.createTempDirectory("dz-bench-swtpm");
    int port = freePort();
    swtpm = new ProcessBuilder("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state,
        "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
        "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
        "--flags", "not-need-init,startup-clear").redirectErrorStream(true)
        .redirectOutput(state.resolve("swtpm.log").toFile()).start();
    for (int i = 0; i < 100 && tpm == null; i++) {
      try {
        tpm = Tpm.open(TpmMode.swtpm("127.0.0.1", port));
      } catch (Exception e) {
        Thread.sleep(50);
      }
    }
    String name = tpm.attestationKey().name();
    evidence = tpm.quote(PCRS, qualifyingData);
    verifier = new QuoteVerifier(List.of(EnrolledAk.parse(name, "bench")));
  }

  @TearDown
  public void tearDown() throws IOException {
    if (tpm != null) {
      tpm.close();
    }
    if (swtpm != null) {
      swtpm.destroy();
    }
  }

  /** TPM2_Quote over PCRs 0-7 with the persistent AK (ECDSA P-256), PCR read included. */
  @Benchmark
  public TpmEvidence quote() throws Exception {
    return tpm.quote(PCRS, qualifyingData);
  }

  /** Verification of that quote as dz-control does it (parse, key, signature, binding, PCR digest). */
  @Benchmark
  public List<Reason> verify() {
    return verifier.verify(evidence, qualifyingData, PCRS, Map.of());
  }

  private static int freePort() throws IOException {
    while (true) {
      int p;
      try (ServerSocket s = new ServerSocket(0)) {
        p = s.getLocalPort();
      }
      try (ServerSocket s2 = new ServerSocket(p + 1)) {
        return p;
      } catch (IOException busy) {
        // try another pair
      }
    }
  }
}
