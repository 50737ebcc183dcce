package io.driftzero.core.measure;

import io.driftzero.core.model.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fact vocabulary a manifest may name, and the one comparison of measurements against a
 * manifest. dz-control runs {@link #check}; the agent only measures.
 */
public final class Facts {
  public static final String OS_NAME = "os.name";
  public static final String OS_ID = "os.id";
  public static final String OS_VERSION = "os.version";
  public static final String OS_ARCH = "os.arch";
  public static final String KERNEL_RELEASE = "kernel.release";
  public static final String CI_PLATFORM = "ci.platform";
  public static final String CONTAINER = "container";
  public static final String CONTAINER_IMAGE_DIGEST = "container.image_digest";
  public static final String RUNTIME_JAVA = "runtime.java";
  public static final String TOOL_PREFIX = "tool.";
  public static final String ENV_PREFIX = "env.";
  public static final String FILE_PREFIX = "file.sha256:";

  /** Facts measured on every run, whatever the manifest names. */
  public static final Set<String> BASE = Set.of(OS_NAME, OS_ID, OS_VERSION, OS_ARCH, KERNEL_RELEASE,
      CI_PLATFORM, CONTAINER, RUNTIME_JAVA);
  private static final Set<String> FIXED = Set.of(OS_NAME, OS_ID, OS_VERSION, OS_ARCH, KERNEL_RELEASE,
      CI_PLATFORM, CONTAINER, CONTAINER_IMAGE_DIGEST, RUNTIME_JAVA);
  private static final Pattern TOOL = Pattern.compile("tool\\.[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
  private static final Pattern ENV = Pattern.compile("env\\.[A-Za-z_][A-Za-z0-9_]{0,127}");

  public static final String MEASUREMENT_MISSING = "MEASUREMENT_MISSING";
  public static final String MEASUREMENT_MISMATCH = "MEASUREMENT_MISMATCH";

  private Facts() {}

  /** Null when {@code key} is a fact the agent can measure; otherwise what is wrong with it. */
  public static String checkKey(String key) {
    if (FIXED.contains(key) || TOOL.matcher(key).matches() || ENV.matcher(key).matches()) {
      return null;
    }
    if (key.startsWith(FILE_PREFIX) && key.length() > FILE_PREFIX.length() + 1
        && key.charAt(FILE_PREFIX.length()) == '/') {
      return null;
    }
    return "unknown fact '" + key + "'; use one of " + String.join(", ", FIXED.stream().sorted().toList())
        + ", tool.<command>, env.<VARIABLE> or file.sha256:/absolute/path";
  }

  /** Every way {@code measured} falls short of {@code manifest}, one reason per fact. */
  public static List<Reason> check(Manifest manifest, Map<String, String> measured) {
    List<Reason> reasons = new ArrayList<>();
    manifest.facts().forEach((key, accepted) -> {
      String got = measured.get(key);
      if (got == null) {
        reasons.add(new Reason(MEASUREMENT_MISSING, "fact '" + key + "' required by manifest "
            + manifest.id() + "@" + manifest.version() + " was not measured; upgrade the agent or fix the manifest"));
      } else if (!accepted.contains(got)) {
        reasons.add(new Reason(MEASUREMENT_MISMATCH, "fact '" + key + "' is '" + got + "' but manifest "
            + manifest.id() + "@" + manifest.version() + " accepts " + accepted
            + "; run on an approved runner or have an admin approve this environment"));
      }
    });
    return reasons;
  }
}
