package io.jenkins.plugins.driftzero;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.domains.Domain;
import hudson.util.Secret;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.measure.SystemProbe;
import io.driftzero.core.sigstore.SigstoreStack;
import io.jenkins.plugins.oidc_provider.IdTokenStringCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The local test stack a DriftZero build talks to: the Sigstore stack (local Fulcio + Rekor, from
 * the core's test fixtures), a real dz-control run from its shipped jar in its own process, and the
 * test Jenkins itself as the OIDC issuer (oidc-provider), so the token, certificate, Rekor entry and
 * decision are all real.
 */
final class DzStack implements AutoCloseable {
  static final String POLICY = "dz://policy/jenkins-deploy";
  static final String ID_TOKEN_CREDENTIAL = "dz-id-token";

  private static SigstoreStack sigstore;

  final Path dir;
  final Path manifest;
  final Path deniedManifest;
  final String url;
  private final Process dzControl;

  private DzStack(Path dir, Path manifest, Path deniedManifest, String url, Process dzControl) {
    this.dir = dir;
    this.manifest = manifest;
    this.deniedManifest = deniedManifest;
    this.url = url;
    this.dzControl = dzControl;
  }

  static synchronized SigstoreStack sigstore() {
    if (sigstore == null) {
      sigstore = SigstoreStack.start();
      Runtime.getRuntime().addShutdownHook(new Thread(sigstore::close));
    }
    return sigstore;
  }

  /** Starts dz-control with a policy that trusts this Jenkins as the OIDC issuer of its jobs. */
  static DzStack start(JenkinsRule r) throws Exception {
    SigstoreStack stack = sigstore();
    Path dir = Files.createTempDirectory("dz-jenkins-");
    // Measured as a build on this machine sees it (JENKINS_URL makes ci.platform 'jenkins'); the
    // agents of the test Jenkins run here too, with the same Java.
    Map<String, String> env = Map.of("JENKINS_URL", r.jenkins.getRootUrl());
    Map<String, String> facts = new EnvironmentMeasurer(env, SystemProbe.local()).measure(java.util.List.of());
    Path manifest = dir.resolve("build.yaml");
    Files.writeString(manifest, Manifest.fromMeasurements("dz://env/jenkins-build", "1.0", null, facts).toYaml());
    Map<String, String> unmet = new HashMap<>(facts);
    unmet.put("env.DRIFTZERO_TEST_NEVER_SET", "set-by-an-approved-runner");
    Path denied = dir.resolve("unapproved.yaml");
    Files.writeString(denied, Manifest.fromMeasurements("dz://env/unapproved", "1.0", null, unmet).toYaml());
    String issuer = r.jenkins.getRootUrl() + "oidc";
    Files.writeString(dir.resolve("policy.yaml"), "manifests:\n  - file: build.yaml\n  - file: unapproved.yaml\n"
        + "policies:\n  - id: " + POLICY + "\n    actors: [\"localhost:*\"]\n"
        + "    manifests: [\"dz://env/jenkins-build@1.0\", \"dz://env/unapproved@1.0\"]\n"
        + "    targets: [prod]\n    scopes: [deploy]\n    max_ttl_seconds: 600\n    require_sigstore: true\n"
        + "    sigstore_identities:\n      - issuer: " + issuer + "\n"
        + "        subject_regex: '^http://localhost:[0-9]+/jenkins/job/.*$'\n");
    String jar = System.getProperty("driftzero.dzControlJar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("dz-control jar not found at " + jar + "; build with mvn -Pjenkins from the root");
    }
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar,
        "serve", "--data-dir", dir.resolve("data").toString(), "--policy", dir.resolve("policy.yaml").toString(),
        "--port", "0", "--sigstore-trusted-root", stack.trustedRoot().toString())
        .redirectError(dir.resolve("dz-control.log").toFile()).start();
    return new DzStack(dir, manifest, denied, awaitUrl(p, dir), p);
  }

  private static String awaitUrl(Process p, Path dir) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      int at = line.indexOf("listening on ");
      if (at >= 0) {
        String rest = line.substring(at + "listening on ".length());
        return rest.substring(0, rest.indexOf(' '));
      }
    }
    throw new IllegalStateException("dz-control exited before listening; see " + dir.resolve("dz-control.log"));
  }

  /**
   * Configures the plugin as an administrator would for keyless signing on the private instance:
   * an oidc-provider ID token credential (audience sigstore), Sigstore custom, defaults for policy and
   * manifest.
   */
  void configureKeyless(JenkinsRule r) throws IOException {
    IdTokenStringCredentials token = new IdTokenStringCredentials(CredentialsScope.GLOBAL, ID_TOKEN_CREDENTIAL, null);
    token.setAudience("sigstore");
    CredentialsProvider.lookupStores(r.jenkins).iterator().next().addCredentials(Domain.global(), token);
    SigstoreStack stack = sigstore();
    DriftZeroGlobalConfiguration g = DriftZeroGlobalConfiguration.get();
    g.setControlUrl(url);
    g.setIdentityCredentialsId(ID_TOKEN_CREDENTIAL);
    g.setAudience("sigstore");
    g.setSigstore("custom");
    g.setTrustedRoot(stack.trustedRoot().toString());
    g.setSigningConfig(stack.signingConfig().toString());
    g.setTruststore(stack.truststore().toString());
    g.setTruststorePassword(Secret.fromString(stack.truststorePassword()));
    g.setRequireSigstore(true);
    g.setFailOnDeny(true);
    g.setPolicy(POLICY);
    g.setManifest(manifest.toString());
    g.setScope("deploy");
    g.setTarget("prod");
    g.setTtlSeconds(300);
  }

  @Override
  public void close() throws InterruptedException {
    dzControl.destroy();
    if (!dzControl.waitFor(20, TimeUnit.SECONDS)) {
      dzControl.destroyForcibly();
    }
  }
}
