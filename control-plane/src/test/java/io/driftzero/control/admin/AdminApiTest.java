package io.driftzero.control.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftzero.control.ControlPlane;
import io.driftzero.core.audit.AuditVerifier;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.AuditEvent;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API over real HTTP: tokens by role, a validated policy replacement that is itself a
 * signed audit event (applied or rejected), reloads, and tokens that never reach the log.
 */
class AdminApiTest {
  @TempDir static Path dir;
  static ControlPlane cp;
  static String adminToken;
  static String readerToken;
  static final OkHttpClient HTTP = new OkHttpClient();
  static final MediaType YAML = MediaType.get("application/yaml");
  static final java.io.ByteArrayOutputStream LOG = new java.io.ByteArrayOutputStream();
  static PrintStream savedErr;

  static String policy(String target) {
    return "manifests:\n  - id: dz://env/x\n    version: \"1\"\n    facts:\n      os.arch: amd64\n"
        + "policies:\n  - id: dz://policy/p\n    actors: [\"github.com/org/*\"]\n    manifests: [\"dz://env/x\"]\n"
        + "    targets: [\"" + target + "\"]\n    scopes: [deploy]\n    max_ttl_seconds: 600\n";
  }

  @BeforeAll
  static void start() throws Exception {
    savedErr = System.err;
    System.setErr(new PrintStream(new io.driftzero.control.admin.AdminApiTest.Tee(savedErr, LOG), true));
    String[] admin = AdminTokens.newToken("alice", AdminTokens.Role.ADMIN);
    String[] reader = AdminTokens.newToken("bob", AdminTokens.Role.READER);
    adminToken = admin[0];
    readerToken = reader[0];
    Files.writeString(dir.resolve("tokens.yaml"), "tokens:\n" + admin[1] + reader[1]);
    Files.writeString(dir.resolve("policy.yaml"), policy("prod-1"));
    cp = ControlPlane.builder().dataDir(dir.resolve("data")).policyFile(dir.resolve("policy.yaml"))
        .adminTokens(AdminTokens.load(dir.resolve("tokens.yaml"))).start();
  }

  @AfterAll
  static void stop() {
    cp.close();
    System.setErr(savedErr);
    String log = LOG.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertFalse(log.contains(adminToken) || log.contains(readerToken), "an admin token reached the log");
  }

  static Response call(String method, String path, String token, String body) throws Exception {
    Request.Builder b = new Request.Builder().url(cp.url() + path)
        .method(method, body == null ? (method.equals("GET") ? null : RequestBody.create(new byte[0])) : RequestBody.create(body, YAML));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.newCall(b.build()).execute();
  }

  static JsonNode json(Response r) throws Exception {
    try (r) {
      return Json.mapper().readTree(r.body().string());
    }
  }

  @Test
  void withoutAValidTokenNothingIsServed() throws Exception {
    try (Response r = call("GET", "/v1/admin/policy", null, null)) {
      assertEquals(401, r.code());
    }
    try (Response r = call("PUT", "/v1/admin/policy", "dza_not-a-token", policy("x"))) {
      assertEquals(401, r.code());
    }
  }

  @Test
  void aReaderMayReadAndValidateButNotChange() throws Exception {
    try (Response r = call("GET", "/v1/admin/policy", readerToken, null)) {
      assertEquals(200, r.code());
    }
    JsonNode bad = json(call("POST", "/v1/admin/policy/validate", readerToken, "policies: []\n"));
    assertEquals("REJECTED", bad.get("result").asText());
    assertTrue(bad.get("error").asText().contains("policies"), bad.toString());
    try (Response r = call("PUT", "/v1/admin/policy", readerToken, policy("x"))) {
      assertEquals(403, r.code());
    }
    try (Response r = call("POST", "/v1/admin/policy/reload", readerToken, null)) {
      assertEquals(403, r.code());
    }
  }

