package io.driftzero.cli.wrappers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.nimbusds.jwt.SignedJWT;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.oidc.OidcIssuer;
import io.driftzero.core.sigstore.SigstoreStack;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs the shipped {@code github-action/entrypoint.sh} exactly as the runner runs a Docker action's
 * entrypoint: real bash, the real dzctl fat jar, inputs only as {@code INPUT_*} variables (defaults
 * taken from action.yml, as the runner does), {@code GITHUB_*} files for outputs, env and summary,
 * the OIDC token endpoint of a real issuer — against a real dz-control. Everything below the image is
 * tested; the image build itself needs a Docker engine (see Dockerfile).
 */
class GitHubActionEntrypointIT {
  static final Path REPO = Path.of(System.getProperty("driftzero.repo", "..")).toAbsolutePath().normalize();
  static final Path SCRIPT = REPO.resolve("github-action/entrypoint.sh");
  static final Path JAR = Path.of(System.getProperty("driftzero.jar", "target/dzctl.jar")).toAbsolutePath();
  static final Duration LIMIT = Duration.ofSeconds(120);
  static final Pattern DELIMITED = Pattern.compile("(?m)^([^\\n<]+)<<(ghadelimiter_[0-9a-f]{32})\\n(.*?)\\n\\2$", Pattern.DOTALL);

  @RegisterExtension static final OidcIssuer OIDC = new OidcIssuer();
  @TempDir static Path tmp;
  static DzControlFixture dz;
  static Path workspace;

