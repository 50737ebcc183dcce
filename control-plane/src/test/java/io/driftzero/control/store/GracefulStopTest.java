package io.driftzero.control.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.driftzero.control.ControlPlane;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.NonceResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping dz-control lets a request in flight finish and commit, then closes the pool. The request
 * is held in flight deterministically: the test holds the {@code audit_head} row lock, so the attest
 * waits in its append until the test lets go, after the stop has begun.
 */
class GracefulStopTest {
  @RegisterExtension static final Postgres PG = new Postgres();
  @TempDir static Path dir;

  @Test
  void stopWaitsForTheRequestInFlightThenClosesThePool() throws Exception {
    StoreHarness harness = new StoreHarness(dir.resolve("admin"));
    StoreHarness.Store store = new StoreHarness.Store("postgresql", PG.url(), PG.user(), PG.password());
    ControlPlane cp = harness.controlPlane(dir.resolve("data"), store).start();
    RawApi api = new RawApi(cp.url(), harness);
    String nonce = Json.mapper().readValue(api.get("/v1/nonce").body(), NonceResponse.class).nonce();
    String actor = StoreHarness.ACTOR_PREFIX + UUID.randomUUID() + "/.github/workflows/deploy.yml@refs/heads/main";

    CompletableFuture<Void> stopped;
    CompletableFuture<HttpResponse<String>> inFlight;
    try (Connection lock = DriverManager.getConnection(PG.url(), PG.user(), PG.password())) {
      lock.setAutoCommit(false);
      try (Statement st = lock.createStatement()) {
        st.executeQuery("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE").close();
      }
      inFlight = CompletableFuture.supplyAsync(() -> {
        try {
          return api.post("/v1/attest", harness.attestRequest(nonce, actor), null);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertTrue(awaitLockWaiter(lock), "the attest should be waiting on the audit_head lock");
      stopped = CompletableFuture.runAsync(cp::close);
      assertTrue(awaitRefused(cp.port()), "the listener should close as soon as stop begins");
      assertTrue(!stopped.isDone(), "stop must wait for the request in flight");
      lock.commit(); // let the append go on
    }
    HttpResponse<String> r = inFlight.get(60, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode(), r.body());
    AttestResponse att = Json.mapper().readValue(r.body(), AttestResponse.class);
    stopped.get(60, TimeUnit.SECONDS);
    assertTrue(((HikariDataSource) cp.database().dataSource()).isClosed(), "the pool is closed after the stop");
    try (Connection c = DriverManager.getConnection(PG.url(), PG.user(), PG.password());
        PreparedStatement ps = c.prepareStatement("SELECT result FROM audit_events WHERE audit_id = ?")) {
      ps.setString(1, att.auditId());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "the in-flight decision was committed");
        assertEquals("ACCEPTED", rs.getString(1));
      }
    }
  }

  /** Waits (bounded) until another session waits on a lock that {@code holder} holds. */
  private static boolean awaitLockWaiter(Connection holder) throws Exception {
    try (Connection probe = DriverManager.getConnection(PG.url(), PG.user(), PG.password());
        PreparedStatement ps = probe.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity"
            + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
      for (int i = 0; i < 400; i++) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) > 0) {
            return true;
          }
        }
        Thread.sleep(25);
      }
    }
    return false;
  }

  private static boolean awaitRefused(int port) throws InterruptedException {
    for (int i = 0; i < 400; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      } catch (IOException e) {
        return true;
      }
      Thread.sleep(25);
    }
    return false;
  }
}
