package io.driftzero.core.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.Actor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * GitHub Actions: asks the runner's token endpoint ({@code ACTIONS_ID_TOKEN_REQUEST_URL}, bearer
 * {@code ACTIONS_ID_TOKEN_REQUEST_TOKEN}) for a token with the wanted audience, as sigstore-java's
 * {@code GithubActionsOidcClient} does. The runner sets both variables only for jobs granted {@code
 * permissions: id-token: write}.
 *
 * <p>Actor id: {@code github.com/} + claim {@code job_workflow_ref}, which names the workflow file
 * and ref that defines the job, e.g. {@code
 * github.com/org/repo/.github/workflows/deploy.yml@refs/heads/main}.
 */
public final class GitHubActionsIdTokenSource implements IdTokenSource {
  public static final String REQUEST_URL = "ACTIONS_ID_TOKEN_REQUEST_URL";
  public static final String REQUEST_TOKEN = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
  /** Message constant tests assert on: the one fix for a job without a token. */
  public static final String FIX_PERMISSION = "add `permissions: id-token: write` to the job";

  private static final String SOURCE = "GitHub Actions OIDC endpoint";
  private static final int MAX_RESPONSE_BYTES = 64 * 1024;

  private final Map<String, String> env;
  private final Clock clock;
  private final HttpPolicy policy;
  private final OkHttpClient http;

  /**
   * @param env the job's environment
   * @param clock for the expiry check
   * @param policy timeouts and retries for the token endpoint
   */
  public GitHubActionsIdTokenSource(Map<String, String> env, Clock clock, HttpPolicy policy) {
    this.env = Map.copyOf(env);
    this.clock = clock;
    this.policy = policy;
    this.http =
        new OkHttpClient.Builder()
            .connectTimeout(policy.connectTimeout())
            .readTimeout(policy.readTimeout())
            .retryOnConnectionFailure(false) // retries are ours, bounded and counted
            .followRedirects(false)
            .build();
  }

  @Override
  public String platform() {
    return "github";
  }

  @Override
  public boolean isEnabled(Map<String, String> env) {
    return "true".equals(env.get("GITHUB_ACTIONS"));
  }

  @Override
  public IdToken fetch(String audience) throws DzException {
    String base = env.get(REQUEST_URL);
    String bearer = env.get(REQUEST_TOKEN);
    if (isBlank(base) || isBlank(bearer)) {
      throw new DzException(
          Kind.BAD_INPUT,
          "GitHub Actions gave this job no OIDC token request (" + REQUEST_URL + " and "
              + REQUEST_TOKEN + " are not both set): " + FIX_PERMISSION
              + "; pull requests from forks never get one");
    }
    HttpUrl parsed = HttpUrl.parse(base);
    if (parsed == null) {
      throw new DzException(
          Kind.BAD_INPUT, REQUEST_URL + " is not an http(s) URL; let the runner set it");
    }
    // The runner's URL already carries a query (api-version); audience is appended, encoded.
    HttpUrl url = parsed.newBuilder().addQueryParameter("audience", audience).build();
    Request request =
        new Request.Builder()
            .url(url)
            .header("Authorization", "Bearer " + bearer)
            .header("Accept", "application/json; api-version=2.0")
            .build();
    String where = url.scheme() + "://" + url.host() + ":" + url.port();
    String body = new RetryingCall(http, policy, SOURCE + " " + where).execute(request, this::read);
    IdToken token = IdToken.parse(value(body), SOURCE);
    token.checkAudience(audience, "the endpoint ignored the requested audience; retry the job");
    token.checkNotExpired(clock);
    return token;
  }

  private String read(Response response, String where) throws DzException, IOException {
    int code = response.code();
    if (code == 401 || code == 403) {
      throw new DzException(
          Kind.BAD_INPUT,
          where + " refused the token request (HTTP " + code + "): " + REQUEST_TOKEN
              + " is not valid for this job; do not set it yourself, let the runner set it, and "
              + FIX_PERMISSION);
    }
    if (code != 200) {
      throw new DzException(
          Kind.BAD_INPUT, where + " answered HTTP " + code + " to the token request");
    }
    ResponseBody body = response.body();
    try (InputStream in = body.byteStream()) {
      byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
      if (bytes.length > MAX_RESPONSE_BYTES) {
        throw new DzException(Kind.BAD_INPUT, where + " sent an oversized token response");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static String value(String body) throws DzException {
    JsonNode node;
    try {
      node = Json.mapper().readTree(body);
    } catch (IOException e) {
      throw new DzException(Kind.BAD_INPUT, SOURCE + " response is not JSON");
    }
    JsonNode value = node == null ? null : node.get("value");
    if (value == null || !value.isTextual()) {
      throw new DzException(Kind.BAD_INPUT, SOURCE + " response has no string field 'value'");
    }
    return value.textValue();
  }

  @Override
  public Actor actor(IdToken token) throws DzException {
    String repository = token.requireClaim("repository");
    String jobWorkflowRef = token.requireClaim("job_workflow_ref");
    if (!jobWorkflowRef.matches("[^/@]+/[^/@]+/\\.github/workflows/[^@]+@.+")) {
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + token.source() + " has job_workflow_ref '" + jobWorkflowRef
              + "', not of the form owner/repo/.github/workflows/FILE@REF");
    }
    // A reusable workflow in another repository has job_workflow_ref there, but the calling
    // workflow (workflow_ref) is always in the token's repository.
    String caller = token.claim("workflow_ref").orElse(jobWorkflowRef);
    if (!caller.startsWith(repository + "/")) {
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + token.source() + " is inconsistent: workflow '" + caller
              + "' is not in repository '" + repository + "'");
    }
    String envRepo = env.get("GITHUB_REPOSITORY");
    if (!isBlank(envRepo) && !envRepo.equals(repository)) {
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + token.source() + " is for repository '" + repository
              + "' but this job runs in GITHUB_REPOSITORY '" + envRepo + "'");
    }
    return new Actor(PIPELINE, serverHost() + "/" + jobWorkflowRef);
  }

  /** github.com, or the GitHub Enterprise Server host the runner reports. */
  private String serverHost() throws DzException {
    String server = env.get("GITHUB_SERVER_URL");
    return isBlank(server) ? "github.com" : Urls.authority(server, "GITHUB_SERVER_URL");
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
