package io.driftzero.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftzero.core.client.Session;
import io.driftzero.core.json.Json;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every wire record: the JSON as ARCHITECTURE.md names it → record → JSON is the same document, so
 * every snake_case name is exactly the spec's and nothing is dropped or invented.
 */
class ModelRoundTripTest {
  static final String ACTOR = "{\"type\":\"pipeline\",\"id\":\"github.com/org/repo/.github/workflows/deploy.yml@refs/heads/main\"}";
  static final String ANCHOR = "{\"type\":\"tpm2\",\"evidence\":\"AQID\"}";
  static final String SIG = "{\"algorithm\":\"ecdsa-p256-sha256\",\"key_id\":\"kid-1\",\"value\":\"MEUCIQ==\"}";
  static final String SIGSTORE = "{\"rekor_log_index\":1872341,\"rekor_uuid\":\"24296fb24b8ad77a\","
      + "\"fulcio_certificate\":\"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\","
      + "\"bundle\":{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{}}}";
  static final String HASH = "sha256:" + "ab".repeat(32);
  static final String ENV_REF = "{\"manifest_id\":\"dz://env/build-release\",\"manifest_hash\":\"" + HASH + "\","
      + "\"manifest_version\":\"2.4\",\"measurements\":{\"os.arch\":\"amd64\",\"env.X\":\"1\"}}";
  static final String REASON = "{\"code\":\"TARGET_NOT_ALLOWED\",\"message\":\"target 'x' is not allowed\"}";
  static final String EVENT = "{\"audit_id\":\"3c5f4c35-0000-4000-8000-000000000001\",\"seq\":7,"
      + "\"timestamp\":\"2025-10-31T15:41:12Z\",\"actor\":\"github.com/org/repo/x\","
      + "\"environment\":{\"manifest_id\":\"dz://env/build-release\",\"manifest_version\":\"2.4\",\"manifest_hash\":\"" + HASH + "\"},"
      + "\"policy\":\"dz://policy/deploy-prod\",\"action\":\"CREDENTIAL_ISSUE\",\"result\":\"ISSUED\","
      + "\"target\":\"aws-prod-account-1234\",\"scope\":\"deploy\",\"ttl_seconds\":900,"
      + "\"attestation_id\":\"a-1\",\"credential_id\":\"jti-1\",\"reasons\":[" + REASON + "],"
      + "\"sigstore\":{\"rekor_uuid\":\"24296fb24b8ad77a\",\"rekor_log_index\":1872341},\"hardware_anchor\":\"tpm2\","
      + "\"prev_hash\":\"" + HASH + "\",\"kid\":\"k1\",\"control_plane_signature\":\"MEUCIQ==\"}";

