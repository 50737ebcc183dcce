package io.driftzero.core.client;

import com.nimbusds.jose.jwk.JWKSet;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.ApiError;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.AuditPage;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.model.NonceResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * dz-control's HTTP API as the agent and auditors use it. Connection failures and 503s are retried a
 * bounded number of times with exponential backoff, then reported as {@link DzException.Kind#UNAVAILABLE}
 * naming the URL. Bearer tokens go in headers only and never into a message.
 */
public final class DzClient {
  private static final MediaType JSON = MediaType.get("application/json");

  private final HttpUrl base;
  private final OkHttpClient http;
  private final int attempts;
  private final Duration backoff;

  private DzClient(Builder b) {
    this.base = b.base;
    this.http = new OkHttpClient.Builder()
        .connectTimeout(b.connectTimeout)
        .readTimeout(b.readTimeout)
        .retryOnConnectionFailure(false)
        .build();
    this.attempts = b.attempts;
    this.backoff = b.backoff;
  }

  public static Builder builder(String baseUrl) throws DzException {
    HttpUrl url = HttpUrl.parse(baseUrl == null ? "" : baseUrl);
    if (url == null) {
      throw new DzException(DzException.Kind.BAD_INPUT, "control plane URL '" + baseUrl
          + "' is not an http(s) URL; pass --server https://dz-control.example or set DZ_CONTROL_URL");
    }
    return new Builder(url);
  }

  /** Builder with safe defaults: 4 attempts, 250 ms doubling backoff, 10 s/30 s timeouts. */
  public static final class Builder {
    private final HttpUrl base;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);
    private int attempts = 4;
    private Duration backoff = Duration.ofMillis(250);

    private Builder(HttpUrl base) {
      this.base = base;
    }

    public Builder attempts(int n) {
      this.attempts = Math.max(1, n);
      return this;
    }

    public Builder backoff(Duration d) {
      this.backoff = d;
      return this;
    }

    public Builder timeouts(Duration connect, Duration read) {
      this.connectTimeout = connect;
      this.readTimeout = read;
      return this;
    }

    public DzClient build() {
      return new DzClient(this);
    }
  }

  public String baseUrl() {
    return base.toString();
  }

  public NonceResponse nonce() throws DzException {
    return Json.read(call(get("v1/nonce").build(), true, 200).body, NonceResponse.class, "nonce response");
  }

  /** ACCEPTED (200) and DENIED (403) are both answers; anything else is an error. */
  public AttestResponse attest(AttestRequest request) throws DzException {
    Reply r = call(post("v1/attest", request).build(), true, 200, 403);
    return Json.read(r.body, AttestResponse.class, "attest response");
  }

  /** {@code POST /v1/attest?dry_run=true}: what would be decided. Consumes and records nothing. */
  public record Explanation(String result, java.util.List<io.driftzero.core.model.Reason> reasons) {}

  public Explanation explain(AttestRequest request) throws DzException {
    Request req = new Request.Builder().url(base.newBuilder().addPathSegments("v1/attest")
        .addQueryParameter("dry_run", "true").build()).post(RequestBody.create(Json.write(request), JSON)).build();
    return Json.read(call(req, true, 200).body, Explanation.class, "dry-run response");
  }

  public CredentialResponse credentials(CredentialRequest request, String sessionToken) throws DzException {
    Request req = post("v1/credentials", request).header("Authorization", "Bearer " + sessionToken).build();
    return Json.read(call(req, true, 200, 403).body, CredentialResponse.class, "credentials response");
  }

  public AuditPage auditEvents(Map<String, String> filters, String cursor, int limit) throws DzException {
    HttpUrl.Builder u = base.newBuilder().addPathSegments("v1/audit/events")
        .addQueryParameter("limit", String.valueOf(limit));
    filters.forEach((k, v) -> {
      if (v != null) {
        u.addQueryParameter(k, v);
      }
    });
    if (cursor != null) {
      u.addQueryParameter("cursor", cursor);
    }
    Reply r = call(new Request.Builder().url(u.build()).get().build(), true, 200);
    return Json.read(r.body, AuditPage.class, "audit page");
  }

  /** Every event matching {@code filters}, oldest first (follows the cursor to the end). */
  public List<AuditEvent> allAuditEvents(Map<String, String> filters) throws DzException {
    List<AuditEvent> all = new ArrayList<>();
    String cursor = null;
    do {
      AuditPage page = auditEvents(filters, cursor, 500);
      all.addAll(page.events());
      cursor = page.nextCursor();
    } while (cursor != null);
    all.sort(Comparator.comparing(AuditEvent::seq));
    return all;
  }

  public AuditEvent auditEvent(String auditId) throws DzException {
    Request req = new Request.Builder()
        .url(base.newBuilder().addPathSegments("v1/audit/events").addPathSegment(auditId).build()).get().build();
    return Json.read(call(req, true, 200).body, AuditEvent.class, "audit event");
  }

  public io.driftzero.core.model.StoredAttestation attestation(String attestationId) throws DzException {
    Request req = new Request.Builder()
        .url(base.newBuilder().addPathSegments("v1/attestations").addPathSegment(attestationId).build()).get().build();
    return Json.read(call(req, true, 200).body, io.driftzero.core.model.StoredAttestation.class, "attestation");
  }

  public JWKSet jwks() throws DzException {
    String body = call(get(".well-known/jwks.json").build(), true, 200).body;
    try {
      return JWKSet.parse(body);
    } catch (ParseException e) {
      throw new DzException(DzException.Kind.VERIFICATION, "JWKS at " + base + ".well-known/jwks.json is not a JWK set");
    }
  }

  private Request.Builder get(String path) {
    return new Request.Builder().url(base.newBuilder().addPathSegments(path).build()).get();
  }

  private Request.Builder post(String path, Object body) {
    return new Request.Builder().url(base.newBuilder().addPathSegments(path).build())
        .post(RequestBody.create(Json.write(body), JSON));
  }

  private record Reply(int code, String body) {}

  private Reply call(Request req, boolean retry503, int... ok) throws DzException {
    String where = req.method() + " " + req.url().newBuilder().query(null).build();
    IOException last = null;
    for (int i = 0; i < attempts; i++) {
      if (i > 0) {
        sleep(backoff.multipliedBy(1L << (i - 1)));
      }
      try (Response resp = http.newCall(req).execute()) {
        ResponseBody rb = resp.body();
        String body = rb == null ? "" : rb.string();
        for (int code : ok) {
          if (resp.code() == code) {
            return new Reply(resp.code(), body);
          }
        }
        if (resp.code() == 503 && retry503 && i + 1 < attempts) {
          continue;
        }
        throw httpError(where, resp.code(), body);
      } catch (ConnectException | UnknownHostException e) {
        last = e; // nothing reached the server: safe to retry any method
      } catch (IOException e) {
        if (!"GET".equals(req.method())) {
          throw new DzException(DzException.Kind.UNAVAILABLE, "Failed to complete " + where + ": "
              + e.getClass().getSimpleName() + " (" + e.getMessage() + "); the request may have reached dz-control,"
              + " so start over with a fresh nonce", e);
        }
        last = e;
      }
    }
    throw new DzException(DzException.Kind.UNAVAILABLE, "Failed to reach dz-control at " + where + " after "
        + attempts + " attempts: " + (last == null ? "HTTP 503" : last.getClass().getSimpleName() + " " + last.getMessage())
        + "; check --server / DZ_CONTROL_URL and that dz-control is running", last);
  }

  private static DzException httpError(String where, int code, String body) {
    String detail;
    try {
      ApiError err = Json.mapper().readValue(body, ApiError.class);
      detail = (err.error().field() != null ? "field '" + err.error().field() + "': " : "") + err.error().message();
    } catch (IOException | RuntimeException e) {
      detail = body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }
    DzException.Kind kind = code == 503 || code >= 500 ? DzException.Kind.UNAVAILABLE
        : code == 401 || code == 403 ? DzException.Kind.DENIED : DzException.Kind.BAD_INPUT;
    return new DzException(kind, "dz-control answered " + where + " with HTTP " + code + ": " + detail);
  }

  private static void sleep(Duration d) throws DzException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DzException(DzException.Kind.UNAVAILABLE, "interrupted while retrying");
    }
  }
}
