package io.driftzero.bench;

import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.core.policy.PolicyLoader;
import io.driftzero.core.policy.PolicySet;
import io.driftzero.core.DzException;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.sign.EcKeys;
import io.driftzero.core.sign.KeyFileSigner;
import io.driftzero.core.sign.SignedAttestation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** A realistic manifest, policy, agent key and signed attestation, shared by the benchmarks. */
final class Fixtures {
  static final String ACTOR = "github.com/bench-org/app/.github/workflows/deploy.yml@refs/heads/main";
  static final String POLICY = "dz://policy/deploy-prod";
  static final String TARGET = "aws-prod-account-1234";

  final ECKey agentKey = EcKeys.generate();
  final KeyFileSigner signer = KeyFileSigner.of(agentKey);
  final Map<String, String> measurements = measurements();
  final Manifest manifest = Manifest.fromMeasurements("dz://env/bench", "1.0", null, measurements);

  static Map<String, String> measurements() {
    Map<String, String> m = new TreeMap<>();
    m.put("os.name", "Linux");
    m.put("os.id", "debian");
    m.put("os.version", "12");
    m.put("os.arch", "amd64");
    m.put("kernel.release", "6.1.0-28-amd64");
    m.put("ci.platform", "none");
    m.put("container", "false");
    m.put("runtime.java", "17.0.15");
    m.put("tool.git", "git version 2.39.5");
    m.put("env.RUNNER_ENVIRONMENT", "<absent>");
    return m;
  }

  EnvironmentAttestation statement(String nonce) {
    return new EnvironmentAttestation(manifest.id(), manifest.hash(), manifest.version(), measurements, nonce,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), "bench", null, new Actor("pipeline", ACTOR));
  }

  AttestRequest signedRequest(String nonce) throws DzException {
    EnvironmentAttestation s = statement(nonce);
    SignedAttestation signed = signer.sign(s);
    return AttestRequest.of(POLICY, s, signed.signature(), signed.sigstore());
  }

  AttestRequest signedRequest() throws DzException {
    return signedRequest(UUID.randomUUID().toString());
  }

  /** Writes the policy (and manifest) into {@code dir}; returns the policy file. */
  Path writePolicy(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("manifests"));
    Files.writeString(dir.resolve("manifests/bench.yaml"), manifest.toYaml());
    String pem = EcKeys.publicPem(agentKey).trim().replace("\n", "\n      ");
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "version: 1\nmanifests:\n  - file: manifests/bench.yaml\nagent_keys:\n"
        + "  - id: bench\n    actors: [\"github.com/bench-org/*\"]\n    public_key: |\n      " + pem + "\n"
        + "policies:\n  - id: " + POLICY + "\n    actors: [\"" + ACTOR + "\"]\n"
        + "    manifests: [\"dz://env/bench@1.0\"]\n    targets: [\"" + TARGET + "\"]\n"
        + "    scopes: [\"deploy\"]\n    max_ttl_seconds: 900\n");
    return policy;
  }

  PolicySet policySet() throws IOException, DzException {
    Path dir = Files.createTempDirectory("dz-bench-policy");
    return PolicyLoader.load(writePolicy(dir));
  }
}
