package io.driftzero.core.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import io.driftzero.core.model.Actor;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GitLabIdTokenSourceTest {
  @RegisterExtension static final OidcIssuer ISSUER = new OidcIssuer();

  private static final String PROJECT = "platform/payments/api";

  private static GitLabIdTokenSource source(Map<String, String> env) {
    return new GitLabIdTokenSource(env, Clock.systemUTC(), null);
  }

  private String token(Map<String, Object> claims) {
    return ISSUER.gitlabToken("driftzero", claims, OidcIssuer.GITLAB_TTL);
  }

  @Test
  void actorIsTheConfigRefUriWhenGitLabSetsIt() throws Exception {
    String jwt = token(ISSUER.gitlabClaims(PROJECT, "branch", "main", true));
    var source = source(OidcIssuer.gitlabRunnerEnv("DZ_ID_TOKEN", jwt, PROJECT));
    IdToken token = source.fetch("driftzero");
    assertTrue(ISSUER.signedBy(OidcIssuer.GITLAB, token.raw()));
    assertEquals(
        new Actor("pipeline",
            ISSUER.issuerAuthority() + "/" + PROJECT + "//.gitlab-ci.yml@refs/heads/main"),
        source.actor(token));
  }

  @Test
  void withoutConfigRefUriTheActorIsHostProjectAndBranch() throws Exception {
    String jwt = token(ISSUER.gitlabClaims(PROJECT, "branch", "release/2.4", false));
    var source = source(OidcIssuer.gitlabRunnerEnv("DZ_ID_TOKEN", jwt, PROJECT));
    assertEquals(ISSUER.issuerAuthority() + "/" + PROJECT + "@refs/heads/release/2.4",
        source.actor(source.fetch("driftzero")).id());
  }

  @Test
  void tagPipelinesUseRefsTags() throws Exception {
    String jwt = token(ISSUER.gitlabClaims(PROJECT, "tag", "v2.4.0", false));
    var source = source(OidcIssuer.gitlabRunnerEnv("DZ_ID_TOKEN", jwt, PROJECT));
    assertEquals(ISSUER.issuerAuthority() + "/" + PROJECT + "@refs/tags/v2.4.0",
        source.actor(source.fetch("driftzero")).id());
  }

  @Test
  void variableNameIsConfigurable() throws Exception {
    String jwt = token(ISSUER.gitlabClaims(PROJECT, "branch", "main", true));
    var env = OidcIssuer.gitlabRunnerEnv("ATTEST_TOKEN", jwt, PROJECT);
    var source = new GitLabIdTokenSource(env, Clock.systemUTC(), "ATTEST_TOKEN");
    assertEquals(jwt, source.fetch("driftzero").raw());
    DzException e = assertThrows(DzException.class, () -> source(env).fetch("driftzero"));
    assertTrue(e.getMessage().startsWith("GitLab CI variable DZ_ID_TOKEN is not set"));
  }

  @Test
  void missingVariableSaysHowToDeclareIdTokens() {
    var source = source(OidcIssuer.gitlabRunnerEnv("DZ_ID_TOKEN", null, PROJECT));
    DzException e = assertThrows(DzException.class, () -> source.fetch("driftzero"));
    assertEquals(Kind.BAD_INPUT, e.kind());
    assertEquals("GitLab CI variable DZ_ID_TOKEN is not set: declare it in the job as "
        + "`id_tokens: { DZ_ID_TOKEN: { aud: driftzero } }`", e.getMessage());
  }

  @Test
  void tokenForAnotherAudienceSaysWhichAudToSet() {
    String jwt = ISSUER.gitlabToken("https://vault.example.com",
        ISSUER.gitlabClaims(PROJECT, "branch", "main", true), OidcIssuer.GITLAB_TTL);
    var source = source(OidcIssuer.gitlabRunnerEnv("DZ_ID_TOKEN", jwt, PROJECT));
    DzException e = assertThrows(DzException.class, () -> source.fetch("driftzero"));
    assertTrue(e.getMessage().contains("is for audience [https://vault.example.com], not "
        + "'driftzero': declare it in the job as `id_tokens: { DZ_ID_TOKEN: { aud: driftzero } }`"),
        e.getMessage());
    Redaction.assertRedacted(e, jwt);
  }

  @Test
  void tokenFromAnotherProjectThanTheJobIsRejected() throws Exception {
    String jwt = token(ISSUER.gitlabClaims("other/project", "branch", "main", true));
    var source = source(OidcIssuer.gitlabRunnerEnv("DZ_ID_TOKEN", jwt, PROJECT));
    IdToken token = source.fetch("driftzero");
    DzException e = assertThrows(DzException.class, () -> source.actor(token));
    assertEquals("ID token from GitLab CI variable DZ_ID_TOKEN is for project 'other/project' "
        + "but this job runs in CI_PROJECT_PATH '" + PROJECT + "'", e.getMessage());
  }

  @Test
  void configRefUriOfAnotherProjectIsInconsistent() throws Exception {
    Map<String, Object> claims = new HashMap<>(ISSUER.gitlabClaims(PROJECT, "branch", "main",
        true));
    claims.put("ci_config_ref_uri",
        ISSUER.issuerAuthority() + "/evil/project//.gitlab-ci.yml@refs/heads/main");
    var source = source(OidcIssuer.gitlabRunnerEnv("DZ_ID_TOKEN", token(claims), PROJECT));
    IdToken token = source.fetch("driftzero");
    DzException e = assertThrows(DzException.class, () -> source.actor(token));
    assertTrue(e.getMessage().contains("is inconsistent: ci_config_ref_uri"), e.getMessage());
  }

  @Test
  void refPathThatDisagreesWithRefIsInconsistent() throws Exception {
    Map<String, Object> claims = new HashMap<>(ISSUER.gitlabClaims(PROJECT, "branch", "main",
        false));
    claims.put("ref_path", "refs/heads/other");
    var source = source(OidcIssuer.gitlabRunnerEnv("DZ_ID_TOKEN", token(claims), PROJECT));
    IdToken token = source.fetch("driftzero");
    DzException e = assertThrows(DzException.class, () -> source.actor(token));
    assertTrue(e.getMessage().contains("ref_path 'refs/heads/other' but ref_type/ref give "
        + "'refs/heads/main'"), e.getMessage());
  }

  @Test
  void tokenWithoutProjectPathIsNotAGitLabJobToken() throws Exception {
    String jwt = ISSUER.issue(OidcIssuer.GITLAB, "someone", java.util.List.of("driftzero"),
        Map.of(), OidcIssuer.GITLAB_TTL);
    var source = source(OidcIssuer.gitlabRunnerEnv("DZ_ID_TOKEN", jwt, PROJECT));
    IdToken token = source.fetch("driftzero");
    DzException e = assertThrows(DzException.class, () -> source.actor(token));
    assertTrue(e.getMessage().contains("has no 'project_path' claim"), e.getMessage());
  }

  @Test
  void expiredTokenSaysToFetchAFreshOne() {
    String jwt = ISSUER.gitlabToken("driftzero",
        ISSUER.gitlabClaims(PROJECT, "branch", "main", true), Duration.ofMinutes(60));
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
    var source = new GitLabIdTokenSource(
        OidcIssuer.gitlabRunnerEnv("DZ_ID_TOKEN", jwt, PROJECT), later, null);
    DzException e = assertThrows(DzException.class, () -> source.fetch("driftzero"));
    assertTrue(e.getMessage().contains("fetch a fresh token; job tokens live 60 minutes"),
        e.getMessage());
    Redaction.assertRedacted(e, jwt);
  }

  @Test
  void malformedVariableNamesTheVariableNotTheValue() {
    String garbage = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl";
    var source = source(OidcIssuer.gitlabRunnerEnv("DZ_ID_TOKEN", garbage, PROJECT));
    DzException e = assertThrows(DzException.class, () -> source.fetch("driftzero"));
    assertEquals(Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().startsWith("ID token from GitLab CI variable DZ_ID_TOKEN is "
        + "malformed"), e.getMessage());
    Redaction.assertRedacted(e, garbage, "secret-payload");
  }

  @Test
  void enabledOnlyInsideGitLabCi() {
    var source = source(Map.of());
    assertTrue(source.isEnabled(Map.of("GITLAB_CI", "true")));
    assertFalse(source.isEnabled(Map.of("CI", "true")));
    assertEquals("gitlab", source.platform());
  }
}
