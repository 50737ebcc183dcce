package io.driftzero.cli.wrappers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import io.driftzero.core.client.DzClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The component's script on its own, as the job runs it ({@code DZ_CREDENTIAL="$(driftzero-attest.sh)"}):
 * DZ_INPUT_* variables in, the credential alone on stdout, everything else on stderr (the job log),
 * the dotenv report on disk, dzctl's exit codes out. GitLabComponentIT runs it inside a pipeline.
 */
class GitLabComponentScriptIT {
  static final Path SCRIPT = GitHubActionEntrypointIT.REPO.resolve("gitlab-component/driftzero-attest.sh");
  static final String ACTOR = "gitlab.example.com/driftzero/driftzero@refs/heads/main";

  @TempDir static Path tmp;
  static DzControlFixture dz;
  static Path project;

  @BeforeAll
  static void start() throws Exception {
    project = Files.createDirectories(tmp.resolve("project"));
    dz = DzControlFixture.start(tmp.resolve("dz-control"), project, jobEnv(), ACTOR);
  }

  @AfterAll
  static void stop() {
    if (dz != null) {
      dz.close();
    }
  }

  @Test
  void printsOnlyTheCredentialOnStdoutAndReportsInACollapsibleSection() throws Exception {
    Map<String, String> env = jobEnv();
    inputs(env);
    Run run = run(env);

    assertEquals(0, run.exitCode(), run::toString);
    SignedJWT jwt = SignedJWT.parse(run.stdout());
    assertEquals(List.of(DzControlFixture.TARGET), jwt.getJWTClaimsSet().getAudience());
    assertFalse(run.stderr().contains(run.stdout()), "the credential is not in the log");
    assertTrue(run.stderr().matches("(?s).*\\e\\[0Ksection_start:\\d+:driftzero_attest\\[collapsed=true]\\r\\e\\[0KDriftZero decision details\\n.*"),
        run::toString);
    assertTrue(run.stderr().matches("(?s).*\\e\\[0Ksection_end:\\d+:driftzero_attest\\r\\e\\[0K\\n.*"), run::toString);
    assertTrue(run.stderr().contains("decision: ISSUED\n"), run::toString);
    assertTrue(run.stderr().contains("verify this decision: dzctl audit verify --server " + dz.url() + " --event "
        + jwt.getJWTClaimsSet().getStringClaim("audit_id") + "\n"), run::toString);
    assertTrue(run.stderr().contains("verify the audit trail: dzctl audit verify --server " + dz.url() + "\n"), run::toString);
    String dotenv = Files.readString(project.resolve("driftzero.env"), UTF_8);
    assertTrue(dotenv.startsWith("DZ_RESULT=ISSUED\nDZ_ATTESTATION_ID="), dotenv);
    assertTrue(dotenv.contains("DZ_AUDIT_ID=" + jwt.getJWTClaimsSet().getStringClaim("audit_id") + "\n"), dotenv);
    assertFalse(dotenv.contains(run.stdout()), "no credential in the dotenv report");
  }

  @Test
  void derivesTheActorOfATagPipelineFromGitLabsVariables() throws Exception {
    Map<String, String> env = jobEnv();
    inputs(env);
    env.put("CI_COMMIT_TAG", "v2.4.0");
    env.put("CI_COMMIT_REF_NAME", "v2.4.0");
    Run run = run(env);

    // The policy allows the main branch only: the tag pipeline's actor is refused, by name.
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("", run.stdout());
    assertTrue(run.stderr().contains("ERROR: DriftZero: DENIED by dz-control (audit_id "), run::toString);
    assertTrue(run.stderr().contains("ACTOR_NOT_ALLOWED: "), run::toString);
    String actor = DzClient.builder(dz.url()).build().allAuditEvents(Map.of()).stream()
        .reduce((a, b) -> b).orElseThrow().actor();
    assertEquals("gitlab.example.com/driftzero/driftzero@refs/tags/v2.4.0", actor);
  }

