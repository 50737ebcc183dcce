package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.measure.SystemProbe;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.report.AttestSummary;
import io.driftzero.core.run.AttestRun;
import io.driftzero.core.sign.EcKeys;
import io.driftzero.core.sign.SigningSetup;
import io.driftzero.core.sigstore.BundleVerifier;
import io.driftzero.core.sigstore.GitHubOidcIssuer;
import io.driftzero.core.sigstore.SigstoreStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The use case the Jenkins plug-in runs on a build agent, end to end against a real dz-control and the
 * local Sigstore stack: a Jenkins-shaped environment (JENKINS_URL, JOB_URL, BUILD_NUMBER and the
 * oidc-provider token in DZ_JENKINS_ID_TOKEN), keyless on a private instance and key-based with a key
 * held in memory (as a Jenkins credential hands it over), then the credential exchange and a denial.
 */
class AttestRunTest {
  static final String JENKINS = "https://ci.example.com/";
  static final String JOB_URL = JENKINS + "job/platform/job/deploy/";
  static final String ACTOR = "ci.example.com/job/platform/job/deploy";
  static final String KEYLESS_POLICY = "dz://policy/jenkins-keyless";
  static final String KEY_POLICY = "dz://policy/jenkins-key";
  static final com.nimbusds.jose.jwk.ECKey AGENT_KEY = EcKeys.generate();

  @TempDir static Path dir;
  static GitHubOidcIssuer oidc;
  static SigstoreStack stack;
  static ControlPlane cp;
  static String agentKeyPem;

  @BeforeAll
  static void start() throws Exception {
    oidc = GitHubOidcIssuer.start();
    stack = SigstoreStack.start();
    // Measured as the job sees its machine: the Jenkins variables are facts too (ci.platform).
    EnvironmentMeasurer measurer = new EnvironmentMeasurer(jenkinsEnv(), SystemProbe.local());
    Manifest manifest = Manifest.fromMeasurements("dz://env/jenkins", "1.0", null, measurer.measure(List.of()));
    Files.writeString(dir.resolve("manifest.yaml"), manifest.toYaml());
    Manifest other = Manifest.fromMeasurements("dz://env/other", "1.0", null, measurer.measure(List.of()));
    Files.writeString(dir.resolve("other.yaml"), other.toYaml());
    EcKeys.writePrivate(AGENT_KEY, dir.resolve("agent.pem"));
    agentKeyPem = Files.readString(dir.resolve("agent.pem"));
    String pem = EcKeys.publicPem(AGENT_KEY).trim().replace("\n", "\n      ");
    String jenkinsIssuer = oidc.issuerUrl("jenkins");
    Files.writeString(dir.resolve("policy.yaml"), "manifests:\n  - file: manifest.yaml\n  - file: other.yaml\n"
        + "agent_keys:\n  - id: jenkins-agent\n    actors: [\"ci.example.com/*\"]\n    public_key: |\n      " + pem + "\n"
        + "policies:\n"
        + "  - id: " + KEYLESS_POLICY + "\n    actors: [\"ci.example.com/job/platform/*\"]\n"
        + "    manifests: [\"dz://env/jenkins@1.0\"]\n    targets: [prod]\n    scopes: [deploy]\n"
        + "    max_ttl_seconds: 600\n    require_sigstore: true\n"
        + "    sigstore_identities:\n      - issuer: " + jenkinsIssuer + "\n"
        + "        subject_regex: '^https://ci\\.example\\.com/job/platform/job/.*$'\n"
        + "  - id: " + KEY_POLICY + "\n    actors: [\"ci.example.com/job/platform/*\"]\n"
        + "    manifests: [\"dz://env/jenkins@1.0\"]\n    targets: [prod]\n    scopes: [deploy]\n"
        + "    max_ttl_seconds: 600\n");
    cp = ControlPlane.builder().dataDir(dir.resolve("data")).policyFile(dir.resolve("policy.yaml"))
        .sigstore(BundleVerifier.fromTrustedRoot(stack.trustedRoot())).start();
  }

  @AfterAll
  static void stop() {
    if (cp != null) {
      cp.close();
    }
    if (stack != null) {
      stack.close();
    }
    if (oidc != null) {
      oidc.close();
    }
  }

