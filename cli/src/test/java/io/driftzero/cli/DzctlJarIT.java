package io.driftzero.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.control.ControlPlane;
import io.driftzero.core.client.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped {@code dzctl.jar}, run as a pipeline runs it, against a real dz-control. */
class DzctlJarIT {
  static final Path JAR = Path.of(System.getProperty("driftzero.jar", "target/dzctl.jar")).toAbsolutePath();
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  record Run(int code, String out, String err) {}

  static Run dzctl(Path cwd, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    pb.environment().putAll(env);
    Path err = Files.createTempFile(cwd, "err", ".txt");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out, Files.readString(err));
  }

  @Test
  void help(@TempDir Path dir) throws Exception {
    assertTrue(Files.isRegularFile(JAR), "built by package: " + JAR);
    Run r = dzctl(dir, Map.of(), "--help");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Usage: dzctl") && r.out().contains("Exit codes:"), r.out());
  }

  @Test
  void attestCredentialsAuditVerifyThroughTheJar(@TempDir Path dir) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(Map.of("DEPLOY_ENV", "prod",
        "DZ_SESSION_FILE", dir.resolve("session.json").toString()));
    assertEquals(0, dzctl(dir, env, "keygen", "--out", "key.pem").code());
    Run init = dzctl(dir, env, "manifest", "init", "--id", "dz://env/ci", "--version", "1.0", "--fact", "env.DEPLOY_ENV",
        "--out", "manifest.yaml");
    assertEquals(0, init.code(), init.err());
    Files.writeString(dir.resolve("policy.yaml"), String.join("\n",
        "version: 1",
        "manifests:",
        "  - file: manifest.yaml",
        "agent_keys:",
        "  - id: runner",
        "    actors: [\"github.com/org/*\"]",
        "    public_key_file: key.pem.pub",
        "policies:",
        "  - id: dz://policy/deploy-prod",
        "    actors: [\"github.com/org/app/*\"]",
        "    manifests: [\"dz://env/ci@1.0\"]",
        "    targets: [prod-1]",
        "    scopes: [deploy]",
        "    max_ttl_seconds: 900",
        ""));
    try (ControlPlane cp = ControlPlane.builder().dataDir(dir.resolve("data")).policyFile(dir.resolve("policy.yaml")).start()) {
      env.put("DZ_CONTROL_URL", cp.url());
      env.put("DZ_POLICY", "dz://policy/deploy-prod");
      env.put("DZ_AGENT_KEY", dir.resolve("key.pem").toString());

      Run attest = dzctl(dir, env, "attest", "--manifest", "manifest.yaml", "--actor", "github.com/org/app/w.yml@refs/heads/main");
      assertEquals(0, attest.code(), attest.out() + attest.err());
      assertTrue(attest.out().contains("result: ACCEPTED"));
      Path session = dir.resolve("session.json");
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(session)));
      String token = Session.load(session).sessionToken();
      assertFalse(attest.out().contains(token) || attest.err().contains(token));

      Run cred = dzctl(dir, env, "credentials", "request", "--scope", "deploy", "--target", "prod-1", "--ttl", "300");
      assertEquals(0, cred.code(), cred.out() + cred.err());
      assertTrue(cred.out().contains("result: ISSUED"));
      assertFalse(JWT.matcher(cred.out() + cred.err()).find(), "text mode prints no token");

      Run denied = dzctl(dir, env, "credentials", "request", "--scope", "deploy", "--target", "prod-2", "--ttl", "300");
      assertEquals(1, denied.code());
      assertTrue(denied.out().contains("reason: TARGET_NOT_ALLOWED"));

      Run verify = dzctl(dir, env, "audit", "verify");
      assertEquals(0, verify.code(), verify.out() + verify.err());
      assertTrue(verify.out().startsWith("audit chain OK: 3 events"), verify.out());
    }
    Run down = dzctl(dir, env, "audit", "list");
    assertEquals(3, down.code(), "the server is stopped: " + down.err());
    assertTrue(down.err().contains(env.get("DZ_CONTROL_URL")), down.err());
  }
}