  @Test
  void anAdminReplacesThePolicyAndEachAttemptIsASignedAuditEvent() throws Exception {
    DzClient client = DzClient.builder(cp.url()).build();
    JsonNode applied = json(call("PUT", "/v1/admin/policy", adminToken, policy("prod-2")));
    assertEquals("APPLIED", applied.get("result").asText(), applied.toString());
    assertTrue(cp.policies().get().policy("dz://policy/p").orElseThrow().targets().contains("prod-2"));
    assertTrue(Files.readString(dir.resolve("policy.yaml")).contains("prod-2"));
    AuditEvent e = client.auditEvent(applied.get("audit_id").asText());
    assertEquals("admin:alice", e.actor());
    assertEquals(AuditEvent.POLICY_UPDATE, e.action());
    assertEquals("APPLIED", e.result());
    assertEquals("policy " + cp.policies().get().hash(), e.detail());

    String before = Files.readString(dir.resolve("policy.yaml"));
    JsonNode rejected = json(call("PUT", "/v1/admin/policy", adminToken, policy("prod-3").replace("600", "-1")));
    assertEquals("REJECTED", rejected.get("result").asText());
    assertTrue(rejected.get("error").asText().contains("max_ttl_seconds"), rejected.toString());
    assertEquals(before, Files.readString(dir.resolve("policy.yaml")), "a rejected policy changes nothing");
    assertTrue(cp.policies().get().policy("dz://policy/p").orElseThrow().targets().contains("prod-2"));
    AuditEvent r = client.auditEvent(rejected.get("audit_id").asText());
    assertEquals("REJECTED", r.result());
    assertEquals(AdminService.POLICY_INVALID, r.reasons().get(0).code());

    JsonNode reload = json(call("POST", "/v1/admin/policy/reload", adminToken, null));
    assertEquals("APPLIED", reload.get("result").asText());
    assertEquals(AuditEvent.POLICY_RELOAD, client.auditEvent(reload.get("audit_id").asText()).action());

    assertEquals(2, client.allAuditEvents(Map.of("actor", "admin:alice", "action", AuditEvent.POLICY_UPDATE)).size());
    assertEquals(1, client.allAuditEvents(Map.of("actor", "admin:alice", "action", AuditEvent.POLICY_RELOAD)).size());
    AuditVerifier.Report report = new AuditVerifier(client.jwks()).verifyChain(client.allAuditEvents(Map.of()));
    assertTrue(report.ok(), report.summary());
  }

  @Test
  void anAdminRotatesKeysLiveAndHistoryStillVerifies() throws Exception {
    DzClient client = DzClient.builder(cp.url()).build();
    String oldAuditKid = cp.keys().audit().getKeyID();
    String oldCredentialKid = cp.keys().credential().getKeyID();
    try (Response r = call("POST", "/v1/admin/keys/rotate", readerToken, null)) {
      assertEquals(403, r.code());
    }
    JsonNode rotated = json(call("POST", "/v1/admin/keys/rotate", adminToken, null));
    assertEquals("APPLIED", rotated.get("result").asText(), rotated.toString());
    AuditEvent e = client.auditEvent(rotated.get("audit_id").asText());
    assertEquals(AuditEvent.KEY_ROTATE, e.action());
    assertEquals("admin:alice", e.actor());
    assertTrue(e.detail().contains(oldAuditKid) && e.detail().contains(oldCredentialKid), e.detail());
    assertTrue(!oldAuditKid.equals(e.kid()), "the rotation event is signed with the new audit key");
    assertEquals(cp.keys().audit().getKeyID(), e.kid());
    var jwks = client.jwks();
    assertTrue(jwks.getKeyByKeyId(oldAuditKid) != null && jwks.getKeyByKeyId(oldCredentialKid) != null,
        "retired keys stay published");
    AuditVerifier.Report report = new AuditVerifier(jwks).verifyChain(client.allAuditEvents(Map.of()));
    assertTrue(report.ok(), report.summary());
    JsonNode bad = json(call("POST", "/v1/admin/keys/rotate?key=everything", adminToken, null));
    assertEquals("REJECTED", bad.get("result").asText());
  }

  /** Copies stderr into a buffer so the test can scan what was logged. */
  static final class Tee extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    Tee(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