  static Map<String, String> jenkinsEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("JENKINS_URL", JENKINS);
    env.put("JOB_URL", JOB_URL);
    env.put("BUILD_NUMBER", "7");
    return env;
  }

  static SigningSetup keyless() {
    return SigningSetup.keyless(SigningSetup.Mode.CUSTOM, "jenkins", null).withCustomInstance(
        stack.trustedRoot().toString(), stack.signingConfig().toString(), stack.truststore().toString(),
        stack.truststorePassword());
  }

  @Test
  void keylessJenkinsJobIsAcceptedWithARekorEntryAndGetsACredential() throws Exception {
    Map<String, String> env = jenkinsEnv();
    env.put("DZ_JENKINS_ID_TOKEN", oidc.token("jenkins", JOB_URL, Map.of("build_number", 7), "sigstore", 300));
    List<String> log = new ArrayList<>();
    AttestRun.Attested a = AttestRun.attest(new AttestRun.Settings(cp.url(), KEYLESS_POLICY, "manifest.yaml",
        keyless(), "none", null), env, dir, SystemProbe.local(), Clock.systemUTC(), log::add);
    AttestSummary s = a.summary();
    assertTrue(s.accepted(), s::toString);
    assertNotNull(s.rekorUuid());
    assertEquals(stack.rekorUrl().replaceAll("/+$", "") + "/api/v1/log/entries/" + s.rekorUuid(), s.rekorEntryUrl());
    assertTrue(s.lines().contains("rekor_uuid: " + s.rekorUuid()));
    assertEquals(s.rekorUuid(), s.outputs().get(AttestSummary.VAR_REKOR_UUID));
    AuditEvent event = DzClient.builder(cp.url()).build().auditEvent(s.auditId());
    assertEquals(ACTOR, event.actor());
    assertTrue(log.stream().anyMatch(l -> l.startsWith("signed: ")), log::toString);

    AttestRun.Credential c = AttestRun.credential(cp.url(), a, "deploy", "prod", 300);
    assertTrue(c.summary().issued(), c::toString);
    assertNotNull(c.token());
    assertFalse(String.join("\n", c.summary().lines()).contains(c.token()));
    assertFalse(c.toString().contains(c.token()));
  }

  @Test
  void keyHeldInMemorySignsForTheJobNamedByJobUrl() throws Exception {
    AttestRun.Attested a = AttestRun.attest(new AttestRun.Settings(cp.url(), KEY_POLICY,
        dir.resolve("manifest.yaml").toString(), SigningSetup.keyPem(agentKeyPem, "credential 'dz-agent-key'"), null,
        null), jenkinsEnv(), Path.of("/nonexistent"), SystemProbe.local(), Clock.systemUTC(), l -> {});
    assertTrue(a.summary().accepted(), a.summary()::toString);
    assertFalse(a.summary().hasRekorEntry());
    assertEquals(ACTOR, DzClient.builder(cp.url()).build().auditEvent(a.summary().auditId()).actor());
  }

  @Test
  void aManifestOutsidePolicyIsDeniedWithReasonsAndNoCredentialIsAskedFor() throws Exception {
    AttestRun.Attested a = AttestRun.attest(new AttestRun.Settings(cp.url(), KEY_POLICY, "other.yaml",
        SigningSetup.keyPem(agentKeyPem, "k"), null, null), jenkinsEnv(), dir, SystemProbe.local(),
        Clock.systemUTC(), l -> {});
    assertFalse(a.summary().accepted());
    assertFalse(a.summary().reasons().isEmpty());
    DzException e = assertThrows(DzException.class, () -> AttestRun.credential(cp.url(), a, "deploy", "prod", 300));
    assertEquals(DzException.Kind.DENIED, e.kind());
    assertEquals(a.summary().denialMessage(), e.getMessage());
  }

  @Test
  void aTokenForAnotherJobIsRefusedBeforeAnythingIsSigned() {
    Map<String, String> env = jenkinsEnv();
    env.put("DZ_JENKINS_ID_TOKEN", oidc.token("jenkins", JENKINS + "job/other/", Map.of(), "sigstore", 300));
    DzException e = assertThrows(DzException.class, () -> AttestRun.attest(new AttestRun.Settings(cp.url(),
        KEYLESS_POLICY, "manifest.yaml", keyless(), null, null), env, dir, SystemProbe.local(), Clock.systemUTC(),
        l -> {}));
    assertTrue(e.getMessage().contains("but this build's JOB_URL is"), e.getMessage());
  }
}
