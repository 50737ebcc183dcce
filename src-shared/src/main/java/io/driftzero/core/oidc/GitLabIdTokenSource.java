package io.driftzero.core.oidc;

import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import io.driftzero.core.model.Actor;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * GitLab CI: the token is minted by GitLab before the job starts and handed in as the variable
 * declared under {@code id_tokens:} (name configurable, default {@value #DEFAULT_VARIABLE}); its
 * {@code aud} is fixed there, so it cannot be asked for at run time, only checked.
 *
 * <p>Actor id: claim {@code ci_config_ref_uri} when GitLab sets it (config in the project's own
 * repository), e.g. {@code gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main}; otherwise
 * {@code <server host>/<project_path>@refs/<heads|tags>/<ref>}.
 */
public final class GitLabIdTokenSource implements IdTokenSource {
  /** The {@code id_tokens} variable read when none is configured. */
  public static final String DEFAULT_VARIABLE = "DZ_ID_TOKEN";

  private final Map<String, String> env;
  private final Clock clock;
  private final String variable;

  /**
   * @param env the job's environment
   * @param clock for the expiry check
   * @param variable name of the {@code id_tokens} entry that holds the token
   */
  public GitLabIdTokenSource(Map<String, String> env, Clock clock, String variable) {
    this.env = Map.copyOf(env);
    this.clock = clock;
    this.variable = variable == null || variable.isBlank() ? DEFAULT_VARIABLE : variable;
  }

  @Override
  public String platform() {
    return "gitlab";
  }

  @Override
  public boolean isEnabled(Map<String, String> env) {
    return "true".equals(env.get("GITLAB_CI"));
  }

  @Override
  public IdToken fetch(String audience) throws DzException {
    String raw = env.get(variable);
    if (raw == null || raw.isBlank()) {
      throw new DzException(Kind.BAD_INPUT, "GitLab CI variable " + variable + " is not set: "
          + fix(audience));
    }
    IdToken token = IdToken.parse(raw, "GitLab CI variable " + variable);
    token.checkAudience(audience, fix(audience));
    token.checkNotExpired(clock);
    return token;
  }

  private String fix(String audience) {
    return "declare it in the job as `id_tokens: { " + variable + ": { aud: " + audience + " } }`";
  }

  @Override
  public Actor actor(IdToken token) throws DzException {
    String projectPath = token.requireClaim("project_path");
    String envProject = env.get("CI_PROJECT_PATH");
    if (envProject != null && !envProject.isBlank() && !envProject.equals(projectPath)) {
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + token.source() + " is for project '" + projectPath
              + "' but this job runs in CI_PROJECT_PATH '" + envProject + "'");
    }
    String host = Urls.authority(token.issuer(), "claim 'iss' of the GitLab token");
    Optional<String> configRef = token.claim("ci_config_ref_uri");
    if (configRef.isPresent()) {
      String expected = host + "/" + projectPath + "//";
      if (!configRef.get().startsWith(expected) || !configRef.get().contains("@")) {
        throw new DzException(
            Kind.BAD_INPUT,
            "ID token from " + token.source() + " is inconsistent: ci_config_ref_uri '"
                + configRef.get() + "' does not start with '" + expected + "' (issuer host and "
                + "project_path) or names no ref");
      }
      return new Actor(PIPELINE, configRef.get());
    }
    return new Actor(PIPELINE, host + "/" + projectPath + "@" + refPath(token));
  }

  /** {@code refs/heads/<ref>} or {@code refs/tags/<ref>}, checked against {@code ref_path}. */
  private static String refPath(IdToken token) throws DzException {
    String refType = token.requireClaim("ref_type");
    String ref = token.requireClaim("ref");
    String refPath =
        switch (refType) {
          case "branch" -> "refs/heads/" + ref;
          case "tag" -> "refs/tags/" + ref;
          default -> throw new DzException(
              Kind.BAD_INPUT,
              "ID token from " + token.source() + " has ref_type '" + refType
                  + "'; expected 'branch' or 'tag'");
        };
    Optional<String> claimed = token.claim("ref_path");
    if (claimed.isPresent() && !claimed.get().equals(refPath)) {
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + token.source() + " is inconsistent: ref_path '" + claimed.get()
              + "' but ref_type/ref give '" + refPath + "'");
    }
    return refPath;
  }
}
