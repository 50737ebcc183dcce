package io.driftzero.control.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import io.driftzero.control.ControlPlane;
import io.driftzero.control.nonce.NonceService;
import io.driftzero.control.verify.Reasons;
import io.driftzero.core.audit.AuditVerifier;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.AuditPage;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.model.EnvironmentRef;
import io.driftzero.core.model.Reason;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's behaviour, the same on every store: nonces are single use, decisions and credentials
 * commit with their signed audit events, audit filters and cursor pages, and the stored chain
 * verifies. {@link H2StoreTest} runs it on the embedded file database, {@link PostgresStoreTest} on
 * a real PostgreSQL, both through the same migrations.
 */
abstract class StoreBehaviour {
  @TempDir static Path dir;

  static ControlPlane cp;
  static DzClient client;
  static StoreHarness harness;
  static StoreHarness.Store store;

  /** Starts dz-control on {@code s} (called from each subclass's {@code @BeforeAll}). */
  static void startOn(StoreHarness.Store s) throws Exception {
    store = s;
    harness = new StoreHarness(dir.resolve("admin"));
    cp = harness.controlPlane(dir.resolve("data"), s).start();
    client = DzClient.builder(cp.url()).attempts(1).build();
  }

  @AfterAll
  static void stop() {
    if (cp != null) {
      cp.close();
      cp = null;
    }
  }

  static String newActor() {
    return StoreHarness.ACTOR_PREFIX + UUID.randomUUID() + "/.github/workflows/deploy.yml@refs/heads/main";
  }

  private static List<String> codes(List<Reason> reasons) {
    return reasons == null ? List.of() : reasons.stream().map(Reason::code).toList();
  }

  @Test
  void nonceIsAcceptedOnceThenReportedReused() {
    NonceService nonces = new NonceService(cp.database(), Clock.systemUTC(), Duration.ofSeconds(120));
    String n = nonces.issue().nonce();
    assertEquals(Optional.empty(), nonces.consume(n));
    assertEquals(NonceService.NONCE_REUSED, nonces.consume(n).orElseThrow().code());
    assertEquals(NonceService.NONCE_UNKNOWN, nonces.consume(UUID.randomUUID().toString()).orElseThrow().code());
  }

  @Test
  void expiredNonceIsRefusedAndStaysUnused() {
    Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
    NonceService issuer = new NonceService(cp.database(), Clock.fixed(t0, ZoneOffset.UTC), Duration.ofSeconds(120));
    NonceService later = new NonceService(cp.database(), Clock.fixed(t0.plusSeconds(121), ZoneOffset.UTC),
        Duration.ofSeconds(120));
    String n = issuer.issue().nonce();
    assertEquals(NonceService.NONCE_EXPIRED, later.consume(n).orElseThrow().code());
    assertEquals(NonceService.NONCE_EXPIRED, later.peek(n).orElseThrow().code());
  }

