package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.AuditPage;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.NonceResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every read endpoint, and the audit query's filters and cursor pagination over a known history. */
class EndpointsTest {
  @TempDir static Path dir;
  static TestStack stack;
  /** Later than the attests, still inside their 600 s sessions. */
  static final Instant LATER = TestStack.START.plus(Duration.ofMinutes(5));
  /** Every event of the fixed history, by audit_id. */
  static final Map<String, AuditEvent> HISTORY = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(dir);
    // At START: 3 accepted attests, 2 denied (other actor), 1 denied under the TPM policy.
    List<AttestResponse> accepted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      accepted.add(stack.accepted());
    }
    for (int i = 0; i < 2; i++) {
      var d = stack.draft();
      d.actor = TestStack.OTHER_ACTOR;
      stack.client.attest(d.build());
    }
    var t = stack.draft();
    t.policy = TestStack.TPM_POLICY;
    stack.client.attest(t.build());
    // Five minutes later: 2 issued credentials and one denied for another target.
    stack.clock.set(LATER);
    for (int i = 0; i < 2; i++) {
      AttestResponse a = accepted.get(i);
      stack.client.credentials(new CredentialRequest(a.attestationId(), "deploy", TestStack.TARGET, 60), a.sessionToken());
    }
    AttestResponse a = accepted.get(2);
    stack.client.credentials(new CredentialRequest(a.attestationId(), "deploy", "elsewhere", 60), a.sessionToken());
    for (AuditEvent e : stack.client.allAuditEvents(Map.of())) {
      HISTORY.put(e.auditId(), e);
    }
    assertEquals(9, HISTORY.size());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void healthAndReadiness() throws Exception {
    TestStack.Reply h = stack.get("/healthz");
    assertEquals(200, h.code());
    assertEquals("ok", Json.mapper().readTree(h.body()).get("status").asText());
    TestStack.Reply r = stack.get("/readyz");
    assertEquals(200, r.code());
    assertEquals("ready", Json.mapper().readTree(r.body()).get("status").asText());
  }

  @Test
  void nonceIsFreshEachTimeAndExpiresAfterTheTtl() throws Exception {
    NonceResponse a = stack.client.nonce();
    NonceResponse b = stack.client.nonce();
    assertNotEquals(a.nonce(), b.nonce());
    UUID.fromString(a.nonce());
    assertEquals(stack.clock.instant().plusSeconds(120), Instant.parse(a.expiresAt()));
  }

  @Test
  void discoveryAndJwks() throws Exception {
    JsonNode d = Json.mapper().readTree(stack.get("/.well-known/openid-configuration").body());
    assertEquals(stack.cp.url(), d.get("issuer").asText());
    assertEquals(stack.cp.url() + "/.well-known/jwks.json", d.get("jwks_uri").asText());
    assertEquals("ES256", d.get("id_token_signing_alg_values_supported").get(0).asText());

    TestStack.Reply j = stack.get("/.well-known/jwks.json");
    assertEquals(200, j.code());
    assertTrue(j.contentType().startsWith("application/json"));
    JWKSet set = JWKSet.parse(j.body());
    assertEquals(2, set.getKeys().size());
    for (JWK k : set.getKeys()) {
      assertTrue(k instanceof ECKey);
      assertFalse(k.isPrivate(), "the JWKS never carries private parts");
      assertEquals("P-256", ((ECKey) k).getCurve().getName());
      assertTrue(k.getKeyID() != null && !k.getKeyID().isBlank());
    }
    assertFalse(j.body().contains("\"d\""), "no private key member in the JWKS");
  }

  @Test
  void openApiIsServed() {
    TestStack.Reply r = stack.get("/openapi.yaml");
    assertEquals(200, r.code());
    assertTrue(r.body().startsWith("openapi: 3."));
    assertTrue(r.body().contains("/v1/attest:"));
  }

  @Test
  void oneEventByIdAnd404() throws Exception {
    AuditEvent any = HISTORY.values().iterator().next();
    assertEquals(any, stack.client.auditEvent(any.auditId()));
    TestStack.Reply r = stack.get("/v1/audit/events/" + UUID.randomUUID());
    assertEquals(404, r.code());
    assertEquals("NOT_FOUND", Json.mapper().readTree(r.body()).at("/error/code").asText());
  }

  @Test
  void unknownEndpointIs404WithApiError() throws Exception {
    TestStack.Reply r = stack.get("/v2/nothing");
    assertEquals(404, r.code());
    assertEquals("NOT_FOUND", Json.mapper().readTree(r.body()).at("/error/code").asText());
  }

  private static Set<String> ids(Map<String, String> filters) throws Exception {
    return stack.client.allAuditEvents(filters).stream().map(AuditEvent::auditId).collect(Collectors.toSet());
  }

  private static Set<String> expected(java.util.function.Predicate<AuditEvent> p) {
    return HISTORY.values().stream().filter(p).map(AuditEvent::auditId).collect(Collectors.toSet());
  }

  @Test
  void filters() throws Exception {
    assertEquals(expected(e -> TestStack.OTHER_ACTOR.equals(e.actor())), ids(Map.of("actor", TestStack.OTHER_ACTOR)));
    assertEquals(2, ids(Map.of("actor", TestStack.OTHER_ACTOR)).size());
    assertEquals(expected(e -> "ISSUED".equals(e.result())), ids(Map.of("result", "ISSUED")));
    assertEquals(2, ids(Map.of("result", "ISSUED")).size());
    assertEquals(4, ids(Map.of("result", "DENIED")).size());
    assertEquals(3, ids(Map.of("result", "ACCEPTED")).size());
    assertEquals(3, ids(Map.of("action", "CREDENTIAL_ISSUE")).size());
    assertEquals(6, ids(Map.of("action", "ATTEST")).size());
    assertEquals(1, ids(Map.of("policy", TestStack.TPM_POLICY)).size());
    assertEquals(8, ids(Map.of("policy", TestStack.POLICY)).size());
    assertEquals(2, ids(Map.of("target", TestStack.TARGET)).size());
    assertEquals(expected(e -> "elsewhere".equals(e.target())), ids(Map.of("target", "elsewhere")));
    assertEquals(1, ids(Map.of("action", "CREDENTIAL_ISSUE", "result", "DENIED")).size());
    assertEquals(Set.of(), ids(Map.of("actor", "nobody")));
  }

  @Test
  void sinceIsInclusiveAndUntilExclusive() throws Exception {
    assertEquals(expected(e -> e.action().equals("CREDENTIAL_ISSUE")), ids(Map.of("since", LATER.toString())));
    assertEquals(expected(e -> e.action().equals("ATTEST")), ids(Map.of("until", LATER.toString())));
    assertEquals(Set.of(), ids(Map.of("since", TestStack.START.toString(), "until", TestStack.START.toString())));
    assertEquals(6, ids(Map.of("since", TestStack.START.toString(), "until", TestStack.START.plusSeconds(1).toString())).size());
  }

  @Test
  void cursorPaginationNewestFirstAcrossPages() throws Exception {
    List<Long> seqs = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      AuditPage p = stack.client.auditEvents(Map.of(), cursor, 2);
      assertTrue(p.events().size() <= 2);
      p.events().forEach(e -> seqs.add(e.seq()));
      cursor = p.nextCursor();
      pages++;
    } while (cursor != null);
    assertEquals(5, pages, "9 events in pages of 2");
    assertEquals(List.of(9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L), seqs);

    // Paging with a filter stays inside the filter.
    AuditPage first = stack.client.auditEvents(Map.of("result", "DENIED"), null, 3);
    assertEquals(3, first.events().size());
    AuditPage second = stack.client.auditEvents(Map.of("result", "DENIED"), first.nextCursor(), 3);
    assertEquals(1, second.events().size());
    assertNull(second.nextCursor());
    assertTrue(first.events().get(2).seq() > second.events().get(0).seq());
  }

  @ParameterizedTest
  @CsvSource({
      "cursor=not-a-cursor!, cursor",
      "cursor=Zm9vOmJhcg, cursor",
      "limit=0, limit",
      "limit=501, limit",
      "limit=ten, limit",
      "limit=-1, limit",
      "result=MAYBE, result",
      "action=DELETE, action",
      "since=yesterday, since",
      "until=2030-01-01, until"})
  void badQueryIs400NamingTheParameter(String query, String field) throws Exception {
    TestStack.Reply r = stack.get("/v1/audit/events?" + query);
    assertEquals(400, r.code(), r::body);
    JsonNode err = Json.mapper().readTree(r.body());
    assertEquals("BAD_REQUEST", err.at("/error/code").asText());
    assertEquals(field, err.at("/error/field").asText());
  }
}
