package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped {@code dz-control.jar}: its demo, run as a user runs it, and the repo's {@code ./dz demo}. */
class DzControlJarIT {
  static final Path JAR = Path.of(System.getProperty("driftzero.jar", "target/dz-control.jar"));
  static final Path REPO = Path.of(System.getProperty("driftzero.repo", "..")).toAbsolutePath().normalize();
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  /** Three base64url segments starting with a JOSE header: a JWT. */
  static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  record Run(int code, String output) {}

  static Run run(Path cwd, List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "finished");
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static void assertDemoSucceeded(Run r) {
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("Demo succeeded"), r.output());
    assertTrue(r.output().contains("decision: DENIED"), r.output());
    assertTrue(r.output().contains("TARGET_NOT_ALLOWED"), r.output());
    assertTrue(r.output().contains("audit chain OK"), r.output());
    assertFalse(JWT.matcher(r.output()).find(), "no credential token in the demo's output");
  }

  @Test
  void demoFromTheFatJar(@TempDir Path work) throws Exception {
    assertTrue(Files.isRegularFile(JAR), "built by package: " + JAR);
    Run r = run(work, List.of(JAVA, "-jar", JAR.toAbsolutePath().toString(), "demo", "--work-dir", work.resolve("demo").toString()));
    assertDemoSucceeded(r);
    Path log = work.resolve("demo/dz-control.log");
    assertTrue(Files.readString(log).contains("POST /v1/attest"), "the server log went to the work dir");
    assertFalse(JWT.matcher(Files.readString(log)).find(), "no credential token in the server log");
  }

  @Test
  void helpAndPolicyCheckFromTheFatJar(@TempDir Path work) throws Exception {
    Run help = run(work, List.of(JAVA, "-jar", JAR.toAbsolutePath().toString(), "--help"));
    assertEquals(0, help.code(), help.output());
    assertTrue(help.output().contains("Usage: dz-control"));
    Path bad = work.resolve("p.yaml");
    Files.writeString(bad, "version: 1\npolicies: []\n");
    Run check = run(work, List.of(JAVA, "-jar", JAR.toAbsolutePath().toString(), "policy", "check", bad.toString()));
    assertEquals(2, check.code(), check.output());
    assertTrue(check.output().contains(bad + ":2: policies:"), check.output());
  }

  /**
   * {@code ./dz demo} rebuilds with Maven when a source is newer than the jar. A nested Maven build
   * inside this one must not happen, so this runs the script only when its own staleness check
   * (the same find command) says the jar is current; otherwise the jar test above stands in for it.
   */
  @Test
  void repoDzDemoScript(@TempDir Path work) throws Exception {
    Path script = REPO.resolve("dz");
    assumeTrue(Files.isExecutable(script), "no ./dz script at " + REPO);
    Path jar = REPO.resolve("control-plane/target/dz-control.jar");
    assumeTrue(Files.isRegularFile(jar), "no jar at " + jar);
    Run stale = run(REPO, List.of("sh", "-c", "find pom.xml src-shared control-plane cli -newer " + jar
        + " \\( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \\) -print -quit 2>/dev/null"));
    assumeTrue(stale.output().isBlank(), "./dz demo would rebuild (newer: " + stale.output().trim()
        + "); not nesting mvn inside the test");
    assumeTrue(onPath("mvn"), "./dz demo requires mvn on PATH even when it does not build");
    Run r = run(REPO, List.of(script.toString(), "demo", "--work-dir", work.resolve("demo").toString()));
    assertFalse(r.output().contains("dz: building"), "the script did not rebuild");
    assertDemoSucceeded(r);
  }

  private static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
