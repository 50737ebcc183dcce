package io.driftzero.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.driftzero.control.ControlPlane;
import io.driftzero.core.DzException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real dz-control whose policy enrols a key made by {@code dzctl keygen} and approves a manifest
 * made by {@code dzctl manifest init} on this machine, so the CLI's own measurements are accepted.
 */
final class CliStack implements AutoCloseable {
  static final String POLICY = "dz://policy/deploy-prod";
  static final String ACTOR = "github.com/org/app/.github/workflows/deploy.yml@refs/heads/main";
  static final String TARGET = "aws-prod-account-1234";

  final Path dir;
  final Path key;
  final Path manifest;
  final Path sessionFile;
  final ControlPlane cp;
  final Map<String, String> env = new HashMap<>();

  /** What one dzctl run printed and returned. */
  record Run(int code, String out, String err) {}

  CliStack(Path dir) throws IOException, DzException {
    this.dir = dir;
    this.key = dir.resolve("agent-key.pem");
    this.manifest = dir.resolve("manifest.yaml");
    this.sessionFile = dir.resolve("session.json");
    env.put("DEPLOY_ENV", "prod");
    env.put("DZ_SESSION_FILE", sessionFile.toString());
    assertEquals(0, dzctl("keygen", "--out", key.toString()).code());
    assertEquals(0, dzctl("manifest", "init", "--id", "dz://env/ci", "--version", "1.0", "--fact", "env.DEPLOY_ENV",
        "--out", manifest.toString()).code());
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, String.join("\n",
        "version: 1",
        "manifests:",
        "  - file: manifest.yaml",
        "agent_keys:",
        "  - id: runner",
        "    actors: [\"github.com/org/*\"]",
        "    public_key_file: agent-key.pem.pub",
        "policies:",
        "  - id: " + POLICY,
        "    actors: [\"github.com/org/app/*\"]",
        "    manifests: [\"dz://env/ci@1.0\"]",
        "    targets: [\"" + TARGET + "\"]",
        "    scopes: [deploy]",
        "    max_ttl_seconds: 900",
        ""));
    this.cp = ControlPlane.builder().dataDir(dir.resolve("data")).policyFile(policy).start();
    env.put("DZ_CONTROL_URL", cp.url());
    env.put("DZ_POLICY", POLICY);
    env.put("DZ_AGENT_KEY", key.toString());
  }

  Run dzctl(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Dzctl.run(args, Map.copyOf(env), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  Run attest(String... extra) {
    String[] base = {"attest", "--manifest", manifest.toString(), "--actor", ACTOR};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return dzctl(all);
  }

  @Override
  public void close() {
    cp.close();
  }
}