  @Test
  void keylessWithoutTheIdTokenNamesTheFixAndTheSelfManagedCaveat() throws Exception {
    Map<String, String> env = jobEnv();
    inputs(env);
    env.put("DZ_INPUT_SIGSTORE", "public-good");
    Run run = run(env);

    assertEquals(2, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains("SIGSTORE_ID_TOKEN is not set. Fix: the job needs 'id_tokens: { SIGSTORE_ID_TOKEN: { aud: sigstore } }'"),
        run::toString);
    assertTrue(run.stderr().contains("On self-managed GitLab, public Fulcio does not issue certificates"), run::toString);
  }

  @Test
  void anUnreachableControlPlaneExitsThreeAfterBoundedRetries() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Map<String, String> env = jobEnv();
    inputs(env);
    env.put("DZ_INPUT_CONTROL_PLANE_URL", "http://127.0.0.1:" + port);
    Run run = run(env);

    assertEquals(3, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains("ERROR: DriftZero: dzctl attest failed (dzctl exit 3): dzctl: Failed to reach dz-control"),
        run::toString);
    assertTrue(run.took().compareTo(Duration.ofSeconds(60)) < 0, "bounded: " + run.took());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "DZ_INPUT_TTL_SECONDS|15m|input ttl-seconds is '15m', not a whole number of seconds",
      "DZ_INPUT_SIGSTORE|staging|input sigstore is 'staging': use public-good, custom or off",
      "DZ_INPUT_FAIL_ON_DENY|yes|input fail-on-deny is 'yes': use true or false",
      "DZ_INPUT_TARGET|''|inputs scope and target go together"})
  void badInputsAreRefusedBeforeAnythingIsAttested(String variable, String value, String message) throws Exception {
    long before = DzClient.builder(dz.url()).build().allAuditEvents(Map.of()).size();
    Map<String, String> env = jobEnv();
    inputs(env);
    env.put(variable, value);
    Run run = run(env);

    assertEquals(2, run.exitCode(), run::toString);
    assertEquals("", run.stdout());
    assertTrue(run.stderr().startsWith("ERROR: DriftZero: " + message), run::toString);
    assertEquals(before, DzClient.builder(dz.url()).build().allAuditEvents(Map.of()).size());
  }

  static Run run(Map<String, String> env) throws Exception {
    return Run.of(List.of("bash", SCRIPT.toString()), project, env, Duration.ofSeconds(120));
  }

  /** What GitLab gives a job on the main branch of driftzero/driftzero (the parts dzctl reads). */
  static Map<String, String> jobEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/local/bin:/usr/bin:/bin");
    env.put("HOME", tmp.toString());
    env.put("LANG", "C.UTF-8");
    env.put("CI", "true");
    env.put("GITLAB_CI", "true");
    env.put("CI_SERVER_HOST", "gitlab.example.com");
    env.put("CI_SERVER_FQDN", "gitlab.example.com");
    env.put("CI_PROJECT_PATH", "driftzero/driftzero");
    env.put("CI_COMMIT_REF_NAME", "main");
    env.put("CI_PROJECT_DIR", project == null ? tmp.toString() : project.toString());
    env.put("DZCTL_JAR", GitHubActionEntrypointIT.JAR.toString());
    return env;
  }

  /** The component's variables block with the inputs a deploy job sets. */
  static void inputs(Map<String, String> env) {
    env.put("DZ_INPUT_CONTROL_PLANE_URL", dz.url());
    env.put("DZ_INPUT_POLICY", DzControlFixture.POLICY);
    env.put("DZ_INPUT_MANIFEST", ".driftzero/manifest.yaml");
    env.put("DZ_INPUT_SCOPE", DzControlFixture.SCOPE);
    env.put("DZ_INPUT_TARGET", DzControlFixture.TARGET);
    env.put("DZ_INPUT_TTL_SECONDS", "600");
    env.put("DZ_INPUT_SIGSTORE", "off");
    env.put("DZ_INPUT_KEY", ".driftzero/agent-key.pem");
    env.put("DZ_INPUT_TPM", "none");
    env.put("DZ_INPUT_FAIL_ON_DENY", "true");
  }
}
