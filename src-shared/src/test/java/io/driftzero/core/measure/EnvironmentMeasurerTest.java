package io.driftzero.core.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The measurer against a fake probe (every branch, deterministic) and against this machine. */
class EnvironmentMeasurerTest {
  /** A machine described by maps. */
  static final class FakeProbe implements SystemProbe {
    final Map<String, String> props = new HashMap<>();
    final Map<Path, String> files = new HashMap<>();
    final Map<String, String> tools = new HashMap<>();

    @Override
    public Optional<String> property(String name) {
      return Optional.ofNullable(props.get(name));
    }

    @Override
    public Optional<String> readText(Path file) {
      return Optional.ofNullable(files.get(file)).map(String::trim);
    }

    @Override
    public boolean exists(Path file) {
      return files.containsKey(file);
    }

    @Override
    public Optional<String> sha256(Path file) {
      return Optional.ofNullable(files.get(file)).map(s -> "sha-of-" + s);
    }

    @Override
    public Optional<String> toolVersion(String command) {
      return Optional.ofNullable(tools.get(command));
    }
  }

  static FakeProbe debianRunner() {
    FakeProbe p = new FakeProbe();
    p.props.put("os.name", "Linux");
    p.props.put("os.arch", "amd64");
    p.props.put("os.version", "6.1.0-fallback");
    p.props.put("java.version", "17.0.12");
    p.files.put(Path.of("/etc/os-release"), "PRETTY_NAME=\"Debian GNU/Linux 12\"\nID=debian\nVERSION_ID=\"12\"\n");
    p.files.put(Path.of("/proc/sys/kernel/osrelease"), "6.1.0-18-amd64\n");
    p.files.put(Path.of("/proc/1/cgroup"), "0::/init.scope");
    p.files.put(Path.of("/opt/tool.bin"), "bytes");
    p.tools.put("git", "git version 2.39.2");
    return p;
  }

  @Test
  void baseFactsOnEveryRun() {
    Map<String, String> m = new EnvironmentMeasurer(Map.of(), debianRunner()).measure(List.of());
    assertEquals(Facts.BASE, m.keySet());
    assertEquals("Linux", m.get(Facts.OS_NAME));
    assertEquals("amd64", m.get(Facts.OS_ARCH));
    assertEquals("debian", m.get(Facts.OS_ID));
    assertEquals("12", m.get(Facts.OS_VERSION));
    assertEquals("6.1.0-18-amd64", m.get(Facts.KERNEL_RELEASE));
    assertEquals("none", m.get(Facts.CI_PLATFORM));
    assertEquals("false", m.get(Facts.CONTAINER));
    assertEquals("17.0.12", m.get(Facts.RUNTIME_JAVA));
  }

  @Test
  void manifestFactsToolsEnvAndFiles() {
    Map<String, String> env = Map.of("DEPLOY_ENV", "prod");
    Map<String, String> m = new EnvironmentMeasurer(env, debianRunner()).measure(List.of("tool.git", "tool.helm",
        "env.DEPLOY_ENV", "env.UNSET", "file.sha256:/opt/tool.bin", "file.sha256:/nope", "container.image_digest"));
    assertEquals("git version 2.39.2", m.get("tool.git"));
    assertEquals(EnvironmentMeasurer.ABSENT, m.get("tool.helm"));
    assertEquals("prod", m.get("env.DEPLOY_ENV"));
    assertEquals(EnvironmentMeasurer.ABSENT, m.get("env.UNSET"));
    assertEquals("sha-of-bytes", m.get("file.sha256:/opt/tool.bin"));
    assertEquals(EnvironmentMeasurer.ABSENT, m.get("file.sha256:/nope"));
    assertEquals(EnvironmentMeasurer.ABSENT, m.get("container.image_digest"));
  }

  @Test
  void ciPlatformContainerAndImageDigest() {
    FakeProbe p = debianRunner();
    p.files.put(Path.of("/.dockerenv"), "");
    assertEquals("github-actions", fact(Map.of("GITHUB_ACTIONS", "true"), p, Facts.CI_PLATFORM));
    assertEquals("gitlab-ci", fact(Map.of("GITLAB_CI", "true"), p, Facts.CI_PLATFORM));
    assertEquals("jenkins", fact(Map.of("JENKINS_URL", "https://ci"), p, Facts.CI_PLATFORM));
    assertEquals("none", fact(Map.of("GITHUB_ACTIONS", "false"), p, Facts.CI_PLATFORM));
    assertEquals("true", fact(Map.of(), p, Facts.CONTAINER));
    FakeProbe k8s = debianRunner();
    k8s.files.put(Path.of("/proc/1/cgroup"), "0::/kubepods/besteffort/pod1");
    assertEquals("true", fact(Map.of(), k8s, Facts.CONTAINER));
    assertEquals("sha256:abc", fact(Map.of("CI_JOB_IMAGE", "registry/img@sha256:abc"), p, Facts.CONTAINER_IMAGE_DIGEST));
    assertEquals("sha256:def", fact(Map.of("DZ_CONTAINER_IMAGE_DIGEST", "sha256:def"), p, Facts.CONTAINER_IMAGE_DIGEST));
  }

  @Test
  void missingSourcesAreMeasuredAsAbsentOrFallBack() {
    FakeProbe bare = new FakeProbe();
    bare.props.put("os.version", "5.10-prop");
    Map<String, String> m = new EnvironmentMeasurer(Map.of(), bare).measure(List.of());
    assertEquals(EnvironmentMeasurer.ABSENT, m.get(Facts.OS_NAME));
    assertEquals(EnvironmentMeasurer.ABSENT, m.get(Facts.OS_ID));
    assertEquals("5.10-prop", m.get(Facts.KERNEL_RELEASE), "falls back to the os.version property");
  }

  private static String fact(Map<String, String> env, SystemProbe p, String key) {
    return new EnvironmentMeasurer(env, p).measure(List.of(key)).get(key);
  }

  @Test
  void realMachine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("blob");
    Files.write(f, new byte[] {1, 2, 3});
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3}));
    Map<String, String> m = new EnvironmentMeasurer(Map.of("X", "y"), SystemProbe.local())
        .measure(List.of("file.sha256:" + f, "env.X", "tool.java", "tool.definitely-not-installed-dz"));
    assertEquals(System.getProperty("os.name"), m.get(Facts.OS_NAME));
    assertEquals(System.getProperty("os.arch"), m.get(Facts.OS_ARCH));
    assertEquals(System.getProperty("java.version"), m.get(Facts.RUNTIME_JAVA));
    assertEquals(expected, m.get("file.sha256:" + f));
    assertEquals("y", m.get("env.X"));
    assertEquals(EnvironmentMeasurer.ABSENT, m.get("tool.definitely-not-installed-dz"));
    assertTrue(Set.of("true", "false").contains(m.get(Facts.CONTAINER)));
    if (Files.exists(Path.of("/proc/sys/kernel/osrelease"))) {
      assertEquals(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim(), m.get(Facts.KERNEL_RELEASE));
    }
    assertNotEquals(null, m.get("tool.java"));
  }
}
