package io.driftzero.core.measure;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Measures the runner: the base facts on every run plus whatever the manifest names. The agent
 * reports what it saw; it never decides whether that is acceptable (dz-control does, with
 * {@link Facts#check}). The environment map is passed in, never read from the process.
 */
public final class EnvironmentMeasurer {
  /** Value reported for an absent file, tool or variable, so "absent" is itself a measurement. */
  public static final String ABSENT = "<absent>";

  private final Map<String, String> env;
  private final SystemProbe probe;

  public EnvironmentMeasurer(Map<String, String> env, SystemProbe probe) {
    this.env = Map.copyOf(env);
    this.probe = probe;
  }

  /** Base facts plus those {@code manifest} expects. */
  public Map<String, String> measure(Manifest manifest) {
    return measure(manifest.facts().keySet());
  }

  public Map<String, String> measure(Collection<String> keys) {
    TreeSet<String> all = new TreeSet<>(Facts.BASE);
    all.addAll(keys);
    Map<String, String> out = new TreeMap<>();
    for (String key : all) {
      out.put(key, fact(key));
    }
    return out;
  }

  String fact(String key) {
    switch (key) {
      case Facts.OS_NAME:
        return probe.property("os.name").orElse(ABSENT);
      case Facts.OS_ARCH:
        return probe.property("os.arch").orElse(ABSENT);
      case Facts.OS_ID:
        return osRelease("ID");
      case Facts.OS_VERSION:
        return osRelease("VERSION_ID");
      case Facts.KERNEL_RELEASE:
        return probe.readText(Path.of("/proc/sys/kernel/osrelease"))
            .or(() -> probe.property("os.version")).orElse(ABSENT);
      case Facts.CI_PLATFORM:
        return ciPlatform();
      case Facts.CONTAINER:
        return String.valueOf(inContainer());
      case Facts.CONTAINER_IMAGE_DIGEST:
        return imageDigest();
      case Facts.RUNTIME_JAVA:
        return probe.property("java.version").orElse(ABSENT);
      default:
        break;
    }
    if (key.startsWith(Facts.TOOL_PREFIX)) {
      return probe.toolVersion(key.substring(Facts.TOOL_PREFIX.length())).orElse(ABSENT);
    }
    if (key.startsWith(Facts.ENV_PREFIX)) {
      return Optional.ofNullable(env.get(key.substring(Facts.ENV_PREFIX.length()))).orElse(ABSENT);
    }
    if (key.startsWith(Facts.FILE_PREFIX)) {
      return probe.sha256(Path.of(key.substring(Facts.FILE_PREFIX.length()))).orElse(ABSENT);
    }
    return ABSENT;
  }

  private String ciPlatform() {
    if ("true".equals(env.get("GITHUB_ACTIONS"))) {
      return "github-actions";
    }
    if ("true".equals(env.get("GITLAB_CI"))) {
      return "gitlab-ci";
    }
    if (env.containsKey("JENKINS_URL")) {
      return "jenkins";
    }
    return "none";
  }

  private boolean inContainer() {
    if (probe.exists(Path.of("/.dockerenv")) || probe.exists(Path.of("/run/.containerenv"))) {
      return true;
    }
    String cgroup = probe.readText(Path.of("/proc/1/cgroup")).orElse("");
    return cgroup.contains("docker") || cgroup.contains("kubepods") || cgroup.contains("containerd")
        || cgroup.contains("libpod");
  }

  /**
   * The job image's digest where the platform exposes it (GitLab's {@code CI_JOB_IMAGE} pinned by
   * digest), else what the runner operator sets in {@code DZ_CONTAINER_IMAGE_DIGEST}.
   */
  private String imageDigest() {
    String image = env.getOrDefault("CI_JOB_IMAGE", "");
    int at = image.indexOf("@sha256:");
    if (at >= 0) {
      return image.substring(at + 1);
    }
    return Optional.ofNullable(env.get("DZ_CONTAINER_IMAGE_DIGEST")).orElse(ABSENT);
  }

  private String osRelease(String field) {
    String text = probe.readText(Path.of("/etc/os-release")).orElse("");
    for (String line : text.split("\n")) {
      if (line.startsWith(field + "=")) {
        return line.substring(field.length() + 1).replace("\"", "").trim();
      }
    }
    return ABSENT;
  }
}
