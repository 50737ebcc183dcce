package io.driftzero.cli.wrappers;

import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.control.ControlPlane;
import io.driftzero.core.DzException;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.measure.SystemProbe;
import io.driftzero.core.sign.EcKeys;
import io.driftzero.core.sigstore.BundleVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real dz-control for a wrapper test, set up as an admin would (the way {@code dz-control demo}
 * does): an enrolled agent key, a manifest of this machine measured with the <em>job's</em>
 * environment (so {@code ci.platform} and friends match what the wrapper will measure), and one
 * policy. The key and manifest land in the job's workspace, where a checkout would put them.
 */
final class DzControlFixture implements AutoCloseable {
  static final String POLICY = "dz://policy/deploy-prod";
  static final String MANIFEST_ID = "dz://env/build-release";
  static final String TARGET = "aws-prod-account-1234";
  static final String SCOPE = "deploy";
  static final int MAX_TTL = 900;

  final ControlPlane cp;
  final Path keyFile;
  final Path manifestFile;

  private DzControlFixture(ControlPlane cp, Path keyFile, Path manifestFile) {
    this.cp = cp;
    this.keyFile = keyFile;
    this.manifestFile = manifestFile;
  }

  /**
   * @param dir      scratch directory for the server (data, policy)
   * @param workspace the job's checkout: gets {@code .driftzero/agent-key.pem} and {@code .driftzero/manifest.yaml}
   * @param jobEnv   the environment the wrapper will run with (measured into the manifest)
   * @param actor    the actor id the policy allows, e.g. {@code github.com/org/repo/.github/workflows/deploy.yml@refs/heads/main}
   */
  static DzControlFixture start(Path dir, Path workspace, Map<String, String> jobEnv, String actor)
      throws IOException, DzException {
    return start(dir, workspace, jobEnv, actor, null);
  }

  /** Keyless signers the policy accepts (require_sigstore), verified against {@code trustedRoot}. */
  record Keyless(Path trustedRoot, String issuer, String subject) {}

  static DzControlFixture start(Path dir, Path workspace, Map<String, String> jobEnv, String actor, Keyless keyless)
      throws IOException, DzException {
    Path dz = Files.createDirectories(workspace.resolve(".driftzero"));
    Path keyFile = dz.resolve("agent-key.pem");
    ECKey agentKey = EcKeys.generate();
    EcKeys.writePrivate(agentKey, keyFile);
    Manifest manifest = Manifest.fromMeasurements(MANIFEST_ID, "2.4", "The wrapper test's runner",
        new EnvironmentMeasurer(jobEnv, SystemProbe.local()).measure(List.of()));
    Path manifestFile = dz.resolve("manifest.yaml");
    Files.writeString(manifestFile, manifest.toYaml());
    Files.createDirectories(dir);
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, policyYaml(EcKeys.publicPem(agentKey), manifestFile, actor, keyless));
    ControlPlane.Builder b = ControlPlane.builder().dataDir(dir.resolve("data")).policyFile(policy);
    if (keyless != null) {
      b.sigstore(BundleVerifier.fromTrustedRoot(keyless.trustedRoot()));
    }
    ControlPlane cp = b.start();
    return new DzControlFixture(cp, keyFile, manifestFile);
  }

  String url() {
    return cp.url();
  }

  private static String policyYaml(String agentPublicPem, Path manifestFile, String actor, Keyless keyless) {
    String owner = actor.substring(0, actor.indexOf('/', actor.indexOf('/') + 1));
    return "version: 1\n"
        + "manifests:\n"
        + "  - file: " + manifestFile.toAbsolutePath() + "\n"
        + "agent_keys:\n"
        + "  - id: test-runner\n"
        + "    actors: [\"" + owner + "/*\"]\n"
        + "    public_key: |\n"
        + "      " + agentPublicPem.trim().replace("\n", "\n      ") + "\n"
        + "policies:\n"
        + "  - id: " + POLICY + "\n"
        + "    actors: [\"" + actor + "\"]\n"
        + "    manifests: [\"" + MANIFEST_ID + "@2.4\"]\n"
        + "    targets: [\"" + TARGET + "\"]\n"
        + "    scopes: [\"" + SCOPE + "\"]\n"
        + "    max_ttl_seconds: " + MAX_TTL + "\n"
        + "    require_tpm: false\n"
        + (keyless == null ? "    require_sigstore: false\n"
            : "    require_sigstore: true\n"
            + "    sigstore_identities:\n"
            + "      - issuer: " + keyless.issuer() + "\n"
            + "        subject: " + keyless.subject() + "\n");
  }

  @Override
  public void close() {
    cp.close();
  }
}