  static Stream<Arguments> documents() {
    return Stream.of(
        Arguments.of(Actor.class, ACTOR),
        Arguments.of(HardwareAnchor.class, ANCHOR),
        Arguments.of(SignatureBlock.class, SIG),
        Arguments.of(SigstoreBlock.class, SIGSTORE),
        Arguments.of(Reason.class, REASON),
        Arguments.of(EnvironmentRef.class, ENV_REF),
        Arguments.of(NonceResponse.class, "{\"nonce\":\"550e8400-e29b-41d4-a716-446655440000\",\"expires_at\":\"2025-10-31T15:42:00Z\"}"),
        Arguments.of(ApiError.class, "{\"error\":{\"code\":\"BAD_REQUEST\",\"field\":\"ttl_seconds\",\"message\":\"m\"}}"),
        Arguments.of(AttestationBody.class, "{\"nonce\":\"n\",\"timestamp\":\"2025-10-31T15:40:00Z\",\"agent_version\":\"1.2.0\","
            + "\"hardware_anchor\":" + ANCHOR + ",\"signature\":" + SIG + ",\"sigstore\":" + SIGSTORE + "}"),
        Arguments.of(AttestRequest.class, "{\"policy\":\"dz://policy/deploy-prod\",\"environment\":" + ENV_REF + ","
            + "\"attestation\":{\"nonce\":\"n\",\"timestamp\":\"2025-10-31T15:40:00Z\",\"agent_version\":\"1.2.0\","
            + "\"hardware_anchor\":" + ANCHOR + ",\"signature\":" + SIG + "},\"actor\":" + ACTOR + "}"),
        Arguments.of(EnvironmentAttestation.class, "{\"manifest_id\":\"dz://env/build-release\",\"manifest_hash\":\"" + HASH + "\","
            + "\"manifest_version\":\"2.4\",\"measurements\":{\"os.arch\":\"amd64\"},"
            + "\"nonce\":\"550e8400-e29b-41d4-a716-446655440000\",\"timestamp\":\"2025-10-31T15:40:00Z\","
            + "\"agent_version\":\"1.2.0\",\"hardware_anchor\":" + ANCHOR + ",\"actor\":" + ACTOR + "}"),
        Arguments.of(AttestResponse.class, "{\"attestation_id\":\"a-1\",\"result\":\"ACCEPTED\",\"reasons\":[],"
            + "\"audit_id\":\"e-1\",\"session_token\":\"dzs_x\",\"expires_at\":\"2025-10-31T15:50:00Z\",\"policy\":\"dz://policy/p\"}"),
        Arguments.of(AttestResponse.class, "{\"attestation_id\":\"a-1\",\"result\":\"DENIED\",\"reasons\":[" + REASON + "],"
            + "\"audit_id\":\"e-1\",\"policy\":\"dz://policy/p\"}"),
        Arguments.of(CredentialRequest.class, "{\"attestation_id\":\"a-1\",\"scope\":\"deploy\",\"target\":\"t\",\"ttl_seconds\":900}"),
        Arguments.of(Credential.class, "{\"type\":\"jwt\",\"token\":\"eyJ.x.y\"}"),
        Arguments.of(CredentialResponse.class, "{\"result\":\"ISSUED\",\"credential\":{\"type\":\"jwt\",\"token\":\"eyJ.x.y\"},"
            + "\"expires_at\":\"2025-10-31T15:56:12Z\",\"ttl_seconds\":900,\"audit_id\":\"e-2\"}"),
        Arguments.of(CredentialResponse.class, "{\"result\":\"DENIED\",\"audit_id\":\"e-3\",\"reasons\":[" + REASON + "]}"),
        Arguments.of(AuditEvent.class, EVENT),
        Arguments.of(AuditEvent.Environment.class, "{\"manifest_id\":\"m\",\"manifest_version\":\"1\",\"manifest_hash\":\"" + HASH + "\"}"),
        Arguments.of(AuditEvent.Sigstore.class, "{\"rekor_uuid\":\"u\",\"rekor_log_index\":1}"),
        Arguments.of(AuditPage.class, "{\"events\":[" + EVENT + "],\"next_cursor\":\"c2VxOjE\"}"),
        Arguments.of(AuditPage.class, "{\"events\":[]}"),
        Arguments.of(Session.class, "{\"server\":\"http://127.0.0.1:1\",\"attestation_id\":\"a\",\"session_token\":\"dzs_x\","
            + "\"expires_at\":\"2025-10-31T15:50:00Z\",\"policy\":\"p\",\"audit_id\":\"e\",\"rekor_log_index\":3,\"rekor_uuid\":\"u\"}"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("documents")
  void roundTrip(Class<?> type, String json) throws Exception {
    Object record = Json.read(json, type, type.getSimpleName());
    JsonNode expected = Json.mapper().readTree(json);
    JsonNode actual = Json.mapper().readTree(Json.write(record));
    assertEquals(expected, actual);
    assertEquals(record, Json.read(Json.write(record), type, type.getSimpleName()), "record equality survives");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documents")
  void camelCaseNamesAreNotAccepted(Class<?> type, String json) {
    // The wire is snake_case only; a camelCase spelling is an unknown field, not an alias.
    java.util.regex.Matcher key = java.util.regex.Pattern.compile("\"([a-z]+)_([a-z])([a-z_]*)\":").matcher(json);
    if (!key.find()) {
      return; // no snake_case key in this document
    }
    String camel = key.replaceFirst(m -> "\"" + m.group(1) + m.group(2).toUpperCase() + m.group(3) + "\":");
    org.junit.jupiter.api.Assertions.assertThrows(io.driftzero.core.DzException.class,
        () -> Json.read(camel, type, "camel"));
  }

  @org.junit.jupiter.api.Test
  void auditEventSignedBytesExcludeOnlyTheSignature() throws Exception {
    AuditEvent e = Json.read(EVENT, AuditEvent.class, "event");
    String signed = new String(e.signedBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertFalse(signed.contains("control_plane_signature"));
    assertTrue(signed.contains("\"prev_hash\"") && signed.contains("\"kid\""));
    assertTrue(signed.startsWith("{\"action\":"), "canonical: keys sorted");
    assertEquals(Json.sha256(Json.canonical(e)), e.hash());
  }

  @org.junit.jupiter.api.Test
  void statementIsRebuiltFromTheRequestFieldForField() throws Exception {
    EnvironmentAttestation s = Json.read("{\"manifest_id\":\"dz://env/b\",\"manifest_hash\":\"" + HASH + "\","
        + "\"manifest_version\":\"2.4\",\"measurements\":{\"b\":\"2\",\"a\":\"1\"},\"nonce\":\"n\","
        + "\"timestamp\":\"2025-10-31T15:40:00Z\",\"agent_version\":\"1.2.0\",\"actor\":" + ACTOR + "}",
        EnvironmentAttestation.class, "s");
    AttestRequest r = AttestRequest.of("dz://policy/p", s, Json.read(SIG, SignatureBlock.class, "sig"), null);
    assertEquals(s, r.statement());
    assertEquals(new String(s.payload()), new String(r.statement().payload()));
  }
}
