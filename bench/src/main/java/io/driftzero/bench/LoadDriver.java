package io.driftzero.bench;

import io.driftzero.control.ControlPlane;
import io.driftzero.core.AttestFlow;
import io.driftzero.core.audit.AuditVerifier;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.SystemProbe;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.CredentialResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs N concurrent simulated pipelines through nonce → attest → credentials against a dz-control
 * on loopback HTTP (started here on the embedded store, or on PostgreSQL with --jdbc-url), then
 * verifies the whole audit trail. Prints throughput, p50/p95/p99 latency per step and errors.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.driftzero.bench.LoadDriver --pipelines 8 --flows 200</pre>
 */
public final class LoadDriver {
  private LoadDriver() {}

  public static void main(String[] args) throws Exception {
    int pipelines = 8;
    int flows = 200;
    String jdbc = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--pipelines" -> pipelines = Integer.parseInt(args[++i]);
        case "--flows" -> flows = Integer.parseInt(args[++i]);
        case "--jdbc-url" -> jdbc = args[++i];
        default -> {
          System.err.println("usage: LoadDriver [--pipelines N] [--flows TOTAL] [--jdbc-url URL]"
              + " (DZ_JDBC_USER / DZ_JDBC_PASSWORD from the environment)");
          System.exit(2);
        }
      }
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Fixtures f = new Fixtures();
    Path dir = Files.createTempDirectory("dz-load");
    ControlPlane.Builder b = ControlPlane.builder().dataDir(dir.resolve("data")).policyFile(f.writePolicy(dir));
    if (jdbc != null) {
      b.jdbc(jdbc, System.getenv("DZ_JDBC_USER"), System.getenv("DZ_JDBC_PASSWORD"));
    }
    try (ControlPlane cp = b.start()) {
      DzClient client = DzClient.builder(cp.url()).attempts(1).timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30)).build();
      EnvironmentMeasurer measurer = new EnvironmentMeasurer(Map.of(), new FixedProbe(f.measurements));
      List<Long> attestNs = Collections.synchronizedList(new ArrayList<>());
      List<Long> credNs = Collections.synchronizedList(new ArrayList<>());
      List<Long> flowNs = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger errors = new AtomicInteger();
      AtomicInteger issued = new AtomicInteger();
      warmUp(client, f, measurer);
      ExecutorService pool = Executors.newFixedThreadPool(pipelines);
      AtomicInteger left = new AtomicInteger(flows);
      long t0 = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int p = 0; p < pipelines; p++) {
        done.add(pool.submit(() -> {
          while (left.getAndDecrement() > 0) {
            try {
              long a = System.nanoTime();
              AttestFlow.Result r = flow(client, f, measurer).attest();
              long c = System.nanoTime();
              CredentialResponse cr = AttestFlow.requestCredential(client, r.response().attestationId(),
                  r.response().sessionToken(), "deploy", Fixtures.TARGET, 600);
              long e = System.nanoTime();
              attestNs.add(c - a);
              credNs.add(e - c);
              flowNs.add(e - a);
              if (cr.issued()) {
                issued.incrementAndGet();
              } else {
                errors.incrementAndGet();
              }
            } catch (Exception ex) {
              errors.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> d : done) {
        d.get();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      pool.shutdown();
      long vt = System.nanoTime();
      var events = client.allAuditEvents(Map.of());
      double fetchSecs = (System.nanoTime() - vt) / 1e9;
      long vt2 = System.nanoTime();
      AuditVerifier.Report report = new AuditVerifier(client.jwks()).verifyChain(events);
      double verifySecs = (System.nanoTime() - vt2) / 1e9;
      System.out.printf("store %s, %d pipelines, %d flows (nonce+attest+credential) in %.2f s%n",
          jdbc == null ? "embedded H2" : "PostgreSQL", pipelines, flows, secs);
      System.out.printf("throughput: %.1f flows/s (%.1f decisions/s), issued %d, errors %d%n",
          flowNs.size() / secs, 2 * flowNs.size() / secs, issued.get(), errors.get());
      print("nonce+attest", attestNs);
      print("credential  ", credNs);
      print("whole flow  ", flowNs);
      System.out.printf("audit verify: %s (%d events: fetched in %.2f s, verified in %.2f s = %.0f events/s)%n",
          report.ok() ? "OK" : report.summary(), events.size(), fetchSecs, verifySecs, events.size() / verifySecs);
      System.exit(report.ok() && errors.get() == 0 ? 0 : 1);
    }
  }

  private static AttestFlow flow(DzClient client, Fixtures f, EnvironmentMeasurer m) {
    return AttestFlow.builder().client(client).measurer(m).manifest(f.manifest).signer(f.signer)
        .actor(new Actor("pipeline", Fixtures.ACTOR)).policy(Fixtures.POLICY).build();
  }

  private static void warmUp(DzClient client, Fixtures f, EnvironmentMeasurer m) throws Exception {
    for (int i = 0; i < 50; i++) {
      AttestFlow.Result r = flow(client, f, m).attest();
      AttestFlow.requestCredential(client, r.response().attestationId(), r.response().sessionToken(), "deploy",
          Fixtures.TARGET, 600);
    }
  }

  private static void print(String what, List<Long> ns) {
    List<Long> s = new ArrayList<>(ns);
    Collections.sort(s);
    if (s.isEmpty()) {
      System.out.println(what + ": no samples");
      return;
    }
    System.out.printf("%s p50 %6.2f ms   p95 %6.2f ms   p99 %6.2f ms   max %6.2f ms%n", what,
        pct(s, 0.50), pct(s, 0.95), pct(s, 0.99), s.get(s.size() - 1) / 1e6);
  }

  private static double pct(List<Long> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
  }

  /** Measurements fixed to the manifest's, so the load measures dz-control, not /proc reads. */
  private record FixedProbe(Map<String, String> facts) implements SystemProbe {
    @Override
    public java.util.Optional<String> property(String name) {
      return java.util.Optional.ofNullable(switch (name) {
        case "os.name" -> facts.get("os.name");
        case "os.arch" -> facts.get("os.arch");
        case "java.version" -> facts.get("runtime.java");
        default -> null;
      });
    }

    @Override
    public java.util.Optional<String> readText(Path file) {
      String p = file.toString();
      if (p.equals("/proc/sys/kernel/osrelease")) {
        return java.util.Optional.of(facts.get("kernel.release"));
      }
      if (p.equals("/etc/os-release")) {
        return java.util.Optional.of("ID=" + facts.get("os.id") + "\nVERSION_ID=\"" + facts.get("os.version") + "\"");
      }
      return java.util.Optional.empty();
    }

    @Override
    public boolean exists(Path file) {
      return false;
    }

    @Override
    public java.util.Optional<String> sha256(Path file) {
      return java.util.Optional.empty();
    }

    @Override
    public java.util.Optional<String> toolVersion(String command) {
      return java.util.Optional.ofNullable(facts.get("tool." + command));
    }
  }
}
