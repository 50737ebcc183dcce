package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.CredentialRequest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real requests and responses of every endpoint, including the 400/401/403/404/413 bodies, checked
 * against the shipped {@code openapi.yaml} by swagger-request-validator. Valid requests are checked
 * in both directions; deliberately bad requests only for their response.
 */
class OpenApiConformanceTest {
  @TempDir static Path dir;
  static TestStack stack;
  static OpenApiInteractionValidator validator;
  final List<String> problems = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(dir);
    String spec;
    try (InputStream in = OpenApiConformanceTest.class.getResourceAsStream("/openapi.yaml")) {
      spec = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(spec, stack.get("/openapi.yaml").body(), "the server serves the spec in the jar");
    validator = OpenApiInteractionValidator.createForInlineApiSpecification(spec).build();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private static String query(String path) {
    int q = path.indexOf('?');
    return q < 0 ? null : path.substring(q + 1);
  }

  private static SimpleRequest.Builder builder(String method, String path) {
    int q = path.indexOf('?');
    String p = q < 0 ? path : path.substring(0, q);
    SimpleRequest.Builder b = "POST".equals(method) ? SimpleRequest.Builder.post(p) : SimpleRequest.Builder.get(p);
    String qs = query(path);
    if (qs != null) {
      for (String kv : qs.split("&")) {
        String[] parts = kv.split("=", 2);
        b.withQueryParam(parts[0], java.net.URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
      }
    }
    return b;
  }

  /** Sends, then validates request (when {@code validRequest}) and response; returns the reply. */
  private TestStack.Reply exchange(String method, String path, String body, String contentType, boolean validRequest,
      String... headers) {
    TestStack.Reply r = stack.raw(method, path, body, contentType, headers);
    SimpleRequest.Builder rb = builder(method, path);
    if (body != null) {
      rb.withBody(body);
      if (contentType != null) {
        rb.withContentType(contentType);
      }
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      rb.withHeader(headers[i], headers[i + 1]);
    }
    Request req = rb.build();
    SimpleResponse resp = SimpleResponse.Builder.status(r.code())
        .withContentType(r.contentType() == null ? null : r.contentType().split(";")[0].trim())
        .withBody(r.body()).build();
    ValidationReport report = validRequest ? validator.validate(req, resp)
        : validator.validateResponse(req.getPath(), req.getMethod(), resp);
    if (report.hasErrors()) {
      problems.add(method + " " + path + " -> " + r.code() + ": " + report.getMessages().stream()
          .map(m -> m.getKey() + " " + m.getMessage()).collect(Collectors.joining("; ")) + "\n  body: " + r.body());
    }
    return r;
  }

  private void assertNoProblems() {
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }

  @Test
  void everyEndpointConforms() throws Exception {
    exchange("GET", "/healthz", null, null, true);
    exchange("GET", "/readyz", null, null, true);
    exchange("GET", "/v1/nonce", null, null, true);
    exchange("GET", "/.well-known/openid-configuration", null, null, true);
    exchange("GET", "/.well-known/jwks.json", null, null, true);
    exchange("GET", "/openapi.yaml", null, null, true);

    String good = Json.write(stack.draft().build());
    assertEquals(200, exchange("POST", "/v1/attest?dry_run=true", good, "application/json", true).code());
    TestStack.Reply accepted = exchange("POST", "/v1/attest", good, "application/json", true);
    assertEquals(200, accepted.code());
    AttestResponse a = Json.mapper().readValue(accepted.body(), AttestResponse.class);
    assertEquals(403, exchange("POST", "/v1/attest", good, "application/json", true).code(), "replay denied");
    assertEquals(200, exchange("POST", "/v1/attest?dry_run=true", good, "application/json", true).code());

    String auth = "Bearer " + a.sessionToken();
    assertEquals(200, exchange("POST", "/v1/credentials", Json.write(new CredentialRequest(a.attestationId(),
        TestStack.SCOPE, TestStack.TARGET, 60)), "application/json", true, "Authorization", auth).code());
    assertEquals(403, exchange("POST", "/v1/credentials", Json.write(new CredentialRequest(a.attestationId(),
        TestStack.SCOPE, "elsewhere", 60)), "application/json", true, "Authorization", auth).code());
    assertEquals(401, exchange("POST", "/v1/credentials", Json.write(new CredentialRequest(a.attestationId(),
        TestStack.SCOPE, TestStack.TARGET, 60)), "application/json", false).code());

    TestStack.Reply page = exchange("GET", "/v1/audit/events?limit=2", null, null, true);
    String cursor = Json.mapper().readTree(page.body()).get("next_cursor").asText();
    exchange("GET", "/v1/audit/events?limit=2&cursor=" + cursor, null, null, true);
    exchange("GET", "/v1/audit/events?result=DENIED&action=ATTEST&since=2000-01-01T00:00:00Z", null, null, true);
    exchange("GET", "/v1/audit/events/" + a.auditId(), null, null, true);
    assertEquals(404, exchange("GET", "/v1/audit/events/" + UUID.randomUUID(), null, null, true).code());
    assertNoProblems();
  }

  @Test
  void errorBodiesConform() throws Exception {
    assertEquals(400, exchange("POST", "/v1/attest", "{\"policy\":", "application/json", false).code());
    assertEquals(400, exchange("POST", "/v1/attest", "{}", "application/json", false).code());
    assertEquals(400, exchange("POST", "/v1/attest", "{}", "text/plain", false).code());
    String huge = "{\"policy\":\"" + "x".repeat(300 * 1024) + "\"}";
    assertEquals(413, exchange("POST", "/v1/attest", huge, "application/json", false).code());
    assertEquals(400, exchange("POST", "/v1/credentials", "{\"ttl_seconds\":0}", "application/json", false,
        "Authorization", "Bearer x").code());
    assertEquals(413, exchange("POST", "/v1/credentials", huge, "application/json", false,
        "Authorization", "Bearer x").code());
    assertEquals(400, exchange("GET", "/v1/audit/events?limit=0", null, null, false).code());
    assertEquals(400, exchange("GET", "/v1/audit/events?cursor=nope", null, null, false).code());
    assertNoProblems();
  }

  @Test
  void theValidatorDoesCatchDrift() {
    // Guard against a vacuous pass: a response with a renamed field must be reported.
    SimpleResponse drifted = SimpleResponse.Builder.status(200).withContentType("application/json")
        .withBody("{\"nonce\":\"n\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}").build();
    assertTrue(validator.validateResponse("/v1/nonce", Request.Method.GET, drifted).hasErrors());
    SimpleResponse wrongError = SimpleResponse.Builder.status(404).withContentType("application/json")
        .withBody("{\"message\":\"nope\"}").build();
    assertTrue(validator.validateResponse("/v1/audit/events/x", Request.Method.GET, wrongError).hasErrors());
  }
}
