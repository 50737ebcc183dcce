package io.driftzero.core.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IdTokenSourcesTest {
  @RegisterExtension static final OidcIssuer ISSUER = new OidcIssuer();

  private static final IdTokenSources.Options DEFAULTS =
      IdTokenSources.Options.defaults(Clock.systemUTC());

  @Test
  void detectsGitHubActionsAndFetchesEndToEnd() throws Exception {
    IdTokenSource source = IdTokenSources.detect(ISSUER.githubRunnerEnv(), DEFAULTS);
    assertInstanceOf(GitHubActionsIdTokenSource.class, source);
    IdToken token = source.fetch("driftzero");
    assertEquals("github.com/octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main",
        source.actor(token).id());
  }

  @Test
  void detectsGitLabCiAndReadsTheConfiguredVariable() throws Exception {
    String project = "platform/api";
    String jwt = ISSUER.gitlabToken("driftzero",
        ISSUER.gitlabClaims(project, "branch", "main", true), OidcIssuer.GITLAB_TTL);
    var env = OidcIssuer.gitlabRunnerEnv("ATTEST_ID_TOKEN", jwt, project);
    IdTokenSource source =
        IdTokenSources.detect(env, DEFAULTS.withGitLabVariable("ATTEST_ID_TOKEN"));
    assertInstanceOf(GitLabIdTokenSource.class, source);
    assertEquals(ISSUER.issuerAuthority() + "/platform/api//.gitlab-ci.yml@refs/heads/main",
        source.actor(source.fetch("driftzero")).id());
  }

  @Test
  void detectsJenkins() throws Exception {
    String job = "https://ci.example.com/job/app/";
    Map<String, String> env =
        new HashMap<>(OidcIssuer.jenkinsBuildEnv("https://ci.example.com/", job, 3));
    env.put(JenkinsIdTokenSource.TOKEN_VAR,
        ISSUER.jenkinsToken("driftzero", job, 3, OidcIssuer.JENKINS_TTL));
    IdTokenSource source = IdTokenSources.detect(env, DEFAULTS);
    assertInstanceOf(JenkinsIdTokenSource.class, source);
    assertEquals("ci.example.com/job/app", source.actor(source.fetch("driftzero")).id());
  }

  @Test
  void explicitChoiceOverridesDetection() throws Exception {
    Map<String, String> env = new HashMap<>(ISSUER.githubRunnerEnv());
    env.put("JENKINS_URL", "https://ci.example.com/");
    assertInstanceOf(JenkinsIdTokenSource.class,
        IdTokenSources.detect(env, DEFAULTS.withChoice("jenkins")));
    assertInstanceOf(GitHubActionsIdTokenSource.class, IdTokenSources.detect(env, DEFAULTS));
    assertInstanceOf(FileIdTokenSource.class,
        IdTokenSources.detect(env, DEFAULTS.withChoice("file:/run/secrets/id-token")));
    IdTokenSource fromEnv = IdTokenSources.detect(env, DEFAULTS.withChoice("env:MY_TOKEN"));
    assertInstanceOf(EnvIdTokenSource.class, fromEnv);
    assertEquals("env", fromEnv.platform());
  }

  @Test
  void nothingDetectedListsTheChoices() {
    DzException e = assertThrows(DzException.class,
        () -> IdTokenSources.detect(Map.of("CI", "true", "HOME", "/root"), DEFAULTS));
    assertEquals(Kind.BAD_INPUT, e.kind());
    assertEquals("No CI identity detected (looked for GITHUB_ACTIONS=true, GITLAB_CI=true, "
        + "JENKINS_URL): choose a source explicitly: github | gitlab | jenkins | file:PATH | "
        + "env:VAR", e.getMessage());
  }

  @Test
  void unknownChoiceListsTheChoices() {
    for (String choice : new String[] {"circleci", "file:", "env:"}) {
      DzException e = assertThrows(DzException.class,
          () -> IdTokenSources.detect(Map.of(), DEFAULTS.withChoice(choice)));
      assertEquals("Unknown identity source '" + choice + "': choose one of "
          + IdTokenSources.CHOICES, e.getMessage());
    }
  }

  @Test
  void gitHubJobWithoutIdTokenPermissionIsDetectedButSaysHowToFix() {
    Map<String, String> env = new HashMap<>(ISSUER.githubRunnerEnv());
    env.remove(GitHubActionsIdTokenSource.REQUEST_URL);
    env.remove(GitHubActionsIdTokenSource.REQUEST_TOKEN);
    IdTokenSource source = assertDoesNotThrowDetect(env);
    DzException e = assertThrows(DzException.class, () -> source.fetch("driftzero"));
    assertTrue(e.getMessage().contains("add `permissions: id-token: write` to the job"));
  }

  @Test
  void httpPolicyIsPassedToTheGitHubSource() {
    var policy = new HttpPolicy(Duration.ofMillis(200), Duration.ofMillis(200), 2,
        Duration.ofMillis(1), Duration.ofMillis(1));
    ISSUER.failNextGitHubRequests(5, 503);
    try {
      DzException e = assertThrows(DzException.class,
          () -> IdTokenSources.detect(ISSUER.githubRunnerEnv(), DEFAULTS.withHttp(policy))
              .fetch("driftzero"));
      assertTrue(e.getMessage().contains("after 2 attempts"), e.getMessage());
    } finally {
      ISSUER.failNextGitHubRequests(0, 503);
    }
  }

  @Test
  void httpPolicyRejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new HttpPolicy(Duration.ZERO,
        Duration.ZERO, 0, Duration.ZERO, Duration.ZERO));
    assertEquals(Duration.ofSeconds(2), HttpPolicy.DEFAULTS.backoffAfter(10));
    assertEquals(Duration.ofMillis(1000), HttpPolicy.DEFAULTS.backoffAfter(2));
  }

  private static IdTokenSource assertDoesNotThrowDetect(Map<String, String> env) {
    try {
      return IdTokenSources.detect(env, DEFAULTS);
    } catch (DzException e) {
      throw new AssertionError("detect failed: " + e.getMessage(), e);
    }
  }
}
