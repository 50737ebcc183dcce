package io.driftzero.bench;

import io.driftzero.control.audit.AuditLog;
import io.driftzero.control.keys.SigningKeys;
import io.driftzero.control.store.Database;
import io.driftzero.core.audit.AuditVerifier;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.AuditPage;
import io.driftzero.core.model.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The audit trail at scale: fills a store with N signed, chained events (default 1,000,000), then
 * measures through dz-control's HTTP API a filtered newest-first page, cursor pages deep into the
 * chain, a time-window page, one event by id, and finally how fast the whole chain verifies.
 *
 * <pre>java -Xmx6g -cp bench/target/benchmarks.jar io.driftzero.bench.AuditScale [--events N] [--jdbc-url URL]</pre>
 */
public final class AuditScale {
  private AuditScale() {}

  public static void main(String[] args) throws Exception {
    int n = 1_000_000;
    String jdbc = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events" -> n = Integer.parseInt(args[++i]);
        case "--jdbc-url" -> jdbc = args[++i];
        default -> {
          System.err.println("usage: AuditScale [--events N] [--jdbc-url URL]");
          System.exit(2);
        }
      }
    }
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Fixtures f = new Fixtures();
    Path dir = Files.createTempDirectory("dz-audit-scale");
    String url = jdbc != null ? jdbc : Database.embeddedUrl(dir.resolve("data"));
    String[] actors = new String[16];
    for (int i = 0; i < actors.length; i++) {
      actors[i] = "github.com/org/app-" + i + "/.github/workflows/deploy.yml@refs/heads/main";
    }
    Instant start = Instant.parse("2030-01-01T00:00:00Z");
    long t0 = System.nanoTime();
    try (Database db = Database.open(url, System.getenv("DZ_JDBC_USER"), System.getenv("DZ_JDBC_PASSWORD"))) {
      AuditLog log = new AuditLog(db, SigningKeys.loadOrCreate(dir.resolve("data/keys")).audit(), e -> {});
      List<AuditEvent> batch = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        boolean denied = i % 10 == 0;
        batch.add(new AuditEvent(UUID.randomUUID().toString(), null, start.plusSeconds(i).toString(),
            actors[i % actors.length], new AuditEvent.Environment("dz://env/bench", "1.0", f.manifest.hash()),
            Fixtures.POLICY, AuditEvent.CREDENTIAL_ISSUE, denied ? "DENIED" : "ISSUED", Fixtures.TARGET, "deploy",
            600L, UUID.randomUUID().toString(), denied ? null : UUID.randomUUID().toString(),
            denied ? List.of(new Reason("TTL_EXCEEDS_MAX", "over")) : null, null, "none", null, null, null, null));
        if (batch.size() == 5_000) {
          log.appendAll(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        log.appendAll(batch);
      }
    }
    double loadSecs = (System.nanoTime() - t0) / 1e9;
    System.out.printf("loaded %,d signed chained events into %s in %.1f s (%.0f events/s)%n", n,
        jdbc == null ? "embedded H2" : "PostgreSQL", loadSecs, n / loadSecs);

    var b = io.driftzero.control.ControlPlane.builder().dataDir(dir.resolve("data")).policyFile(f.writePolicy(dir));
    if (jdbc != null) {
      b.jdbc(jdbc, System.getenv("DZ_JDBC_USER"), System.getenv("DZ_JDBC_PASSWORD"));
    }
    try (var cp = b.start()) {
      DzClient client = DzClient.builder(cp.url()).build();
      time("newest page, 50, no filter", 200, () -> client.auditEvents(Map.of(), null, 50));
      time("newest page, 50, actor filter", 200, () -> client.auditEvents(Map.of("actor", actors[3]), null, 50));
      time("newest page, 50, result=DENIED", 200, () -> client.auditEvents(Map.of("result", "DENIED"), null, 50));
      String mid = start.plusSeconds(n / 2).toString();
      time("time window (1 h) page", 200, () -> client.auditEvents(Map.of("since", mid,
          "until", Instant.parse(mid).plusSeconds(3600).toString()), null, 50));
      AuditPage first = client.auditEvents(Map.of(), null, 500);
      String[] cursor = {first.nextCursor()};
      time("cursor page, 500, walking back", 100, () -> {
        AuditPage p = client.auditEvents(Map.of(), cursor[0], 500);
        cursor[0] = p.nextCursor();
        return p;
      });
      String someId = first.events().get(123).auditId();
      time("one event by audit_id", 500, () -> client.auditEvent(someId));

      long ft = System.nanoTime();
      List<AuditEvent> all = client.allAuditEvents(Map.of());
      double fetchSecs = (System.nanoTime() - ft) / 1e9;
      long vt = System.nanoTime();
      AuditVerifier.Report r = new AuditVerifier(client.jwks()).verifyChain(all);
      double verifySecs = (System.nanoTime() - vt) / 1e9;
      System.out.printf("whole chain: fetched %,d events over HTTP in %.1f s (%.0f/s); verified in %.1f s (%.0f events/s): %s%n",
          all.size(), fetchSecs, all.size() / fetchSecs, verifySecs, all.size() / verifySecs, r.ok() ? "OK" : r.summary());
    }
  }

  interface Call {
    Object run() throws Exception;
  }

  private static void time(String what, int times, Call call) throws Exception {
    for (int i = 0; i < 20; i++) {
      call.run();
    }
    List<Long> ns = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      long t = System.nanoTime();
      call.run();
      ns.add(System.nanoTime() - t);
    }
    Collections.sort(ns);
    System.out.printf("%-34s p50 %7.2f ms   p95 %7.2f ms   p99 %7.2f ms%n", what, ns.get(ns.size() / 2) / 1e6,
        ns.get((int) (ns.size() * 0.95)) / 1e6, ns.get((int) (ns.size() * 0.99)) / 1e6);
  }
}