  @BeforeAll
  static void startDzControl() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "build the fat jar first (mvn package): " + JAR);
    workspace = Files.createDirectories(tmp.resolve("workspace"));
    Map<String, String> env = new ActionRun("measure").env;
    dz = DzControlFixture.start(tmp.resolve("dz-control"), workspace, env, "github.com/" + env.get("GITHUB_WORKFLOW_REF"));
  }

  @AfterAll
  static void stop() {
    if (dz != null) {
      dz.close();
    }
  }

  @Test
  void issuesTheCredentialMaskedAndHandsItToLaterStepsOnly() throws Exception {
    ActionRun job = new ActionRun("issued").keyBased().credential(DzControlFixture.SCOPE, DzControlFixture.TARGET, "600");
    Run run = job.run();

    assertEquals(0, run.exitCode(), run::toString);
    Map<String, String> out = job.outputs();
    assertEquals("ISSUED", out.get("result"), run::toString);
    assertTrue(out.get("attestation-id").matches("[0-9a-f-]{36}"), out::toString);
    assertTrue(out.get("audit-id").matches("[0-9a-f-]{36}"), out::toString);
    assertTrue(out.get("credential-expires-at").matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), out::toString);
    assertEquals("", out.get("rekor-uuid"));
    assertEquals("", out.get("rekor-log-index"));
    assertEquals(Set.of("result", "attestation-id", "audit-id", "rekor-uuid", "rekor-log-index", "credential-expires-at"),
        out.keySet(), "every output declared in action.yml, and only those");

    Map<String, String> exported = job.exportedEnv();
    String token = exported.get("DZ_CREDENTIAL");
    SignedJWT jwt = SignedJWT.parse(token);
    assertEquals(List.of(DzControlFixture.TARGET), jwt.getJWTClaimsSet().getAudience());
    assertEquals(DzControlFixture.SCOPE, jwt.getJWTClaimsSet().getStringClaim("scope"));
    assertEquals(out.get("credential-expires-at"), exported.get("DZ_CREDENTIAL_EXPIRES_AT"));
    assertEquals(out.get("audit-id"), jwt.getJWTClaimsSet().getStringClaim("audit_id"));

    assertMaskedBeforeUse(run, token);

    assertTrue(run.stdout().contains("::notice title=DriftZero::credential ISSUED for scope 'deploy' on '"
        + DzControlFixture.TARGET + "'"), run::toString);
    String summary = Files.readString(job.summary, UTF_8);
    assertTrue(summary.contains("## ✅ DriftZero: ISSUED"), summary);
    assertTrue(summary.contains("| Policy | `" + DzControlFixture.POLICY + "` |"), summary);
    assertTrue(summary.contains("| Manifest | `.driftzero/manifest.yaml` |"), summary);
    assertTrue(summary.contains("| TTL | 600 s |"), summary);
    assertTrue(summary.contains("| Audit event | `" + out.get("audit-id") + "` |"), summary);
    assertTrue(summary.contains("| Rekor log index | not logged (sigstore: off) |"), summary);
    assertTrue(summary.contains("None: every check passed."), summary);
    assertEquals(List.of("dzctl audit verify --server " + dz.url() + " --event " + out.get("audit-id"),
        "dzctl audit verify --server " + dz.url()), auditorCommands(summary));
    for (String command : auditorCommands(summary)) {
      Run verify = dzctl(command);
      assertEquals(0, verify.exitCode(), () -> command + " -> " + verify);
    }
    assertFalse(summary.contains("{{"), "every placeholder filled: " + summary);
    assertFalse(summary.contains(token), "no credential in the summary");
  }

  @Test
  void keylessAgainstAPrivateSigstoreInstanceLogsAndLinksTheRekorEntry() throws Exception {
    // The job token comes from the runner's token endpoint (the OIDC fixture), Fulcio and Rekor from
    // the local Sigstore stack; dz-control verifies the bundle offline against the stack's root.
    String subject = "https://github.com/" + OIDC.githubRunnerEnv().get("GITHUB_WORKFLOW_REF");
    try (SigstoreStack stack = SigstoreStack.start();
         DzControlFixture keyless = DzControlFixture.start(tmp.resolve("dz-control-keyless"), tmp.resolve("keyless-ws"),
             new ActionRun("measure-keyless").env, "github.com/" + OIDC.githubRunnerEnv().get("GITHUB_WORKFLOW_REF"),
             new DzControlFixture.Keyless(stack.trustedRoot(), OIDC.issuerUrl(OidcIssuer.GITHUB), subject))) {
      ActionRun job = new ActionRun("keyless").credential(DzControlFixture.SCOPE, DzControlFixture.TARGET, "300")
          .input("control-plane-url", keyless.url())
          .input("manifest", keyless.manifestFile.toString())
          .input("sigstore", "custom")
          .input("trusted-root", stack.trustedRoot().toString())
          .input("signing-config", stack.signingConfig().toString())
          .input("sigstore-truststore", stack.truststore().toString());
      job.env.put("DZ_SIGSTORE_TRUSTSTORE_PASSWORD", stack.truststorePassword());
      Run run = job.run();

      assertEquals(0, run.exitCode(), run::toString);
      Map<String, String> out = job.outputs();
      assertEquals("ISSUED", out.get("result"), run::toString);
      assertTrue(out.get("rekor-uuid").matches("[0-9a-f]{64}"), out::toString);
      assertTrue(out.get("rekor-log-index").matches("\\d+"), out::toString);
      String entry = stack.rekorUrl().replaceAll("/+$", "") + "/api/v1/log/entries/" + out.get("rekor-uuid");
      List<String> lines = run.stdout().lines().toList();
      assertTrue(lines.contains("rekor_log_index: " + out.get("rekor-log-index")), run::toString);
      assertTrue(lines.contains("rekor_uuid: " + out.get("rekor-uuid")), run::toString);
      assertTrue(lines.contains("rekor_entry: " + entry), run::toString);
      String summary = Files.readString(job.summary, UTF_8);
      assertTrue(summary.contains("| Rekor log index | [" + out.get("rekor-log-index") + "](" + entry + ") |"), summary);
      assertTrue(summary.contains("| Rekor UUID | " + out.get("rekor-uuid") + " |"), summary);
      assertMaskedBeforeUse(run, job.exportedEnv().get("DZ_CREDENTIAL"));
      assertFalse(run.log().contains(stack.truststorePassword()), "no trust store password in the log");
      // The auditor's command for this decision checks the bundle offline against the given root.
      String event = auditorCommands(summary).get(0);
      assertEquals("dzctl audit verify --server " + keyless.url() + " --event " + out.get("audit-id")
          + " --trusted-root " + stack.trustedRoot(), event);
      Run verify = dzctl(event);
      assertEquals(0, verify.exitCode(), () -> event + " -> " + verify);
      assertTrue(verify.stdout().contains("signed by " + subject), verify::toString);
    }
  }

  @Test
  void attestOnlyWithoutScopeAndTargetReportsAccepted() throws Exception {
    ActionRun job = new ActionRun("attest-only").keyBased();
    Run run = job.run();

    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("ACCEPTED", job.outputs().get("result"));
    assertEquals("", job.outputs().get("credential-expires-at"));
    assertEquals("", Files.readString(job.envFile, UTF_8), "nothing exported");
    assertTrue(run.stdout().contains("::notice title=DriftZero::attestation ACCEPTED under " + DzControlFixture.POLICY), run::toString);
    assertTrue(Files.readString(job.summary, UTF_8).contains("| Credential | none requested (no scope/target) |"));
  }

  @Test
  void aDeniedCredentialFailsTheStepByDefaultNamingEveryReason() throws Exception {
    ActionRun job = new ActionRun("denied").keyBased().credential(DzControlFixture.SCOPE, "aws-prod-account-9999", "3600");
    Run run = job.run();

    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("DENIED", job.outputs().get("result"));
    assertEquals("", Files.readString(job.envFile, UTF_8), "no credential exported on denial");
    String error = errorAnnotation(run);
    assertTrue(error.startsWith("DENIED by dz-control (audit_id " + job.outputs().get("audit-id") + "): "), error);
    assertTrue(error.contains("TARGET_NOT_ALLOWED: "), error);
    assertTrue(error.contains("TTL_EXCEEDS_MAX: "), error);
    String summary = Files.readString(job.summary, UTF_8);
    assertTrue(summary.contains("## ⛔ DriftZero: DENIED"), summary);
    assertTrue(summary.contains("- `TARGET_NOT_ALLOWED`: target 'aws-prod-account-9999'"), summary);
    assertTrue(summary.contains("- `TTL_EXCEEDS_MAX`: "), summary);
  }

  @Test
  void aDeniedAttestationWithFailOnDenyFalseSucceedsWithResultDenied() throws Exception {
    ActionRun job = new ActionRun("denied-soft").keyBased().credential(DzControlFixture.SCOPE, DzControlFixture.TARGET, "600")
        .input("fail-on-deny", "false");
    // Another workflow of the same repository: the key may speak for it, the policy does not allow it.
    job.env.put("GITHUB_WORKFLOW_REF", "octo-org/octo-repo/.github/workflows/experiment.yml@refs/heads/main");
    Run run = job.run();

    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("DENIED", job.outputs().get("result"));
    assertTrue(job.outputs().get("attestation-id").matches("[0-9a-f-]{36}"));
    assertEquals("", Files.readString(job.envFile, UTF_8));
    assertTrue(run.stdout().contains("::warning title=DriftZero::DENIED by dz-control (audit_id "), run::toString);
    assertTrue(run.stdout().contains("continuing because fail-on-deny is false: ACTOR_NOT_ALLOWED: "), run::toString);
    assertFalse(run.stdout().contains("::error"), run::toString);
    assertFalse(run.stdout().contains("DriftZero credential:"), "no credential asked after a denied attestation");
  }

  @Test
  void keylessSigningWithoutIdTokenPermissionFailsWithTheExactFix() throws Exception {
    long eventsBefore = auditEvents();
    ActionRun job = new ActionRun("no-id-token").credential(DzControlFixture.SCOPE, DzControlFixture.TARGET, "600");
    job.env.remove("ACTIONS_ID_TOKEN_REQUEST_URL");
    job.env.remove("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
    assertEquals("public-good", job.inputs.get("sigstore"), "keyless is the action's default");
    Run run = job.run();

    assertEquals(2, run.exitCode(), run::toString);
    String error = errorAnnotation(run);
    assertTrue(error.contains("GitHub gave the job none (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set)"), error);
    assertTrue(error.contains("Fix: add 'permissions: id-token: write' to this job"), error);
    assertEquals(eventsBefore, auditEvents(), "nothing reached dz-control");
  }

  @Test
  void anUnreachableControlPlaneFailsClearlyAfterBoundedRetries() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort;
    ActionRun job = new ActionRun("unreachable").keyBased().credential(DzControlFixture.SCOPE, DzControlFixture.TARGET, "600")
        .input("control-plane-url", url);
    Run run = job.run();

    assertEquals(3, run.exitCode(), run::toString);
    String error = errorAnnotation(run);
    assertTrue(error.startsWith("dzctl attest failed (dzctl exit 3): dzctl: Failed to reach dz-control at GET " + url + "/v1/nonce"), error);
    assertTrue(error.contains("after 4 attempts"), error);
    assertTrue(error.contains("check --server / DZ_CONTROL_URL"), error);
    assertTrue(run.took().compareTo(Duration.ofSeconds(60)) < 0, "bounded: " + run.took());
    assertEquals("", Files.readString(job.outputFile, UTF_8), "no outputs from a failed step");
  }

  @Test
  void theTpmInputReachesDzctlWhichNamesTheTpmItCouldNotUse() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    ActionRun job = new ActionRun("tpm-down").keyBased().input("tpm", "swtpm:127.0.0.1:" + closedPort);
    Run run = job.run();
    assertNotEquals(0, run.exitCode(), run::toString);
    assertTrue(errorAnnotation(run).contains("127.0.0.1:" + closedPort), run::toString);

    Run bad = new ActionRun("tpm-bad").keyBased().input("tpm", "tpm0").run();
    assertEquals(2, bad.exitCode(), bad::toString);
    assertTrue(errorAnnotation(bad).contains("Invalid --tpm value 'tpm0'"), bad::toString);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "ttl-seconds|15m|input ttl-seconds is '15m', not a whole number of seconds: use e.g. ttl-seconds: 900",
      "sigstore|keyless|input sigstore is 'keyless': use public-good, staging, custom or off",
      "fail-on-deny|yes|input fail-on-deny is 'yes': use true or false",
      "credential-env-var|1TOKEN|input credential-env-var '1TOKEN' is not a valid environment variable name",
      "target|''|inputs scope and target go together: set both to request a credential, or neither to attest only",
      "manifest|''|input manifest is empty"})
  void badInputsAreRefusedBeforeAnythingIsAttested(String input, String value, String message) throws Exception {
    long eventsBefore = auditEvents();
    ActionRun job = new ActionRun("bad-" + input).keyBased().credential(DzControlFixture.SCOPE, DzControlFixture.TARGET, "600")
        .input(input, value);
    Run run = job.run();

    assertEquals(2, run.exitCode(), run::toString);
    assertTrue(errorAnnotation(run).startsWith(message), run::toString);
    assertEquals(eventsBefore, auditEvents(), "a bad input leaves no attestation behind");
  }

  // ---- helpers ----

  /** The credential shows up only in its own ::add-mask:: line (raw and base64) and in GITHUB_ENV. */
  static void assertMaskedBeforeUse(Run run, String token) {
    String b64 = Base64.getEncoder().encodeToString(token.getBytes(UTF_8));
    List<String> lines = run.log().lines().toList();
    List<String> mentioning = lines.stream().filter(l -> l.contains(token) || l.contains(b64)).toList();
    assertEquals(List.of("::add-mask::" + token, "::add-mask::" + b64), mentioning, "the token appears only in its mask commands");
    int firstMask = lines.indexOf("::add-mask::" + token);
    int firstCredentialLine = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("DriftZero credential:")) {
        firstCredentialLine = i;
        break;
      }
    }
    assertTrue(firstMask >= 0 && firstMask < firstCredentialLine, "masked before anything reports on the credential");
  }

  /** The commands in the summary's "Verify independently" code block. */
  static List<String> auditorCommands(String summary) {
    Matcher m = Pattern.compile("(?s)```sh\\n(.*?)\\n```").matcher(summary);
    assertTrue(m.find(), summary);
    return m.group(1).lines().toList();
  }

  /** Runs a `dzctl …` command line from the summary with the shipped jar, as an auditor would. */
  static Run dzctl(String commandLine) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    cmd.addAll(List.of(commandLine.substring("dzctl ".length()).split(" ")));
    return Run.of(cmd, workspace, Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.toString()), LIMIT);
  }

  static String errorAnnotation(Run run) {
    Matcher m = Pattern.compile("(?m)^::error title=DriftZero::(.*)$").matcher(run.stdout());
    assertTrue(m.find(), () -> "no ::error:: annotation in " + run);
    return m.group(1);
  }

  static long auditEvents() throws Exception {
    return DzClient.builder(dz.url()).build().allAuditEvents(Map.of()).size();
  }

  /** Inputs as action.yml declares them with their defaults (what the runner sets when `with:` omits one). */
  static Map<String, String> actionDefaults() throws IOException {
    JsonNode action = new YAMLMapper().readTree(REPO.resolve("github-action/action.yml").toFile());
    Map<String, String> defaults = new LinkedHashMap<>();
    action.get("inputs").fields().forEachRemaining(e -> defaults.put(e.getKey(), e.getValue().path("default").asText("")));
    return defaults;
  }

  /** One step run: runner-like environment, inputs, and the runner's command files. */
  static final class ActionRun {
    final Map<String, String> env = new TreeMap<>();
    final Map<String, String> inputs;
    final Path outputFile;
    final Path envFile;
    final Path summary;

    ActionRun(String name) throws IOException {
      Path dir = Files.createDirectories(tmp.resolve("runs").resolve(name));
      Path runnerTemp = Files.createDirectories(dir.resolve("runner-temp"));
      outputFile = Files.createFile(dir.resolve("github_output"));
      envFile = Files.createFile(dir.resolve("github_env"));
      summary = Files.createFile(dir.resolve("step_summary"));
      inputs = actionDefaults();
      env.putAll(OIDC.githubRunnerEnv());
      // The JRE of this test first, so runtime.java measures the same as when the manifest was made.
      env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/local/bin:/usr/bin:/bin");
      env.put("HOME", dir.toString());
      env.put("LANG", "C.UTF-8");
      env.put("GITHUB_WORKSPACE", workspace == null ? dir.toString() : workspace.toString());
      env.put("GITHUB_RUN_ID", "7318942735");
      env.put("GITHUB_SHA", "4e9b7dbc7e42626ca4f4676ad91f17951f97af9a");
      env.put("GITHUB_OUTPUT", outputFile.toString());
      env.put("GITHUB_ENV", envFile.toString());
      env.put("GITHUB_STEP_SUMMARY", summary.toString());
      env.put("RUNNER_TEMP", runnerTemp.toString());
      env.put("DZCTL_JAR", JAR.toString());
      if (dz != null) {
        input("control-plane-url", dz.url());
        input("policy", DzControlFixture.POLICY);
      }
    }

    ActionRun input(String name, String value) {
      inputs.put(name, value);
      return this;
    }

    ActionRun keyBased() {
      return input("sigstore", "off").input("key", ".driftzero/agent-key.pem");
    }

    ActionRun credential(String scope, String target, String ttl) {
      return input("scope", scope).input("target", target).input("ttl-seconds", ttl);
    }

    Run run() throws IOException, InterruptedException {
      Map<String, String> all = new TreeMap<>(env);
      inputs.forEach((k, v) -> all.put("INPUT_" + k.replace(' ', '_').toUpperCase(java.util.Locale.ROOT), v));
      return Run.of(List.of("bash", SCRIPT.toString()), workspace, all, LIMIT);
    }

    Map<String, String> outputs() throws IOException {
      return delimited(outputFile);
    }

    Map<String, String> exportedEnv() throws IOException {
      return delimited(envFile);
    }

    /** Parses the runner's multi-line form, insisting on a fresh random delimiter per value. */
    static Map<String, String> delimited(Path file) throws IOException {
      String text = Files.readString(file, UTF_8);
      Matcher m = DELIMITED.matcher(text);
      Map<String, String> values = new LinkedHashMap<>();
      Set<String> delimiters = new HashSet<>();
      List<String> order = new ArrayList<>();
      int end = 0;
      while (m.find()) {
        assertEquals(end, m.start(), "nothing but NAME<<DELIMITER blocks in " + file + ":\n" + text);
        assertTrue(delimiters.add(m.group(2)), "delimiter reused in " + file);
        values.put(m.group(1), m.group(3));
        order.add(m.group(1));
        end = m.end() + 1;
      }
      assertEquals(text.length(), Math.min(end, text.length()), "unparsed tail in " + file + ":\n" + text);
      assertNotEquals(null, order);
      return values;
    }
  }
}
