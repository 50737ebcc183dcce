package io.driftzero.core.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import io.driftzero.core.model.Actor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GitHubActionsIdTokenSourceTest {
  @RegisterExtension static final OidcIssuer ISSUER = new OidcIssuer();

  /** Fast retries so failure tests stay quick; three attempts in all. */
  private static final HttpPolicy FAST =
      new HttpPolicy(Duration.ofSeconds(2), Duration.ofSeconds(2), 3, Duration.ofMillis(10),
          Duration.ofMillis(20));

  private static final String WORKFLOW_REF =
      "octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main";

  @BeforeEach
  void resetJob() throws InterruptedException {
    ISSUER.githubJob(OidcIssuer.githubClaims("octo-org/octo-repo", "deploy.yml",
        "refs/heads/main"));
    ISSUER.resetGitHubEndpoint();
  }

  private static GitHubActionsIdTokenSource source(Map<String, String> env) {
    return new GitHubActionsIdTokenSource(env, Clock.systemUTC(), FAST);
  }

  @Test
  void fetchesATokenForTheAudienceAndDerivesTheWorkflowActor() throws Exception {
    var source = source(ISSUER.githubRunnerEnv());
    IdToken token = source.fetch("driftzero");
    assertEquals(java.util.List.of("driftzero"), token.audience());
    assertEquals(ISSUER.issuerUrl(OidcIssuer.GITHUB), token.issuer());
    assertTrue(ISSUER.signedBy(OidcIssuer.GITHUB, token.raw()), "signed by the issuer's JWKS key");
    assertEquals(new Actor("pipeline", "github.com/" + WORKFLOW_REF), source.actor(token));

    RecordedRequest request = ISSUER.takeGitHubRequest();
    assertEquals("Bearer " + ISSUER.githubRequestToken(), request.getHeader("Authorization"));
    assertEquals("2.0", request.getRequestUrl().queryParameter("api-version"));
    assertEquals("driftzero", request.getRequestUrl().queryParameter("audience"));
  }

  @Test
  void audienceIsUrlEncodedIntoTheExistingQuery() throws Exception {
    String audience = "https://dz.example.com/attest?tenant=a&b c";
    IdToken token = source(ISSUER.githubRunnerEnv()).fetch(audience);
    assertEquals(java.util.List.of(audience), token.audience());
    RecordedRequest request = ISSUER.takeGitHubRequest();
    assertTrue(request.getPath().contains("?api-version=2.0&audience=https%3A%2F%2F"),
        request.getPath());
    assertFalse(request.getPath().contains(" "), request.getPath());
  }

  @Test
  void missingRequestVariablesSayToGrantIdTokenWrite() {
    Map<String, String> env = new HashMap<>(ISSUER.githubRunnerEnv());
    env.remove(GitHubActionsIdTokenSource.REQUEST_URL);
    env.remove(GitHubActionsIdTokenSource.REQUEST_TOKEN);
    int before = ISSUER.githubRequestCount();
    DzException e = assertThrows(DzException.class, () -> source(env).fetch("driftzero"));
    assertEquals(Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("add `permissions: id-token: write` to the job"),
        e.getMessage());
    assertEquals(before, ISSUER.githubRequestCount(), "no request without the variables");
  }

  @Test
  void onlyOneOfTheRequestVariablesIsStillMissingPermission() {
    Map<String, String> env = new HashMap<>(ISSUER.githubRunnerEnv());
    env.remove(GitHubActionsIdTokenSource.REQUEST_TOKEN);
    DzException e = assertThrows(DzException.class, () -> source(env).fetch("driftzero"));
    assertTrue(e.getMessage().contains(GitHubActionsIdTokenSource.FIX_PERMISSION));
  }

  @Test
  void wrongRequestTokenIsAClearErrorWithoutTheTokenText() throws Exception {
    Map<String, String> env = new HashMap<>(ISSUER.githubRunnerEnv());
    String wrong = "ghs-wrong-request-token-0123456789";
    env.put(GitHubActionsIdTokenSource.REQUEST_TOKEN, wrong);
    DzException e = assertThrows(DzException.class, () -> source(env).fetch("driftzero"));
    assertEquals(Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("refused the token request (HTTP 401)"), e.getMessage());
    assertTrue(e.getMessage().contains("ACTIONS_ID_TOKEN_REQUEST_TOKEN is not valid for this job"),
        e.getMessage());
    Redaction.assertRedacted(e, wrong, ISSUER.githubRequestToken());
  }

  @Test
  void transientServerErrorsAreRetriedThenSucceed() throws Exception {
    ISSUER.failNextGitHubRequests(2, 503);
    int before = ISSUER.githubRequestCount();
    IdToken token = source(ISSUER.githubRunnerEnv()).fetch("driftzero");
    assertEquals("driftzero", token.audience().get(0));
    assertEquals(3, ISSUER.githubRequestCount() - before);
  }

  @Test
  void persistentServerErrorsStopAfterTheBoundAsUnavailable() {
    ISSUER.failNextGitHubRequests(10, 502);
    int before = ISSUER.githubRequestCount();
    DzException e = assertThrows(DzException.class,
        () -> source(ISSUER.githubRunnerEnv()).fetch("driftzero"));
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("unavailable after 3 attempts (last: HTTP 502)"),
        e.getMessage());
    assertEquals(3, ISSUER.githubRequestCount() - before);
    Redaction.assertRedacted(e, ISSUER.githubRequestToken());
  }

  @Test
  void unreachableEndpointIsRetriedBoundedThenUnavailable() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Map<String, String> env = new HashMap<>(ISSUER.githubRunnerEnv());
    env.put(GitHubActionsIdTokenSource.REQUEST_URL,
        "http://127.0.0.1:" + closedPort + OidcIssuer.GITHUB_PATH + "?api-version=2.0");
    long start = System.nanoTime();
    DzException e = assertThrows(DzException.class, () -> source(env).fetch("driftzero"));
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("http://127.0.0.1:" + closedPort), e.getMessage());
    assertTrue(e.getMessage().contains("unavailable after 3 attempts (last: ConnectException"),
        e.getMessage());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "bounded");
    Redaction.assertRedacted(e, ISSUER.githubRequestToken());
  }

  @Test
  void clientErrorsOtherThanAuthAreNotRetried() {
    ISSUER.failNextGitHubRequests(1, 404);
    int before = ISSUER.githubRequestCount();
    DzException e = assertThrows(DzException.class,
        () -> source(ISSUER.githubRunnerEnv()).fetch("driftzero"));
    assertEquals(Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("answered HTTP 404"), e.getMessage());
    assertEquals(1, ISSUER.githubRequestCount() - before);
  }

  @Test
  void expiredTokenFromTheEndpointSaysToFetchAFreshOne() {
    Clock inAnHour = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
    var source = new GitHubActionsIdTokenSource(ISSUER.githubRunnerEnv(), inAnHour, FAST);
    DzException e = assertThrows(DzException.class, () -> source.fetch("driftzero"));
    assertEquals(Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("fetch a fresh token; job tokens live 5 minutes"),
        e.getMessage());
  }

  @Test
  void reusableWorkflowInAnotherRepositoryIsTheActor() throws Exception {
    Map<String, Object> claims = new HashMap<>(OidcIssuer.githubClaims("octo-org/octo-repo",
        "release.yml", "refs/tags/v1.2.0"));
    String shared = "octo-org/shared-workflows/.github/workflows/attest.yml@refs/heads/main";
    claims.put("job_workflow_ref", shared);
    ISSUER.githubJob(claims);
    var source = source(ISSUER.githubRunnerEnv());
    assertEquals("github.com/" + shared, source.actor(source.fetch("driftzero")).id());
  }

  @Test
  void workflowOutsideTheTokensRepositoryIsInconsistent() throws Exception {
    Map<String, Object> claims = new HashMap<>(OidcIssuer.githubClaims("octo-org/octo-repo",
        "deploy.yml", "refs/heads/main"));
    claims.put("repository", "evil-org/octo-repo");
    ISSUER.githubJob(claims);
    Map<String, String> env = new HashMap<>(ISSUER.githubRunnerEnv());
    env.remove("GITHUB_REPOSITORY");
    var source = source(env);
    IdToken token = source.fetch("driftzero");
    DzException e = assertThrows(DzException.class, () -> source.actor(token));
    assertTrue(e.getMessage().contains("is not in repository 'evil-org/octo-repo'"),
        e.getMessage());
    Redaction.assertRedacted(e, token.raw());
  }

  @Test
  void tokenForAnotherRepositoryThanTheJobIsRejected() throws Exception {
    Map<String, String> env = new HashMap<>(ISSUER.githubRunnerEnv());
    env.put("GITHUB_REPOSITORY", "octo-org/other");
    var source = source(env);
    IdToken token = source.fetch("driftzero");
    DzException e = assertThrows(DzException.class, () -> source.actor(token));
    assertTrue(e.getMessage().contains("but this job runs in GITHUB_REPOSITORY 'octo-org/other'"),
        e.getMessage());
  }

  @Test
  void malformedJobWorkflowRefIsRejected() throws Exception {
    Map<String, Object> claims = new HashMap<>(OidcIssuer.githubClaims("octo-org/octo-repo",
        "deploy.yml", "refs/heads/main"));
    claims.put("job_workflow_ref", "octo-org/octo-repo/deploy.yml");
    ISSUER.githubJob(claims);
    var source = source(ISSUER.githubRunnerEnv());
    IdToken token = source.fetch("driftzero");
    DzException e = assertThrows(DzException.class, () -> source.actor(token));
    assertTrue(e.getMessage().contains("not of the form owner/repo/.github/workflows/FILE@REF"),
        e.getMessage());
  }

  @Test
  void enterpriseServerHostPrefixesTheActor() throws Exception {
    Map<String, String> env = new HashMap<>(ISSUER.githubRunnerEnv());
    env.put("GITHUB_SERVER_URL", "https://github.example.com");
    var source = source(env);
    assertEquals("github.example.com/" + WORKFLOW_REF,
        source.actor(source.fetch("driftzero")).id());
  }

  @Test
  void enabledOnlyInsideGitHubActions() {
    var source = source(Map.of());
    assertTrue(source.isEnabled(Map.of("GITHUB_ACTIONS", "true")));
    assertFalse(source.isEnabled(Map.of("GITHUB_ACTIONS", "false")));
    assertFalse(source.isEnabled(Map.of()));
    assertEquals("github", source.platform());
  }

  @Test
  void expiryUsesTheInjectedClockNotTheWallClock() throws Exception {
    var source = source(ISSUER.githubRunnerEnv());
    IdToken token = source.fetch("driftzero");
    token.checkNotExpired(Clock.fixed(token.expiresAt().minusSeconds(1), ZoneOffset.UTC));
  }
}
