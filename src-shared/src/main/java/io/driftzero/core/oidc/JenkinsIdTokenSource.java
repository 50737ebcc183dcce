package io.driftzero.core.oidc;

import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import io.driftzero.core.model.Actor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Jenkins: a token from the oidc-provider plugin's "OpenID Connect id token" credential, which the
 * DriftZero step (or a {@code withCredentials} binding) hands in as {@value #TOKEN_VAR} (string
 * credential) or as a file named by {@value #TOKEN_FILE_VAR} (file credential).
 *
 * <p>With the plugin's default claim templates {@code sub} is the job URL ({@code ${JOB_URL}}) and
 * {@code build_number} the build; the actor id is the job URL without scheme and trailing slash,
 * e.g. {@code ci.example.com/job/platform/job/deploy}.
 */
public final class JenkinsIdTokenSource implements IdTokenSource {
  /** Environment variable holding the token itself. */
  public static final String TOKEN_VAR = "DZ_JENKINS_ID_TOKEN";
  /** Environment variable holding the path of a file with the token. */
  public static final String TOKEN_FILE_VAR = "DZ_JENKINS_ID_TOKEN_FILE";

  private final Map<String, String> env;
  private final Clock clock;

  /**
   * @param env the build's environment (token variables, JENKINS_URL, JOB_URL, BUILD_NUMBER)
   * @param clock for the expiry check
   */
  public JenkinsIdTokenSource(Map<String, String> env, Clock clock) {
    this.env = Map.copyOf(env);
    this.clock = clock;
  }

  @Override
  public String platform() {
    return "jenkins";
  }

  @Override
  public boolean isEnabled(Map<String, String> env) {
    String url = env.get("JENKINS_URL");
    return url != null && !url.isBlank();
  }

  @Override
  public IdToken fetch(String audience) throws DzException {
    String raw = env.get(TOKEN_VAR);
    String source = "Jenkins variable " + TOKEN_VAR;
    if (isBlank(raw)) {
      String file = env.get(TOKEN_FILE_VAR);
      if (isBlank(file)) {
        throw new DzException(
            Kind.BAD_INPUT,
            "No Jenkins ID token: neither " + TOKEN_VAR + " nor " + TOKEN_FILE_VAR + " is set: "
                + fix(audience));
      }
      raw = TokenFiles.read(Path.of(file), fix(audience));
      source = "Jenkins ID token file " + file;
    }
    IdToken token = IdToken.parse(raw, source);
    token.checkAudience(audience, "set Audience to '" + audience
        + "' on the oidc-provider 'OpenID Connect id token' credential");
    token.checkNotExpired(clock);
    return token;
  }

  private static String fix(String audience) {
    return "create an oidc-provider 'OpenID Connect id token' credential with audience '"
        + audience + "' and bind it, e.g. withCredentials([string(credentialsId: 'dz-id-token', "
        + "variable: '" + TOKEN_VAR + "')])";
  }

  @Override
  public Actor actor(IdToken token) throws DzException {
    String jobUrl = token.subject();
    if (!jobUrl.startsWith("https://") && !jobUrl.startsWith("http://")
        || !jobUrl.contains("/job/")) {
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + token.source() + " has sub '" + jobUrl + "', not a job URL: keep "
              + "the oidc-provider build claim template sub = ${JOB_URL}");
    }
    String id = Urls.withoutScheme(jobUrl, "claim 'sub' of the Jenkins token");
    String envJob = env.get("JOB_URL");
    if (!isBlank(envJob) && !Urls.withoutScheme(envJob, "JOB_URL").equals(id)) {
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + token.source() + " is for job '" + jobUrl
              + "' but this build's JOB_URL is '" + envJob + "'");
    }
    String envRoot = env.get("JENKINS_URL");
    if (!isBlank(envRoot)
        && !id.startsWith(Urls.withoutScheme(envRoot, "JENKINS_URL") + "/")) {
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + token.source() + " names job '" + jobUrl
              + "', which is not on this Jenkins (JENKINS_URL '" + envRoot + "')");
    }
    Optional<String> build = token.claim("build_number");
    String envBuild = env.get("BUILD_NUMBER");
    if (build.isPresent() && !isBlank(envBuild) && !build.get().equals(envBuild)) {
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + token.source() + " was issued to build #" + build.get()
              + ", not to this build #" + envBuild + ": bind the credential in this build");
    }
    return new Actor(PIPELINE, id);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
