package io.driftzero.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.control.ControlPlane;
import io.driftzero.core.json.Json;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.measure.SystemProbe;
import io.driftzero.core.oidc.OidcIssuer;
import io.driftzero.core.sigstore.BundleVerifier;
import io.driftzero.core.sigstore.SigstoreStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dzctl's keyless path as a GitHub job runs it: the job token from the runner's token endpoint,
 * Fulcio + Rekor from the local Sigstore stack, dz-control verifying offline; then an auditor's
 * {@code dzctl audit verify --event} against the trusted root and the policy file.
 */
class KeylessCliTest {
  @TempDir static Path dir;
  static OidcIssuer oidc;
  static SigstoreStack stack;
  static ControlPlane cp;
  static Map<String, String> env;
  static final String POLICY = "dz://policy/deploy-prod";
  static final String SAN = "https://github.com/acme/app/.github/workflows/deploy.yml@refs/heads/main";

  @BeforeAll
  static void start() throws Exception {
    oidc = new OidcIssuer().start();
    oidc.githubJob(OidcIssuer.githubClaims("acme/app", "deploy.yml", "refs/heads/main"));
    stack = SigstoreStack.start();
    Manifest m = Manifest.fromMeasurements("dz://env/gh", "1.0", null,
        new EnvironmentMeasurer(oidc.githubRunnerEnv(), SystemProbe.local()).measure(List.of()));
    Files.writeString(dir.resolve("m.yaml"), m.toYaml());
    Files.writeString(dir.resolve("policy.yaml"), policy(600));
    Files.writeString(dir.resolve("narrow.yaml"), policy(60));
    cp = ControlPlane.builder().dataDir(dir.resolve("data")).policyFile(dir.resolve("policy.yaml"))
        .sigstore(BundleVerifier.fromTrustedRoot(stack.trustedRoot())).start();
    env = new HashMap<>(oidc.githubRunnerEnv());
    env.put("DZ_CONTROL_URL", cp.url());
    env.put("DZ_SIGSTORE_TRUSTSTORE_PASSWORD", stack.truststorePassword());
    env.put("DZ_SESSION_FILE", dir.resolve("session.json").toString());
  }

  static String policy(int maxTtl) {
    return "manifests:\n  - file: m.yaml\npolicies:\n  - id: " + POLICY + "\n"
        + "    actors: [\"github.com/acme/app/.github/workflows/deploy.yml@refs/heads/main\"]\n"
        + "    manifests: [\"dz://env/gh@1.0\"]\n    targets: [prod]\n    scopes: [deploy]\n"
        + "    max_ttl_seconds: " + maxTtl + "\n    require_sigstore: true\n    sigstore_identities:\n"
        + "      - issuer: " + oidc.issuerUrl(OidcIssuer.GITHUB) + "\n        subject: " + SAN + "\n";
  }

  @AfterAll
  static void stop() throws Exception {
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

  record Run(int code, String out, String err) {}

  static Run dzctl(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Dzctl.run(args, env, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  static String line(String text, String key) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + ": (.+)$").matcher(text);
    assertTrue(m.find(), () -> "no '" + key + ":' line in:\n" + text);
    return m.group(1).trim();
  }

  @Test
  void keylessAttestPrintsTheRekorEntryAndAnAuditorVerifiesTheDecision() throws Exception {
    Run attest = dzctl("attest", "--policy", POLICY, "--manifest", dir.resolve("m.yaml").toString(),
        "--sigstore", "custom", "--trusted-root", stack.trustedRoot().toString(),
        "--signing-config", stack.signingConfig().toString(), "--sigstore-truststore", stack.truststore().toString());
    assertEquals(0, attest.code(), attest.out() + attest.err());
    assertEquals("ACCEPTED", line(attest.out(), "result"));
    String uuid = line(attest.out(), "rekor_uuid");
    long index = Long.parseLong(line(attest.out(), "rekor_log_index"));
    assertTrue(uuid.matches("[0-9a-f]{64}"), uuid);
    assertTrue(index >= 1);
    assertEquals(stack.rekorUrl().replaceAll("/+$", "") + "/api/v1/log/entries/" + uuid, line(attest.out(), "rekor_entry"));

    Run cred = dzctl("credentials", "request", "--scope", "deploy", "--target", "prod", "--ttl", "300", "-o", "json");
    assertEquals(0, cred.code(), cred.out() + cred.err());
    String auditId = Json.mapper().readTree(cred.out()).get("audit_id").asText();

    Run audit = dzctl("audit", "verify", "--event", auditId, "--trusted-root", stack.trustedRoot().toString(),
        "--policy", dir.resolve("policy.yaml").toString());
    assertEquals(0, audit.code(), audit.out() + audit.err());
    assertTrue(audit.out().contains("signed by " + SAN), audit.out());
    assertTrue(audit.out().contains("log index " + index), audit.out());
    assertTrue(audit.out().contains("event verified"), audit.out());
    assertFalse(audit.out().contains("FAIL"), audit.out());

    Run narrow = dzctl("audit", "verify", "--event", auditId, "--trusted-root", stack.trustedRoot().toString(),
        "--policy", dir.resolve("narrow.yaml").toString());
    assertEquals(1, narrow.code(), narrow.out() + narrow.err());
    assertTrue(narrow.out().contains("ttl_seconds 300 over max_ttl_seconds 60"), narrow.out());

    Run noRoot = dzctl("audit", "verify", "--event", auditId);
    assertEquals(1, noRoot.code(), noRoot.out());
    assertTrue(noRoot.out().contains("pass --trusted-root"), noRoot.out());
  }

  @Test
  void missingIdTokenPermissionNamesTheFix() {
    Map<String, String> saved = new HashMap<>(env);
    try {
      env.remove("ACTIONS_ID_TOKEN_REQUEST_URL");
      env.remove("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
      Run r = dzctl("attest", "--policy", POLICY, "--manifest", dir.resolve("m.yaml").toString(),
          "--sigstore", "custom", "--trusted-root", stack.trustedRoot().toString(),
          "--signing-config", stack.signingConfig().toString());
      assertEquals(2, r.code(), r.out() + r.err());
      assertTrue(r.err().contains("id-token: write"), r.err());
    } finally {
      env.clear();
      env.putAll(saved);
    }
  }
}
