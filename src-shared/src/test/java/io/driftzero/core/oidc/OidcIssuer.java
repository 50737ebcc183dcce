package io.driftzero.core.oidc;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.HttpUrl;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OIDC issuer for tests (mock-oauth2-server: discovery, JWKS, RS256) that mints GitHub-,
 * GitLab- and Jenkins-shaped ID tokens, plus a GitHub Actions token endpoint that behaves like the
 * runner's {@code ACTIONS_ID_TOKEN_REQUEST_URL}: it checks the bearer request token and the {@code
 * audience} parameter and answers {@code {"count":…,"value":jwt}} with a token minted for that
 * audience. Both listen on a random loopback port.
 *
 * <p>Use as {@code @RegisterExtension static final OidcIssuer ISSUER = new OidcIssuer();} or
 * start/close it yourself. Shipped in driftzero-core's test-jar for other modules.
 */
public final class OidcIssuer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  public static final String GITHUB = "github";
  public static final String GITLAB = "gitlab";
  public static final String JENKINS = "jenkins";
  /** Token lifetimes of the real platforms' defaults, used unless a test asks otherwise. */
  public static final Duration GITHUB_TTL = Duration.ofMinutes(5);
  public static final Duration GITLAB_TTL = Duration.ofMinutes(60);
  public static final Duration JENKINS_TTL = Duration.ofMinutes(60);

  /** Path the GitHub endpoint serves, shaped like the runner's (it already has a query). */
  static final String GITHUB_PATH =
      "/_apis/distributedtask/hubs/Actions/plans/5f3c/jobs/9a1b/idtoken";

  private final String requestToken = "ghs-request-" + UUID.randomUUID();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus = 503;
  private volatile Map<String, Object> githubJob = githubClaims("octo-org/octo-repo",
      "deploy.yml", "refs/heads/main");
  private MockOAuth2Server server;
  private MockWebServer githubEndpoint;

  /** Starts both servers; idempotent. */
  public OidcIssuer start() throws IOException {
    if (server == null) {
      server = new MockOAuth2Server();
      server.start(InetAddress.getLoopbackAddress(), 0);
      githubEndpoint = new MockWebServer();
      githubEndpoint.setDispatcher(new GitHubDispatcher());
      githubEndpoint.start(InetAddress.getLoopbackAddress(), 0);
    }
    return this;
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.shutdown();
      githubEndpoint.shutdown();
      server = null;
      githubEndpoint = null;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    close();
  }

  /** {@code http://localhost:PORT/<issuerId>}, the {@code iss} of its tokens. */
  public String issuerUrl(String issuerId) {
    return server.issuerUrl(issuerId).toString().replaceAll("/$", "");
  }

  /** {@code localhost:PORT}: the issuer's host as it appears in derived actor ids. */
  public String issuerAuthority() {
    HttpUrl url = server.issuerUrl(GITLAB);
    return url.host() + ":" + url.port();
  }

  /** Mints a signed token with any claims; {@code ttl} may be negative for an expired one. */
  public String issue(
      String issuerId, String subject, List<String> audience, Map<String, Object> claims,
      Duration ttl) {
    SignedJWT jwt = server.issueToken(issuerId, "driftzero-test",
        new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", audience, claims,
            ttl.toSeconds()));
    return jwt.serialize();
  }

  /** True if {@code jwt} carries a valid signature by {@code issuerId}'s key, per its JWKS. */
  public boolean signedBy(String issuerId, String jwt) throws Exception {
    JWKSet keys = JWKSet.load(new URL(server.jwksUrl(issuerId).toString()));
    SignedJWT parsed = SignedJWT.parse(jwt);
    RSAKey key = keys.getKeyByKeyId(parsed.getHeader().getKeyID()).toRSAKey();
    JWSVerifier verifier = new RSASSAVerifier(key);
    return parsed.verify(verifier);
  }

  // ---- GitHub Actions ----

  /** Claims of a GitHub Actions job token for {@code .github/workflows/<workflow>} at {@code ref}. */
  public static Map<String, Object> githubClaims(String repository, String workflow, String ref) {
    String workflowRef = repository + "/.github/workflows/" + workflow + "@" + ref;
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", "repo:" + repository + ":ref:" + ref);
    claims.put("repository", repository);
    claims.put("repository_owner", repository.substring(0, repository.indexOf('/')));
    claims.put("ref", ref);
    claims.put("sha", "4e9b7dbc7e42626ca4f4676ad91f17951f97af9a");
    claims.put("workflow_ref", workflowRef);
    claims.put("job_workflow_ref", workflowRef);
    claims.put("event_name", "push");
    claims.put("run_id", "7318942735");
    claims.put("runner_environment", "github-hosted");
    return claims;
  }

  /** Makes the endpoint mint tokens with these claims ({@code sub} taken from them). */
  public void githubJob(Map<String, Object> claims) {
    this.githubJob = Map.copyOf(claims);
  }

  /** A GitHub token as the runner's endpoint would mint it for the current job. */
  public String githubToken(String audience, Duration ttl) {
    Map<String, Object> claims = new HashMap<>(githubJob);
    String sub = (String) claims.remove("sub");
    return issue(GITHUB, sub, List.of(audience), claims, ttl);
  }

  /** The bearer token the endpoint accepts (what the runner puts in ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  public String githubRequestToken() {
    return requestToken;
  }

  /** The endpoint URL as the runner sets it, with its api-version query. */
  public String githubRequestUrl() {
    return githubEndpoint.url(GITHUB_PATH).newBuilder()
        .addQueryParameter("api-version", "2.0").build().toString();
  }

  /** A runner-like environment for a job with {@code permissions: id-token: write}. */
  public Map<String, String> githubRunnerEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("CI", "true");
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_SERVER_URL", "https://github.com");
    env.put("GITHUB_REPOSITORY", (String) githubJob.get("repository"));
    env.put("GITHUB_WORKFLOW_REF", (String) githubJob.get("workflow_ref"));
    env.put("RUNNER_OS", "Linux");
    env.put(GitHubActionsIdTokenSource.REQUEST_URL, githubRequestUrl());
    env.put(GitHubActionsIdTokenSource.REQUEST_TOKEN, requestToken);
    return env;
  }

  /** The next {@code n} endpoint requests answer {@code status} (failure injection). */
  public void failNextGitHubRequests(int n, int status) {
    failureStatus = status;
    failuresLeft.set(n);
  }

  public int githubRequestCount() {
    return githubEndpoint.getRequestCount();
  }

  /** Forgets recorded GitHub endpoint requests and pending failures, between tests. */
  public void resetGitHubEndpoint() throws InterruptedException {
    failuresLeft.set(0);
    while (githubEndpoint.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
      // drain
    }
  }

  /** The oldest unread request to the GitHub endpoint, or null after a second. */
  public RecordedRequest takeGitHubRequest() throws InterruptedException {
    return githubEndpoint.takeRequest(1, TimeUnit.SECONDS);
  }

  private final class GitHubDispatcher extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return new MockResponse().setResponseCode(failureStatus);
      }
      HttpUrl url = request.getRequestUrl();
      if (!"GET".equals(request.getMethod()) || url == null
          || !GITHUB_PATH.equals(url.encodedPath())) {
        return json(404, "{\"message\":\"Not Found\"}");
      }
      if (!("Bearer " + requestToken).equals(request.getHeader("Authorization"))) {
        return json(401, "{\"message\":\"Unauthorized\"}");
      }
      String audience = url.queryParameter("audience");
      if (!"2.0".equals(url.queryParameter("api-version")) || audience == null) {
        return json(400, "{\"message\":\"api-version and audience are required\"}");
      }
      String jwt = githubToken(audience, GITHUB_TTL);
      return json(200, "{\"count\":" + jwt.length() + ",\"value\":\"" + jwt + "\"}");
    }

    private MockResponse json(int code, String body) {
      return new MockResponse().setResponseCode(code)
          .setHeader("Content-Type", "application/json; charset=utf-8").setBody(body);
    }
  }

  // ---- GitLab CI ----

  /**
   * Claims of a GitLab CI job token. With {@code withConfigRefUri} the token carries {@code
   * ci_config_ref_uri} as GitLab sets it for a repository-sourced {@code .gitlab-ci.yml}.
   */
  public Map<String, Object> gitlabClaims(
      String projectPath, String refType, String ref, boolean withConfigRefUri) {
    String refPath = ("tag".equals(refType) ? "refs/tags/" : "refs/heads/") + ref;
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("namespace_id", "72");
    claims.put("namespace_path", projectPath.substring(0, projectPath.lastIndexOf('/')));
    claims.put("project_id", "4021");
    claims.put("project_path", projectPath);
    claims.put("user_id", "17");
    claims.put("user_login", "release-bot");
    claims.put("pipeline_id", "1519139981");
    claims.put("pipeline_source", "push");
    claims.put("job_id", "8222997048");
    claims.put("ref", ref);
    claims.put("ref_type", refType);
    claims.put("ref_path", refPath);
    claims.put("ref_protected", "true");
    claims.put("runner_environment", "self-hosted");
    claims.put("sha", "8fe1b322a576d59fe6257052a4107df7dc1b8c78");
    if (withConfigRefUri) {
      claims.put("ci_config_ref_uri",
          issuerAuthority() + "/" + projectPath + "//.gitlab-ci.yml@" + refPath);
      claims.put("ci_config_sha", "8fe1b322a576d59fe6257052a4107df7dc1b8c78");
    }
    return claims;
  }

  /** A GitLab token with GitLab's {@code sub} form for these claims. */
  public String gitlabToken(String audience, Map<String, Object> claims, Duration ttl) {
    String sub = "project_path:" + claims.get("project_path") + ":ref_type:"
        + claims.get("ref_type") + ":ref:" + claims.get("ref");
    return issue(GITLAB, sub, List.of(audience), claims, ttl);
  }

  /** A runner-like GitLab environment holding {@code token} in {@code variable}. */
  public static Map<String, String> gitlabRunnerEnv(
      String variable, String token, String projectPath) {
    Map<String, String> env = new HashMap<>();
    env.put("CI", "true");
    env.put("GITLAB_CI", "true");
    env.put("CI_SERVER_URL", "https://gitlab.example.com");
    env.put("CI_PROJECT_PATH", projectPath);
    env.put("CI_COMMIT_REF_NAME", "main");
    if (token != null) {
      env.put(variable, token);
    }
    return env;
  }

  // ---- Jenkins (oidc-provider plugin) ----

  /**
   * A token as the oidc-provider plugin mints it with its default build claim templates: {@code
   * sub} = {@code ${JOB_URL}}, {@code build_number} = {@code ${BUILD_NUMBER}} (an integer).
   */
  public String jenkinsToken(String audience, String jobUrl, int buildNumber, Duration ttl) {
    return issue(JENKINS, jobUrl, List.of(audience), Map.of("build_number", buildNumber), ttl);
  }

  /** A build-like Jenkins environment; the token itself is added by the test. */
  public static Map<String, String> jenkinsBuildEnv(String jenkinsUrl, String jobUrl, int build) {
    Map<String, String> env = new HashMap<>();
    env.put("JENKINS_URL", jenkinsUrl);
    env.put("JOB_URL", jobUrl);
    env.put("BUILD_NUMBER", Integer.toString(build));
    env.put("BUILD_URL", jobUrl + build + "/");
    env.put("JOB_NAME", "platform/deploy");
    return env;
  }
}
