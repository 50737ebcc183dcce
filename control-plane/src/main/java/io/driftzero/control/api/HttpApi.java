package io.driftzero.control.api;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.driftzero.control.attest.AttestService;
import io.driftzero.control.audit.AuditLog;
import io.driftzero.control.audit.AuditQuery;
import io.driftzero.control.credential.CredentialService;
import io.driftzero.control.keys.SigningKeys;
import io.driftzero.control.metrics.Metrics;
import io.driftzero.control.store.Database;
import io.driftzero.control.store.StoreUnavailable;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.ApiError;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.Reason;
import io.driftzero.core.model.StoredAttestation;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import java.util.UUID;

/**
 * dz-control's HTTP API (documented in {@code openapi.yaml}, served at {@code /openapi.yaml}). This
 * class only translates HTTP: strict JSON in, records out, every non-decision error a 4xx naming the
 * field, store failures 503. Headers and bodies are never logged.
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  public static final int MAX_BODY_BYTES = 256 * 1024;
  private static final Set<String> RESULTS = Set.of("ACCEPTED", "DENIED", "ISSUED", "APPLIED", "REJECTED");
  private static final Set<String> ACTIONS = Set.of("ATTEST", "CREDENTIAL_ISSUE", "POLICY_UPDATE", "POLICY_RELOAD", "KEY_ROTATE");

  /** MDC key and header of the request id. */
  public static final String REQUEST_ID = "request_id";
  private static final java.util.regex.Pattern REQUEST_ID_FORMAT = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private HttpApi() {}

  /** Everything the routes call. */
  public record Services(java.util.function.Supplier<String> publicUrl, Database db, AttestService attest, CredentialService credentials,
      AuditLog audit, SigningKeys keys, io.driftzero.control.nonce.NonceService nonces, Metrics metrics,
      io.driftzero.control.attest.Attestations attestations) {}

  /** HTTP behaviour: how long stop waits for requests in flight, and the per-client rate limit (null: none). */
  public record Options(java.time.Duration stopTimeout, RateLimiter rateLimit) {
    /** 30 s to finish requests in flight; no rate limit. */
    public static Options defaults() {
      return new Options(java.time.Duration.ofSeconds(30), null);
    }
  }

  /** Route templates, the only values of the latency histogram's {@code route} label. */
  private static final Set<String> ROUTES = Set.of("/healthz", "/readyz", "/metrics", "/openapi.yaml", "/v1/nonce",
      "/v1/attest", "/v1/credentials", "/v1/audit/events", "/v1/audit/events/{id}", "/v1/attestations/{id}", "/.well-known/jwks.json",
      "/.well-known/openid-configuration", "/v1/admin/policy", "/v1/admin/policy/validate", "/v1/admin/policy/reload", "/v1/admin/keys/rotate");
  /** Never rate limited: probes and scrapes must see the truth while clients are throttled. */
  private static final Set<String> UNLIMITED = Set.of("/healthz", "/readyz", "/metrics");

  public static Javalin create(Services s) {
    return create(s, Options.defaults());
  }

  public static Javalin create(Services s, Options opts) {
    Javalin app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.startupWatcherEnabled = false;
      cfg.http.maxRequestSize = MAX_BODY_BYTES;
      // Graceful stop: the StatisticsHandler counts requests in flight, and Jetty's stop first closes
      // the listener, then waits (up to the stop timeout) for those requests to finish.
      cfg.jetty.modifyServer(server -> {
        server.setHandler(new org.eclipse.jetty.server.handler.StatisticsHandler());
        server.setStopTimeout(opts.stopTimeout().toMillis());
      });
      cfg.requestLogger.http((ctx, ms) -> {
        LOG.info("{} {} -> {} ({} ms)", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(ms));
        s.metrics().request(ctx.method().name(), route(ctx), ctx.statusCode(), ms / 1000.0);
        MDC.remove(REQUEST_ID);
      });
    });
    // Every request gets an id: the caller's X-Request-Id when it is a plain token, else a new one.
    // It is echoed back and carried by every log line written while serving the request.
    app.before(ctx -> {
      String given = ctx.header("X-Request-Id");
      String id = given != null && REQUEST_ID_FORMAT.matcher(given).matches() ? given : UUID.randomUUID().toString();
      MDC.put(REQUEST_ID, id);
      ctx.header("X-Request-Id", id);
    });
    if (opts.rateLimit() != null) {
      app.before(ctx -> {
        if (UNLIMITED.contains(ctx.path())) {
          return;
        }
        long wait = opts.rateLimit().acquire(ctx.ip());
        if (wait > 0) {
          ctx.header("Retry-After", Long.toString(wait));
          json(ctx, 429, ApiError.of("RATE_LIMITED", null, "too many requests from this address; retry after "
              + wait + " s"));
          ctx.skipRemainingHandlers();
        }
      });
    }
    app.get("/metrics", ctx -> ctx.contentType(s.metrics().contentType()).result(s.metrics().scrape()));
    app.get("/healthz", ctx -> json(ctx, 200, Map.of("status", "ok")));
    app.get("/readyz", ctx -> {
      boolean up = s.db().ping();
      json(ctx, up ? 200 : 503, Map.of("status", up ? "ready" : "database unreachable"));
    });
    app.get("/openapi.yaml", ctx -> {
      try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.yaml")) {
        ctx.contentType("application/yaml").result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    });
    app.get("/v1/nonce", ctx -> json(ctx, 200, s.nonces().issue()));
    app.post("/v1/attest", ctx -> {
      AttestRequest req = body(ctx, AttestRequest.class);
      RequestChecks.attest(req);
      if ("true".equals(ctx.queryParam("dry_run"))) {
        List<Reason> reasons = s.attest().explain(req);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("result", reasons.isEmpty() ? "WOULD_ACCEPT" : "WOULD_DENY");
        out.put("reasons", reasons);
        json(ctx, 200, out);
        return;
      }
      AttestService.Outcome o = s.attest().attest(req);
      json(ctx, o.status(), o.response());
    });
    app.post("/v1/credentials", ctx -> {
      String auth = ctx.header("Authorization");
      if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= 7) {
        json(ctx, 401, ApiError.of("UNAUTHENTICATED", "Authorization",
            "send the session token from POST /v1/attest as 'Authorization: Bearer <session_token>'"));
        return;
      }
      CredentialRequest req = body(ctx, CredentialRequest.class);
      RequestChecks.credentials(req);
      try {
        CredentialService.Outcome o = s.credentials().request(auth.substring(7).trim(), req);
        ctx.header("Cache-Control", "no-store");
        json(ctx, o.status(), o.response());
      } catch (CredentialService.Unauthenticated e) {
        json(ctx, 401, ApiError.of("UNAUTHENTICATED", "Authorization", e.getMessage()));
      }
    });
    app.get("/v1/audit/events", ctx -> json(ctx, 200, s.audit().query(query(ctx))));
    app.get("/v1/audit/events/{id}", ctx -> {
      var e = s.audit().get(ctx.pathParam("id"));
      if (e.isPresent()) {
        json(ctx, 200, e.get());
      } else {
        json(ctx, 404, ApiError.of("NOT_FOUND", "audit_id", "no audit event with this id"));
      }
    });
    app.get("/v1/attestations/{id}", ctx -> {
      var row = s.attestations().find(ctx.pathParam("id"));
      if (row.isEmpty()) {
        json(ctx, 404, ApiError.of("NOT_FOUND", "attestation_id", "no attestation with this id"));
        return;
      }
      var r = row.get();
      json(ctx, 200, new StoredAttestation(r.attestationId(), r.result(), Instant.ofEpochMilli(r.createdAt()).toString(),
          Instant.ofEpochMilli(r.expiresAt()).toString(), r.actor(), r.policy(), r.auditId(),
          Json.mapper().readValue(r.requestJson(), AttestRequest.class)));
    });
    app.get("/.well-known/jwks.json", ctx -> {
      ctx.contentType("application/json").result(s.keys().publicJwks().toString(true));
    });
    app.get("/.well-known/openid-configuration", ctx -> {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("issuer", s.publicUrl().get());
      d.put("jwks_uri", s.publicUrl().get() + "/.well-known/jwks.json");
      d.put("response_types_supported", List.of("id_token"));
      d.put("subject_types_supported", List.of("public"));
      d.put("id_token_signing_alg_values_supported", List.of("ES256"));
      d.put("claims_supported", List.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "scope", "policy",
          "manifest_id", "manifest_version", "manifest_hash", "attestation_id", "audit_id", "rekor_uuid",
          "rekor_log_index"));
      json(ctx, 200, d);
    });

    app.exception(BadRequest.class, (e, ctx) -> json(ctx, 400, ApiError.of("BAD_REQUEST", e.field(), e.getMessage())));
    app.exception(PayloadTooLarge.class, (e, ctx) -> json(ctx, 413, ApiError.of("PAYLOAD_TOO_LARGE", null,
        "request body exceeds " + MAX_BODY_BYTES + " bytes")));
    app.exception(StoreUnavailable.class, (e, ctx) -> {
      // The driver's reason (connection refused, terminated by administrator, pool timeout) says what
      // to fix; it never holds the password. The client gets only the generic 503.
      LOG.error("store unavailable: {}: {}", e.getMessage(), e.getCause() == null ? "" : e.getCause().getMessage());
      json(ctx, 503, ApiError.of("UNAVAILABLE", null, "the store is unavailable; nothing was issued, retry later"));
    });
    app.exception(DzException.class, (e, ctx) -> {
      LOG.error("request failed: {}", e.getMessage());
      int code = e.kind() == DzException.Kind.BAD_INPUT ? 400 : 500;
      json(ctx, code, ApiError.of(code == 400 ? "BAD_REQUEST" : "INTERNAL", null,
          code == 400 ? e.getMessage() : "internal error; see dz-control's log"));
    });
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
      json(ctx, 500, ApiError.of("INTERNAL", null, "internal error; see dz-control's log"));
    });
    app.error(404, ctx -> {
      // Javalin fills in a plain-text "Endpoint ... not found" before this runs, so "no result yet"
      // is never true; only a route's own JSON 404 (an unknown audit_id) is kept.
      String ct = ctx.contentType();
      if (ct == null || !ct.startsWith("application/json")) {
        json(ctx, 404, ApiError.of("NOT_FOUND", null, "no such endpoint: " + ctx.method() + " " + ctx.path()
            + "; see /openapi.yaml"));
      }
    });
    app.error(405, ctx -> json(ctx, 405, ApiError.of("METHOD_NOT_ALLOWED", null, ctx.method() + " is not allowed on "
        + ctx.path())));
    return app;
  }

  private static String route(Context ctx) {
    try {
      String r = ctx.endpointHandlerPath();
      return ROUTES.contains(r) ? r : "unmatched";
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }

  static final class PayloadTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  private static <T> T body(Context ctx, Class<T> type) throws IOException {
    String ct = ctx.contentType();
    if (ct == null || !ct.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new BadRequest("Content-Type", "send the body as JSON with 'Content-Type: application/json'");
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_BODY_BYTES) {
      throw new PayloadTooLarge();
    }
    byte[] bytes;
    try (InputStream in = ctx.req().getInputStream()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new PayloadTooLarge();
    }
    if (bytes.length == 0) {
      throw new BadRequest("(body)", "the request body is empty; send a JSON object");
    }
    try {
      T v = Json.mapper().readValue(bytes, type);
      if (v == null) {
        throw new BadRequest("(body)", "the request body must be a JSON object, not null");
      }
      return v;
    } catch (JsonMappingException e) {
      // Jackson's own messages quote the offending input ("Cannot coerce String value (\"dzs_…\")"),
      // which may be a bearer token pasted into the wrong field: never echo them.
      String msg = e.getOriginalMessage();
      if (msg != null && msg.startsWith("Unrecognized field")) {
        msg = "unknown field; remove it or check its spelling against /openapi.yaml";
      } else if (msg != null && msg.startsWith("Trailing token")) {
        msg = "unexpected content after the JSON object; send exactly one object";
      } else {
        msg = "wrong type or value for this field; see /openapi.yaml";
      }
      String field = Json.path(e);
      throw new BadRequest("(root)".equals(field) ? "(body)" : field, msg);
    } catch (JsonProcessingException e) {
      String what = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
          ? "a key appears twice in one object" : "malformed JSON";
      throw new BadRequest("(body)", what
          + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr() : "")
          + "; send one JSON object");
    }
  }

  private static AuditQuery query(Context ctx) {
    String result = ctx.queryParam("result");
    if (result != null && !RESULTS.contains(result)) {
      throw new BadRequest("result", "must be one of " + RESULTS);
    }
    String action = ctx.queryParam("action");
    if (action != null && !ACTIONS.contains(action)) {
      throw new BadRequest("action", "must be one of " + ACTIONS);
    }
    int limit = 50;
    String l = ctx.queryParam("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 500) {
        throw new BadRequest("limit", "must be a whole number from 1 to 500");
      }
    }
    Long before = null;
    String cursor = ctx.queryParam("cursor");
    if (cursor != null) {
      before = AuditLog.decodeCursor(cursor).orElseThrow(() ->
          new BadRequest("cursor", "not a cursor from a previous page's next_cursor"));
    }
    return new AuditQuery(ctx.queryParam("actor"), result, action, ctx.queryParam("policy"), ctx.queryParam("target"),
        instant(ctx, "since"), instant(ctx, "until"), before, limit);
  }

  private static Instant instant(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new BadRequest(name, "not an RFC 3339 UTC instant; write e.g. 2025-10-31T15:40:00Z");
    }
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }
}
