package io.driftzero.control.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import io.driftzero.control.ControlPlane;
import io.driftzero.control.keys.SigningKeys;
import io.driftzero.control.nonce.NonceService;
import io.driftzero.control.store.Postgres;
import io.driftzero.control.store.StoreHarness;
import io.driftzero.core.audit.AuditVerifier;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.model.Reason;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two dz-control replicas (two HTTP ports, one process each in all but name) on one PostgreSQL
 * database, sharing the signing keys as replicas behind a load balancer do: a nonce is accepted once
 * across both, and concurrent appends from both form one gap-free, verifiable chain in which every
 * issued {@code jti} has exactly one committed ISSUED event.
 */
class TwoReplicasOnePostgresTest {
  @RegisterExtension static final Postgres PG = new Postgres();
  @TempDir static Path dir;

  static StoreHarness harness;
  static StoreHarness.Store store;
  static ControlPlane a;
  static ControlPlane b;
  static DzClient clientA;
  static DzClient clientB;

  @BeforeAll
  static void start() throws Exception {
    harness = new StoreHarness(dir.resolve("admin"));
    store = new StoreHarness.Store("postgresql", PG.url(), PG.user(), PG.password());
    // The keys are provisioned first, as an operator copies them to every replica; the rest is in
    // PostgreSQL. Both replicas then start at once on the empty database, as pods of a fresh
    // deployment do, so the migrations race (Flyway serialises them with an advisory lock).
    SigningKeys.loadOrCreate(dir.resolve("shared").resolve("keys"));
    var startA = java.util.concurrent.CompletableFuture.supplyAsync(() -> start(dir.resolve("shared")));
    var startB = java.util.concurrent.CompletableFuture.supplyAsync(() -> start(dir.resolve("shared")));
    a = startA.get(120, TimeUnit.SECONDS);
    b = startB.get(120, TimeUnit.SECONDS);
    clientA = DzClient.builder(a.url()).attempts(1).build();
    clientB = DzClient.builder(b.url()).attempts(1).build();
  }

  private static ControlPlane start(Path data) {
    try {
      return harness.controlPlane(data, store).start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  static String newActor() {
    return StoreHarness.ACTOR_PREFIX + UUID.randomUUID() + "/.github/workflows/deploy.yml@refs/heads/main";
  }

  @Test
  void replicasShareTheirKeys() throws Exception {
    assertEquals(clientA.jwks().toString(), clientB.jwks().toString());
  }

  @Test
  void oneNonceSentTwentyTimesAcrossBothReplicasIsAcceptedOnce() throws Exception {
    AttestRequest req = harness.attestRequest(clientA.nonce().nonce(), newActor());
    int n = 20;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<AttestResponse> responses = new ArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Callable<AttestResponse>> tasks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        DzClient c = i % 2 == 0 ? clientA : clientB;
        tasks.add(() -> {
          go.await();
          return c.attest(req);
        });
      }
      List<Future<AttestResponse>> futures = new ArrayList<>();
      tasks.forEach(t -> futures.add(pool.submit(t)));
      go.countDown();
      for (Future<AttestResponse> f : futures) {
        responses.add(f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    List<AttestResponse> accepted = responses.stream().filter(AttestResponse::accepted).toList();
    assertEquals(1, accepted.size(), () -> responses.stream().map(AttestResponse::result).toList().toString());
    AuditVerifier verifier = new AuditVerifier(clientA.jwks());
    for (AttestResponse r : responses) {
      if (r.accepted()) {
        continue;
      }
      assertEquals(List.of(NonceService.NONCE_REUSED), r.reasons().stream().map(Reason::code).toList());
      AuditEvent e = clientB.auditEvent(r.auditId()); // committed, and visible from either replica
      assertEquals(AttestResponse.DENIED, e.result());
      assertNull(verifier.signatureProblem(e), "signed DENIED event " + r.auditId());
    }
  }

  @Test
  void fiftyConcurrentFlowsOverBothReplicasLeaveOneGapFreeChain() throws Exception {
    int perReplica = 25;
    ExecutorService pool = Executors.newFixedThreadPool(2 * perReplica);
    Set<String> jtis = new HashSet<>();
    long t0 = System.nanoTime();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < 2 * perReplica; i++) {
        DzClient c = i % 2 == 0 ? clientA : clientB;
        futures.add(pool.submit(() -> {
          go.await();
          AttestResponse att = c.attest(harness.attestRequest(c.nonce().nonce(), newActor()));
          assertEquals(AttestResponse.ACCEPTED, att.result(), () -> String.valueOf(att.reasons()));
          CredentialResponse cr = c.credentials(new CredentialRequest(att.attestationId(), "deploy",
              StoreHarness.TARGET, 120), att.sessionToken());
          assertEquals(CredentialResponse.ISSUED, cr.result());
          return SignedJWT.parse(cr.credential().token()).getJWTClaimsSet().getJWTID();
        }));
      }
      go.countDown();
      for (Future<String> f : futures) {
        jtis.add(f.get(120, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    // A figure for the operator guide, not an assertion: 2 x 25 flows, 4 appends each (2 nonces not included).
    System.out.printf("2 replicas, %d concurrent attest+credential flows: %.2f s, %.1f flows/s, %.1f audit appends/s%n",
        2 * perReplica, seconds, 2 * perReplica / seconds, 2 * 2 * perReplica / seconds);
    assertEquals(2 * perReplica, jtis.size());

    try (Connection c = StoreHarness.connect(store, null)) {
      AuditVerifier.Report report = StoreHarness.verifyStoredChain(c, clientA.jwks());
      assertTrue(report.ok(), report::summary);
      assertEquals(List.of(), StoreHarness.credentialProblems(c));
      for (String jti : jtis) {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_events e JOIN credentials k"
            + " ON k.audit_id = e.audit_id WHERE k.jti = ? AND e.result = 'ISSUED'")) {
          ps.setString(1, jti);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals(1, rs.getInt(1), "ISSUED events for jti " + jti);
          }
        }
      }
    }
    // And the same chain, as an outside auditor fetches it from the other replica.
    assertTrue(new AuditVerifier(clientB.jwks()).verifyChain(clientB.allAuditEvents(java.util.Map.of())).ok());
  }
}