  @Test
  void concurrentConsumersOfOneNonceGetExactlyOneAcceptance() throws Exception {
    NonceService nonces = new NonceService(cp.database(), Clock.systemUTC(), Duration.ofSeconds(120));
    String n = nonces.issue().nonce();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Optional<Reason>>> tasks = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        tasks.add(() -> nonces.consume(n));
      }
      List<String> outcomes = new ArrayList<>();
      for (Future<Optional<Reason>> f : pool.invokeAll(tasks)) {
        outcomes.add(f.get().map(Reason::code).orElse("ACCEPTED"));
      }
      assertEquals(1, outcomes.stream().filter("ACCEPTED"::equals).count(), outcomes::toString);
      assertEquals(7, outcomes.stream().filter(NonceService.NONCE_REUSED::equals).count(), outcomes::toString);
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void issuedCredentialCommitsWithItsEventAndJti() throws Exception {
    String actor = newActor();
    AttestResponse a = client.attest(harness.attestRequest(client.nonce().nonce(), actor));
    assertEquals(AttestResponse.ACCEPTED, a.result(), () -> a.reasons().toString());
    CredentialResponse cr = client.credentials(new CredentialRequest(a.attestationId(), "deploy",
        StoreHarness.TARGET, 300), a.sessionToken());
    assertEquals(CredentialResponse.ISSUED, cr.result());
    String jti = SignedJWT.parse(cr.credential().token()).getJWTClaimsSet().getJWTID();
    AuditEvent issued = client.auditEvent(cr.auditId());
    assertEquals(jti, issued.credentialId());
    assertEquals(actor, issued.actor());
    try (Connection c = StoreHarness.connect(store, dir.resolve("data"));
        PreparedStatement ps = c.prepareStatement("SELECT audit_id, attestation_id, target FROM credentials WHERE jti = ?")) {
      ps.setString(1, jti);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "the credentials row for jti " + jti);
        assertEquals(cr.auditId(), rs.getString(1));
        assertEquals(a.attestationId(), rs.getString(2));
        assertEquals(StoreHarness.TARGET, rs.getString(3));
      }
      assertEquals(List.of(), StoreHarness.credentialProblems(c));
    }
  }

  @Test
  void outOfPolicyCredentialIsDeniedWithItsEventAndNothingStored() throws Exception {
    AttestResponse a = client.attest(harness.attestRequest(client.nonce().nonce(), newActor()));
    CredentialResponse cr = client.credentials(new CredentialRequest(a.attestationId(), "deploy", "elsewhere", 300),
        a.sessionToken());
    assertEquals(CredentialResponse.DENIED, cr.result());
    assertEquals(List.of(Reasons.TARGET_NOT_ALLOWED), codes(cr.reasons()));
    assertEquals(CredentialResponse.DENIED, client.auditEvent(cr.auditId()).result());
    try (Connection c = StoreHarness.connect(store, dir.resolve("data"));
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM credentials WHERE attestation_id = ?")) {
      ps.setString(1, a.attestationId());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertEquals(0, rs.getInt(1));
      }
    }
  }

  @Test
  void replayedAttestationIsDeniedAsNonceReusedWithASignedEvent() throws Exception {
    AttestRequest req = harness.attestRequest(client.nonce().nonce(), newActor());
    assertEquals(AttestResponse.ACCEPTED, client.attest(req).result());
    AttestResponse replay = client.attest(req);
    assertEquals(List.of(NonceService.NONCE_REUSED), codes(replay.reasons()));
    AuditEvent e = client.auditEvent(replay.auditId());
    assertEquals(AttestResponse.DENIED, e.result());
    assertNotNull(e.controlPlaneSignature());
  }

  @Test
  void largeRequestIsStoredWholeInItsTextColumn() throws Exception {
    AttestRequest base = harness.attestRequest(client.nonce().nonce(), newActor());
    Map<String, String> m = new HashMap<>(base.environment().measurements());
    for (int i = 0; i < 30; i++) {
      m.put("tool.padding" + i, "x".repeat(4000)); // 120 kB in all: past any VARCHAR limit, under the body limit
    }
    AttestRequest big = new AttestRequest(base.policy(), new EnvironmentRef(base.environment().manifestId(),
        base.environment().manifestHash(), base.environment().manifestVersion(), m), base.attestation(), base.actor());
    AttestResponse r = client.attest(big);
    assertEquals(AttestResponse.DENIED, r.result(), "an unsigned change is denied, but still recorded");
    try (Connection c = StoreHarness.connect(store, dir.resolve("data"));
        PreparedStatement ps = c.prepareStatement("SELECT request_json FROM attestations WHERE attestation_id = ?")) {
      ps.setString(1, r.attestationId());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertTrue(rs.getString(1).length() > 100_000, "request_json was truncated");
      }
    }
  }

  @Test
  void auditFiltersAndCursorPagesWalkOneActorsEvents() throws Exception {
    String actor = newActor();
    List<String> issuedIds = new ArrayList<>();
    Instant before = Instant.now().minusSeconds(1);
    for (int i = 0; i < 3; i++) {
      AttestResponse a = client.attest(harness.attestRequest(client.nonce().nonce(), actor));
      issuedIds.add(client.credentials(new CredentialRequest(a.attestationId(), "deploy", StoreHarness.TARGET, 60),
          a.sessionToken()).auditId());
    }
    AttestRequest replayed = harness.attestRequest(client.nonce().nonce(), actor);
    client.attest(replayed);
    client.attest(replayed);
    // 3 accepted attests, 3 issued credentials, 1 accepted + 1 denied attest: 8 events for this actor.
    List<AuditEvent> all = client.allAuditEvents(Map.of("actor", actor));
    assertEquals(8, all.size());
    assertEquals(1, client.allAuditEvents(Map.of("actor", actor, "result", "DENIED")).size());
    List<AuditEvent> issued = client.allAuditEvents(Map.of("actor", actor, "action", "CREDENTIAL_ISSUE"));
    assertEquals(issuedIds, issued.stream().map(AuditEvent::auditId).toList(), "oldest first");
    assertEquals(3, client.allAuditEvents(Map.of("actor", actor, "target", StoreHarness.TARGET)).size());
    assertEquals(8, client.allAuditEvents(Map.of("actor", actor, "since", before.toString())).size());
    assertEquals(0, client.allAuditEvents(Map.of("actor", actor, "until", before.toString())).size());

    List<AuditEvent> paged = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      AuditPage p = client.auditEvents(Map.of("actor", actor), cursor, 3);
      paged.addAll(p.events());
      cursor = p.nextCursor();
      pages++;
    } while (cursor != null && pages < 10);
    assertEquals(3, pages);
    List<String> newestFirst = new ArrayList<>(all.stream().map(AuditEvent::auditId).toList());
    java.util.Collections.reverse(newestFirst);
    assertEquals(newestFirst, paged.stream().map(AuditEvent::auditId).toList());
    for (int i = 1; i < paged.size(); i++) {
      assertTrue(paged.get(i - 1).seq() > paged.get(i).seq(), "strictly newest first");
    }
  }

  @Test
  void storedChainVerifiesAndEveryJtiHasItsEvent() throws Exception {
    AttestResponse a = client.attest(harness.attestRequest(client.nonce().nonce(), newActor()));
    client.credentials(new CredentialRequest(a.attestationId(), "deploy", StoreHarness.TARGET, 60), a.sessionToken());
    try (Connection c = StoreHarness.connect(store, dir.resolve("data"))) {
      AuditVerifier.Report r = StoreHarness.verifyStoredChain(c, client.jwks());
      assertTrue(r.ok(), r::summary);
      assertEquals(List.of(), StoreHarness.credentialProblems(c));
    }
    assertTrue(new AuditVerifier(client.jwks()).verifyChain(client.allAuditEvents(Map.of())).ok());
  }
}
