package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.AttestResponse;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Input that cannot be judged is a 4xx naming the field; the server stays up, and nothing stored
 * (audit chain height and head, a stored event, nonces) is lost or altered.
 */
class BadInputTest {
  @TempDir static Path dir;
  static TestStack stack;
  static AttestResponse session;
  static TestStack.ChainState chainBefore;
  static String storedEventBefore;
  static long attestationsBefore;
  static long credentialsBefore;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(dir);
    session = stack.accepted();
    chainBefore = stack.chain();
    storedEventBefore = stack.get("/v1/audit/events/" + session.auditId()).body();
    attestationsBefore = stack.count("SELECT COUNT(*) FROM attestations");
    credentialsBefore = stack.count("SELECT COUNT(*) FROM credentials");
  }

  @AfterAll
  static void nothingStoredChanged() throws Exception {
    try {
      assertEquals(200, stack.get("/healthz").code(), "server still up");
      TestStack.ChainState after = stack.chain();
      assertEquals(chainBefore.height(), after.height(), "no event appended by any bad request");
      assertEquals(chainBefore.head(), after.head());
      assertEquals(storedEventBefore, stack.get("/v1/audit/events/" + session.auditId()).body());
      assertEquals(attestationsBefore, stack.count("SELECT COUNT(*) FROM attestations"), "no decision stored");
      assertEquals(credentialsBefore, stack.count("SELECT COUNT(*) FROM credentials"), "nothing issued");
      assertEquals(1, stack.count("SELECT COUNT(*) FROM nonces WHERE used_at IS NOT NULL"),
          "only the fixture's own nonce was ever consumed; rejected requests spend none");
    } finally {
      stack.close();
    }
  }

  private static ObjectNode goodAttest() throws Exception {
    return (ObjectNode) Json.tree(stack.draft().build());
  }

  static Stream<Arguments> attestCases() {
    return Stream.of(
        Arguments.of("extra top-level field", "extra", (Consumer<ObjectNode>) n -> n.put("extra", 1)),
        Arguments.of("unknown nested field", "attestation.foo",
            (Consumer<ObjectNode>) n -> ((ObjectNode) n.get("attestation")).put("foo", "x")),
        Arguments.of("environment is a string", "environment",
            (Consumer<ObjectNode>) n -> n.put("environment", "x")),
        Arguments.of("measurements is a list", "environment.measurements",
            (Consumer<ObjectNode>) n -> ((ObjectNode) n.get("environment")).putArray("measurements").add("a")),
        Arguments.of("missing nonce", "attestation.nonce",
            (Consumer<ObjectNode>) n -> ((ObjectNode) n.get("attestation")).remove("nonce")),
        Arguments.of("missing actor", "actor", (Consumer<ObjectNode>) n -> n.remove("actor")),
        Arguments.of("missing policy", "policy", (Consumer<ObjectNode>) n -> n.remove("policy")),
        Arguments.of("missing measurements", "environment.measurements",
            (Consumer<ObjectNode>) n -> ((ObjectNode) n.get("environment")).remove("measurements")),
        Arguments.of("bad base64 signature", "attestation.signature.value",
            (Consumer<ObjectNode>) n -> ((ObjectNode) n.at("/attestation/signature")).put("value", "@@not base64@@")),
        Arguments.of("bad timestamp", "attestation.timestamp",
            (Consumer<ObjectNode>) n -> ((ObjectNode) n.get("attestation")).put("timestamp", "31/10/2025 15:40")),
        Arguments.of("bad manifest_hash", "environment.manifest_hash",
            (Consumer<ObjectNode>) n -> ((ObjectNode) n.get("environment")).put("manifest_hash", "md5:abc")),
        Arguments.of("uppercase manifest_hash", "environment.manifest_hash",
            (Consumer<ObjectNode>) n -> ((ObjectNode) n.get("environment")).put("manifest_hash",
                "sha256:" + "AB".repeat(32))),
        Arguments.of("bad hardware evidence", "attestation.hardware_anchor.evidence",
            (Consumer<ObjectNode>) n -> ((ObjectNode) n.get("attestation")).putObject("hardware_anchor")
                .put("type", "tpm2").put("evidence", "***")),
        Arguments.of("sigstore bundle not an object", "attestation.sigstore.bundle",
            (Consumer<ObjectNode>) n -> ((ObjectNode) n.get("attestation")).putObject("sigstore").put("bundle", "x")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attestCases")
  void badAttestRequestIs400NamingTheField(String name, String field, Consumer<ObjectNode> breakIt) throws Exception {
    ObjectNode req = goodAttest();
    breakIt.accept(req);
    assertBadRequest(stack.postJson("/v1/attest", Json.mapper().writeValueAsString(req)), field);
  }

  private static void assertBadRequest(TestStack.Reply r, String field) throws Exception {
    assertEquals(400, r.code(), r::body);
    JsonNode err = Json.mapper().readTree(r.body());
    assertEquals("BAD_REQUEST", err.at("/error/code").asText());
    assertEquals(field, err.at("/error/field").asText(), r::body);
    assertTrue(err.at("/error/message").asText().length() > 5, "the message says what to do");
  }

  @Test
  void malformedJson() throws Exception {
    assertBadRequest(stack.postJson("/v1/attest", "{\"policy\": "), "(body)");
    assertBadRequest(stack.postJson("/v1/attest", "not json at all"), "(body)");
  }

  @Test
  void trailingTokensAndDuplicateKeys() throws Exception {
    String good = Json.mapper().writeValueAsString(goodAttest());
    assertBadRequest(stack.postJson("/v1/attest", good + " {}"), "(body)");
    assertBadRequest(stack.postJson("/v1/attest", "{\"policy\":\"a\",\"policy\":\"b\"}"), "(body)");
  }

  @Test
  void emptyAndNullBody() throws Exception {
    assertBadRequest(stack.postJson("/v1/attest", ""), "(body)");
    assertBadRequest(stack.postJson("/v1/attest", "null"), "(body)");
  }

  @Test
  void wrongContentType() throws Exception {
    String good = Json.mapper().writeValueAsString(goodAttest());
    assertBadRequest(stack.raw("POST", "/v1/attest", good, "text/plain"), "Content-Type");
    assertBadRequest(stack.raw("POST", "/v1/attest", good, "application/x-www-form-urlencoded"), "Content-Type");
  }

  @Test
  void oversizeBodyIs413() throws Exception {
    ObjectNode req = goodAttest();
    ((ObjectNode) req.get("environment")).put("padding", "x".repeat(300 * 1024));
    TestStack.Reply r = stack.postJson("/v1/attest", Json.mapper().writeValueAsString(req));
    assertEquals(413, r.code(), r::body);
    assertEquals("PAYLOAD_TOO_LARGE", Json.mapper().readTree(r.body()).at("/error/code").asText());
  }

  static Stream<Arguments> credentialCases() {
    String ok = "\"attestation_id\":\"%s\",\"scope\":\"deploy\",\"target\":\"t\"";
    return Stream.of(
        Arguments.of("{" + ok + ",\"ttl_seconds\":0}", "ttl_seconds"),
        Arguments.of("{" + ok + ",\"ttl_seconds\":-60}", "ttl_seconds"),
        Arguments.of("{" + ok + ",\"ttl_seconds\":86401}", "ttl_seconds"),
        Arguments.of("{" + ok + ",\"ttl_seconds\":99999999999}", "ttl_seconds"),
        Arguments.of("{" + ok + ",\"ttl_seconds\":\"60\"}", "ttl_seconds"),
        Arguments.of("{" + ok + ",\"ttl_seconds\":1.5}", "ttl_seconds"),
        Arguments.of("{" + ok + "}", "ttl_seconds"),
        Arguments.of("{\"attestation_id\":\"not-a-uuid\",\"scope\":\"deploy\",\"target\":\"t\",\"ttl_seconds\":60}",
            "attestation_id"),
        Arguments.of("{\"scope\":\"deploy\",\"target\":\"t\",\"ttl_seconds\":60}", "attestation_id"),
        Arguments.of("{" + ok + ",\"ttl_seconds\":60,\"admin\":true}", "admin"),
        Arguments.of("{\"attestation_id\":\"%s\",\"scope\":\"\",\"target\":\"t\",\"ttl_seconds\":60}", "scope"),
        Arguments.of("{\"attestation_id\":\"%s\",\"scope\":\"deploy\",\"target\":7,\"ttl_seconds\":60}", "target"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("credentialCases")
  void badCredentialRequestIs400NamingTheField(String template, String field) throws Exception {
    String body = template.contains("%s") ? String.format(template, session.attestationId()) : template;
    assertBadRequest(stack.postJson("/v1/credentials", body, "Authorization", "Bearer " + session.sessionToken()), field);
  }
}
