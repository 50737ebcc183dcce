package io.driftzero.core.run;

import io.driftzero.core.DzException;
import java.util.Map;

/**
 * The actor id a job claims when no OIDC token proves one (key-based signing): an explicit id, else
 * what the CI environment names. dz-control still matches it against the key's enrolled actors.
 */
public final class Actors {
  public static final String CANNOT_DERIVE = "cannot derive the actor id from this environment; name one"
      + " (dzctl: --actor), e.g. github.com/org/repo/.github/workflows/deploy.yml@refs/heads/main";

  private Actors() {}

  /**
   * {@code explicit} if given; else GitHub's {@code github.com/<GITHUB_WORKFLOW_REF>}; else GitLab's
   * {@code <CI_SERVER_FQDN>/<CI_PROJECT_PATH>@refs/heads|tags/<ref>} (the form a GitLab token's actor
   * has without {@code ci_config_ref_uri}); else Jenkins' {@code JOB_URL} without scheme and trailing
   * slash (the same form a Jenkins token's actor has).
   */
  public static String fromEnvironment(String explicit, Map<String, String> env) throws DzException {
    if (explicit != null && !explicit.isBlank()) {
      return explicit.strip();
    }
    String ref = env.get("GITHUB_WORKFLOW_REF");
    if (ref != null && !ref.isBlank()) {
      return "github.com/" + ref;
    }
    String project = env.get("CI_PROJECT_PATH");
    String host = env.getOrDefault("CI_SERVER_FQDN", env.get("CI_SERVER_HOST"));
    if ("true".equals(env.get("GITLAB_CI")) && present(project) && present(host)) {
      String tag = env.get("CI_COMMIT_TAG");
      String gitRef = present(tag) ? "refs/tags/" + tag : "refs/heads/" + env.getOrDefault("CI_COMMIT_REF_NAME", "");
      return host + "/" + project + "@" + gitRef;
    }
    String job = env.get("JOB_URL");
    if (job != null && !job.isBlank()) {
      return job.strip().replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*://", "").replaceAll("/+$", "");
    }
    throw new DzException(DzException.Kind.BAD_INPUT, CANNOT_DERIVE);
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
