package io.driftzero.core.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import io.driftzero.core.model.Actor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class JenkinsIdTokenSourceTest {
  @RegisterExtension static final OidcIssuer ISSUER = new OidcIssuer();

  private static final String ROOT = "https://ci.example.com/";
  private static final String JOB_URL = ROOT + "job/platform/job/deploy/";

  private Map<String, String> env(String jwt) {
    Map<String, String> env = new HashMap<>(OidcIssuer.jenkinsBuildEnv(ROOT, JOB_URL, 42));
    env.put(JenkinsIdTokenSource.TOKEN_VAR, jwt);
    return env;
  }

  private static JenkinsIdTokenSource source(Map<String, String> env) {
    return new JenkinsIdTokenSource(env, Clock.systemUTC());
  }

  @Test
  void tokenFromTheVariableGivesTheJobUrlActor() throws Exception {
    String jwt = ISSUER.jenkinsToken("driftzero", JOB_URL, 42, OidcIssuer.JENKINS_TTL);
    var source = source(env(jwt));
    IdToken token = source.fetch("driftzero");
    assertTrue(ISSUER.signedBy(OidcIssuer.JENKINS, token.raw()));
    assertEquals(new Actor("pipeline", "ci.example.com/job/platform/job/deploy"),
        source.actor(token));
  }

  @Test
  void tokenFromTheFileGivesTheSameActor(@TempDir Path dir) throws Exception {
    String jwt = ISSUER.jenkinsToken("driftzero", JOB_URL, 42, OidcIssuer.JENKINS_TTL);
    Path file = dir.resolve("id-token");
    Files.writeString(file, jwt + "\n", StandardCharsets.UTF_8);
    Map<String, String> env = new HashMap<>(OidcIssuer.jenkinsBuildEnv(ROOT, JOB_URL, 42));
    env.put(JenkinsIdTokenSource.TOKEN_FILE_VAR, file.toString());
    var source = source(env);
    IdToken token = source.fetch("driftzero");
    assertEquals(jwt, token.raw());
    assertEquals("Jenkins ID token file " + file, token.source());
    assertEquals("ci.example.com/job/platform/job/deploy", source.actor(token).id());
  }

  @Test
  void portAndContextPathAreKept() throws Exception {
    String root = "http://jenkins.internal:8080/jenkins/";
    String job = root + "job/app/";
    String jwt = ISSUER.jenkinsToken("driftzero", job, 7, OidcIssuer.JENKINS_TTL);
    Map<String, String> env = new HashMap<>(OidcIssuer.jenkinsBuildEnv(root, job, 7));
    env.put(JenkinsIdTokenSource.TOKEN_VAR, jwt);
    var source = source(env);
    assertEquals("jenkins.internal:8080/jenkins/job/app",
        source.actor(source.fetch("driftzero")).id());
  }

  @Test
  void noTokenSaysHowToBindTheOidcProviderCredential() {
    var source = source(OidcIssuer.jenkinsBuildEnv(ROOT, JOB_URL, 42));
    DzException e = assertThrows(DzException.class, () -> source.fetch("driftzero"));
    assertEquals(Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("create an oidc-provider 'OpenID Connect id token' "
        + "credential with audience 'driftzero'"), e.getMessage());
    assertTrue(e.getMessage().contains("variable: 'DZ_JENKINS_ID_TOKEN'"), e.getMessage());
  }

  @Test
  void missingTokenFileIsNamed(@TempDir Path dir) {
    Map<String, String> env = new HashMap<>(OidcIssuer.jenkinsBuildEnv(ROOT, JOB_URL, 42));
    env.put(JenkinsIdTokenSource.TOKEN_FILE_VAR, dir.resolve("absent").toString());
    DzException e = assertThrows(DzException.class, () -> source(env).fetch("driftzero"));
    assertTrue(e.getMessage().startsWith("ID token file " + dir.resolve("absent")
        + " does not exist"), e.getMessage());
  }

  @Test
  void tokenOfAnotherJobIsRejected() throws Exception {
    String jwt = ISSUER.jenkinsToken("driftzero", ROOT + "job/other/", 42,
        OidcIssuer.JENKINS_TTL);
    var source = source(env(jwt));
    IdToken token = source.fetch("driftzero");
    DzException e = assertThrows(DzException.class, () -> source.actor(token));
    assertTrue(e.getMessage().contains("but this build's JOB_URL is '" + JOB_URL + "'"),
        e.getMessage());
    Redaction.assertRedacted(e, jwt);
  }

  @Test
  void tokenOfAnotherBuildIsRejected() throws Exception {
    String jwt = ISSUER.jenkinsToken("driftzero", JOB_URL, 41, OidcIssuer.JENKINS_TTL);
    var source = source(env(jwt));
    IdToken token = source.fetch("driftzero");
    DzException e = assertThrows(DzException.class, () -> source.actor(token));
    assertTrue(e.getMessage().contains("was issued to build #41, not to this build #42"),
        e.getMessage());
  }

  @Test
  void tokenOfAnotherJenkinsIsRejected() throws Exception {
    String job = "https://other-ci.example.com/job/platform/job/deploy/";
    String jwt = ISSUER.jenkinsToken("driftzero", job, 42, OidcIssuer.JENKINS_TTL);
    Map<String, String> env = env(jwt);
    env.remove("JOB_URL");
    var source = source(env);
    IdToken token = source.fetch("driftzero");
    DzException e = assertThrows(DzException.class, () -> source.actor(token));
    assertTrue(e.getMessage().contains("which is not on this Jenkins"), e.getMessage());
  }

  @Test
  void customisedSubjectThatIsNotAJobUrlSaysToKeepTheTemplate() throws Exception {
    String jwt = ISSUER.issue(OidcIssuer.JENKINS, "deploy-bot", java.util.List.of("driftzero"),
        Map.of("build_number", 42), OidcIssuer.JENKINS_TTL);
    var source = source(env(jwt));
    IdToken token = source.fetch("driftzero");
    DzException e = assertThrows(DzException.class, () -> source.actor(token));
    assertTrue(e.getMessage().contains("has sub 'deploy-bot', not a job URL: keep the "
        + "oidc-provider build claim template sub = ${JOB_URL}"), e.getMessage());
  }

  @Test
  void expiredTokenSaysToFetchAFreshOne() {
    String jwt = ISSUER.jenkinsToken("driftzero", JOB_URL, 42, Duration.ofMinutes(60));
    var source = new JenkinsIdTokenSource(env(jwt),
        Clock.offset(Clock.systemUTC(), Duration.ofMinutes(61)));
    DzException e = assertThrows(DzException.class, () -> source.fetch("driftzero"));
    assertTrue(e.getMessage().contains("fetch a fresh token; job tokens live 60 minutes"),
        e.getMessage());
    Redaction.assertRedacted(e, jwt);
  }

  @Test
  void wrongAudienceSaysWhichCredentialSettingToChange() {
    String jwt = ISSUER.jenkinsToken("aws", JOB_URL, 42, OidcIssuer.JENKINS_TTL);
    DzException e = assertThrows(DzException.class, () -> source(env(jwt)).fetch("driftzero"));
    assertTrue(e.getMessage().contains("set Audience to 'driftzero' on the oidc-provider"),
        e.getMessage());
  }

  @Test
  void enabledWhenJenkinsUrlIsSet() {
    var source = source(Map.of());
    assertTrue(source.isEnabled(Map.of("JENKINS_URL", ROOT)));
    assertFalse(source.isEnabled(Map.of("JENKINS_URL", " ")));
    assertEquals("jenkins", source.platform());
  }
}
