package io.driftzero.control.store;

import com.nimbusds.jwt.SignedJWT;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.model.NonceResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One pipeline's nonce → attest → credential flow over plain HTTP, keeping every status code (the
 * outage and crash tests need to see a 500 if there ever is one; DzClient would turn it into an
 * exception).
 */
public final class RawApi {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final StoreHarness harness;

  public RawApi(String base, StoreHarness harness) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.harness = harness;
  }

  /** What one flow saw: each status in order, and the jti if a credential came back. */
  public record Flow(List<Integer> statuses, String jti) {}

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, Object body, String bearer) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Runs one flow; stops at the first answer that is not a success. */
  public Flow flow() throws Exception {
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<String> n = get("/v1/nonce");
    statuses.add(n.statusCode());
    if (n.statusCode() != 200) {
      return new Flow(statuses, null);
    }
    String nonce = Json.mapper().readValue(n.body(), NonceResponse.class).nonce();
    String actor = StoreHarness.ACTOR_PREFIX + UUID.randomUUID() + "/.github/workflows/deploy.yml@refs/heads/main";
    HttpResponse<String> a = post("/v1/attest", harness.attestRequest(nonce, actor), null);
    statuses.add(a.statusCode());
    if (a.statusCode() != 200) {
      return new Flow(statuses, null);
    }
    AttestResponse att = Json.mapper().readValue(a.body(), AttestResponse.class);
    HttpResponse<String> c = post("/v1/credentials", new CredentialRequest(att.attestationId(), "deploy",
        StoreHarness.TARGET, 60), att.sessionToken());
    statuses.add(c.statusCode());
    if (c.statusCode() != 200) {
      return new Flow(statuses, null);
    }
    CredentialResponse cr = Json.mapper().readValue(c.body(), CredentialResponse.class);
    return new Flow(statuses, SignedJWT.parse(cr.credential().token()).getJWTClaimsSet().getJWTID());
  }
}
