package io.driftzero.control.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.control.ControlPlane;
import io.driftzero.core.audit.AuditVerifier;
import io.driftzero.core.client.DzClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped under load (fast shutdown, as in a failover) and started again: dz-control
 * fails closed (503, never 500, never a credential without its committed event), {@code /readyz}
 * says so while the database is down and recovers after, and the chain has no gap.
 */
class PostgresOutageTest {
  @RegisterExtension static final Postgres PG = new Postgres();
  @TempDir static Path dir;

  static StoreHarness harness;
  static StoreHarness.Store store;
  static ControlPlane cp;

  @BeforeAll
  static void start() throws Exception {
    harness = new StoreHarness(dir.resolve("admin"));
    store = new StoreHarness.Store("postgresql", PG.url(), PG.user(), PG.password());
    // A short acquire timeout keeps each refused request (and this test) short.
    cp = harness.controlPlane(dir.resolve("data"), store).pool(8, Duration.ofSeconds(1)).start();
  }

  @AfterAll
  static void stop() {
    Postgres.startServer(); // whatever happened, leave the cluster running for the next class
    if (cp != null) {
      cp.close();
    }
  }

  /** Polls {@code /readyz} until it answers {@code status}; at most {@code tries} polls. */
  private static boolean awaitReady(RawApi api, int status, int tries) throws Exception {
    for (int i = 0; i < tries; i++) {
      if (api.get("/readyz").statusCode() == status) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  @Test
  void databaseStoppedMidRunFailsClosedAndLosesNothing() throws Exception {
    RawApi api = new RawApi(cp.url(), harness);
    for (int i = 0; i < 3; i++) {
      assertEquals(List.of(200, 200, 200), api.flow().statuses(), "before the outage");
    }
    List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
    List<String> jtis = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger flows = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Throwable> loadErrors = Collections.synchronizedList(new ArrayList<>());
    Thread load = new Thread(() -> {
      RawApi client = new RawApi(cp.url(), harness);
      while (!stop.get() && flows.get() < 2000) {
        try {
          RawApi.Flow f = client.flow();
          statuses.addAll(f.statuses());
          if (f.jti() != null) {
            jtis.add(f.jti());
          }
          flows.incrementAndGet();
        } catch (Exception e) {
          loadErrors.add(e);
          return;
        }
      }
    }, "outage-load");
    load.start();
    try {
      while (flows.get() < 3 && load.isAlive()) {
        Thread.sleep(20);
      }
      Postgres.stopServer();
      assertTrue(awaitReady(api, 503, 40), "/readyz should say 503 while the database is down");
      int seenAtStop = statuses.size();
      for (int i = 0; i < 400 && statuses.subList(seenAtStop, statuses.size()).stream().noneMatch(s -> s == 503); i++) {
        Thread.sleep(25);
      }
      Postgres.startServer();
      assertTrue(awaitReady(api, 200, 120), "/readyz should say 200 once the database is back");
      int issuedAtRestart = jtis.size();
      for (int i = 0; i < 400 && jtis.size() < issuedAtRestart + 3 && load.isAlive(); i++) {
        Thread.sleep(25);
      }
    } finally {
      stop.set(true);
      load.join(60_000);
    }
    assertEquals(List.of(), loadErrors);
    Set<Integer> distinct = new TreeSet<>(statuses);
    assertTrue(distinct.contains(503), "requests during the outage get 503: " + distinct);
    assertTrue(Set.of(200, 503).containsAll(distinct), "only 200 and 503, never a 500: " + distinct);
    assertEquals(List.of(200, 200, 200), api.flow().statuses(), "after the outage");

    try (Connection c = StoreHarness.connect(store, null)) {
      AuditVerifier.Report r = StoreHarness.verifyStoredChain(c, DzClient.builder(cp.url()).build().jwks());
      assertTrue(r.ok(), r::summary);
      assertEquals(List.of(), StoreHarness.credentialProblems(c));
      for (String jti : jtis) {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM credentials WHERE jti = ?")) {
          ps.setString(1, jti);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals(1, rs.getInt(1), "a credential the client received must be on record: " + jti);
          }
        }
      }
    }
  }
}
