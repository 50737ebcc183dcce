package io.driftzero.control.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.control.ControlPlane;
import io.driftzero.control.DzControl;
import io.driftzero.control.api.RateLimiter;
import io.driftzero.core.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator relies on: start-up refuses bad store settings with the right exit code and a
 * one-line message, {@code /metrics} counts committed decisions and request latency, and the rate
 * limit answers 429 with Retry-After.
 */
class ProductionOpsTest {
  @TempDir Path dir;

  private record Run(int exitCode, String err) {}

  private static Run serve(String... extra) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      String[] args = new String[extra.length + 1];
      args[0] = "serve";
      System.arraycopy(extra, 0, args, 1, extra.length);
      return new Run(DzControl.run(args, Map.of()), buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }

  @Test
  void badJdbcUrlExitsTwoNamingTheOptionAndWritesNothing() throws Exception {
    StoreHarness h = new StoreHarness(dir.resolve("admin"));
    Run r = serve("--data-dir", dir.resolve("data").toString(), "--policy", h.policyFile().toString(),
        "--jdbc-url", "postgres://db.example:5432/dz?password=hunter2");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
    assertTrue(r.err().contains("--jdbc-url"), r.err());
    assertFalse(r.err().contains("hunter2"), "the password must not be echoed: " + r.err());
    assertFalse(Files.exists(dir.resolve("data")), "nothing is written before the settings are valid");
  }

  @Test
  void unreachableDatabaseExitsThreeNamingHostAndPortWithoutAStackTrace() throws Exception {
    StoreHarness h = new StoreHarness(dir.resolve("admin"));
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort(); // free once closed: nothing listens there
    }
    Run r = serve("--data-dir", dir.resolve("data").toString(), "--policy", h.policyFile().toString(),
        "--jdbc-url", "jdbc:postgresql://127.0.0.1:" + closed + "/dz", "--jdbc-acquire-timeout", "1");
    assertEquals(ExitCodes.UNAVAILABLE, r.exitCode(), r.err());
    assertTrue(r.err().contains("127.0.0.1:" + closed), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void badRateLimitExitsTwo() throws Exception {
    StoreHarness h = new StoreHarness(dir.resolve("admin"));
    Run r = serve("--data-dir", dir.resolve("data").toString(), "--policy", h.policyFile().toString(),
        "--rate-limit", "fast");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
    assertTrue(r.err().contains("--rate-limit"), r.err());
  }

  @Test
  void metricsCountCommittedDecisionsLatencyByRouteAndChainHeight() throws Exception {
    StoreHarness h = new StoreHarness(dir.resolve("admin"));
    try (ControlPlane cp = h.controlPlane(dir.resolve("data"), StoreHarness.Store.embedded()).start()) {
      RawApi api = new RawApi(cp.url(), h);
      assertEquals(java.util.List.of(200, 200, 200), api.flow().statuses());
      String nonce = io.driftzero.core.json.Json.mapper().readValue(api.get("/v1/nonce").body(),
          io.driftzero.core.model.NonceResponse.class).nonce();
      var replay = h.attestRequest(nonce, StoreHarness.ACTOR_PREFIX + "x/.github/workflows/d.yml@refs/heads/main");
      api.post("/v1/attest", replay, null);
      api.post("/v1/attest", replay, null); // DENIED: NONCE_REUSED
      api.get("/no/such/path");
      HttpResponse<String> m = api.get("/metrics");
      assertEquals(200, m.statusCode());
      assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), m.headers().toString());
      String body = m.body();
      assertMatchesOpenApi("/metrics", m);
      assertTrue(body.contains("dz_decisions_total{action=\"ATTEST\",result=\"ACCEPTED\"} 2.0"), body);
      assertTrue(body.contains("dz_decisions_total{action=\"ATTEST\",result=\"DENIED\"} 1.0"), body);
      assertTrue(body.contains("dz_decisions_total{action=\"CREDENTIAL_ISSUE\",result=\"ISSUED\"} 1.0"), body);
      assertTrue(body.contains("dz_denial_reasons_total{action=\"ATTEST\",reason=\"NONCE_REUSED\"} 1.0"), body);
      assertTrue(body.contains("dz_http_request_duration_seconds_count{method=\"POST\",route=\"/v1/attest\",status=\"200\"} 2"), body);
      assertTrue(body.contains("route=\"unmatched\",status=\"404\""), body);
      assertFalse(body.contains("/no/such/path"), "raw paths never become label values");
      assertTrue(body.contains("dz_audit_chain_height 4.0"), body);
    }
  }

  @Test
  void rateLimitAnswers429WithRetryAfterButNeverThrottlesProbes() throws Exception {
    StoreHarness h = new StoreHarness(dir.resolve("admin"));
    // 0.01/s: a burst of one, then a 100 s wait; no timing in the test can refill it.
    try (ControlPlane cp = h.controlPlane(dir.resolve("data"), StoreHarness.Store.embedded()).rateLimit(0.01).start()) {
      RawApi api = new RawApi(cp.url(), h);
      assertEquals(200, api.get("/v1/nonce").statusCode());
      HttpResponse<String> limited = api.get("/v1/nonce");
      assertEquals(429, limited.statusCode());
      assertEquals("100", limited.headers().firstValue("Retry-After").orElse(""));
      assertTrue(limited.body().contains("RATE_LIMITED"), limited.body());
      assertMatchesOpenApi("/v1/nonce", limited);
      assertEquals(200, api.get("/readyz").statusCode());
      assertEquals(200, api.get("/metrics").statusCode());
    }
  }

  /** The answer is one that openapi.yaml documents (status, content type, body schema, headers). */
  private static void assertMatchesOpenApi(String path, HttpResponse<String> r) {
    var validator = com.atlassian.oai.validator.OpenApiInteractionValidator
        .createForSpecificationUrl(ProductionOpsTest.class.getResource("/openapi.yaml").toString()).build();
    var b = com.atlassian.oai.validator.model.SimpleResponse.Builder.status(r.statusCode()).withBody(r.body());
    r.headers().map().forEach((k, v) -> b.withHeader(k, v));
    var report = validator.validateResponse(path, com.atlassian.oai.validator.model.Request.Method.GET, b.build());
    assertFalse(report.hasErrors(), () -> path + " " + r.statusCode() + ": " + report);
  }

  @Test
  void tokenBucketRefillsAtItsRate() {
    AtomicLong now = new AtomicLong();
    RateLimiter rl = new RateLimiter(2, 2, now::get);
    assertEquals(0, rl.acquire("a"));
    assertEquals(0, rl.acquire("a"));
    assertEquals(1, rl.acquire("a"));
    assertEquals(0, rl.acquire("b"), "each address has its own bucket");
    now.addAndGet(500_000_000L); // half a second: one token back at 2/s
    assertEquals(0, rl.acquire("a"));
    assertEquals(1, rl.acquire("a"));
    assertEquals(50.0, RateLimiter.parseRate("50/s"));
  }
}
