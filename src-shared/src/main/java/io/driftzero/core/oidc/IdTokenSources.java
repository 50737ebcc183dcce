package io.driftzero.core.oidc;

import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Picks the job's identity source, as sigstore-java's {@code OidcClients}: an explicit choice wins;
 * otherwise the first platform whose environment is detected (GitHub Actions, GitLab CI, Jenkins).
 */
public final class IdTokenSources {
  /** The names {@link #detect} accepts, for messages and {@code --help}. */
  public static final String CHOICES = "github | gitlab | jenkins | file:PATH | env:VAR";

  private IdTokenSources() {}

  /**
   * How to choose and configure a source. Start from {@link #defaults(Clock)}.
   *
   * @param choice explicit source ({@value #CHOICES}), or null to detect
   * @param gitLabVariable the GitLab {@code id_tokens} variable name
   * @param actorId explicit actor id for {@code file:} and {@code env:} sources, or null
   * @param clock for expiry checks
   * @param http timeouts and retries for token endpoints
   */
  public record Options(
      String choice, String gitLabVariable, String actorId, Clock clock, HttpPolicy http) {
    public Options {
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(http, "http");
      if (gitLabVariable == null || gitLabVariable.isBlank()) {
        gitLabVariable = GitLabIdTokenSource.DEFAULT_VARIABLE;
      }
    }

    /** Detect the platform; GitLab variable {@code DZ_ID_TOKEN}; default HTTP policy. */
    public static Options defaults(Clock clock) {
      return new Options(null, null, null, clock, HttpPolicy.DEFAULTS);
    }

    /** Same options with an explicit source ({@value IdTokenSources#CHOICES}); null detects. */
    public Options withChoice(String choice) {
      return new Options(choice, gitLabVariable, actorId, clock, http);
    }

    /** Same options reading GitLab's token from {@code id_tokens} entry {@code variable}. */
    public Options withGitLabVariable(String variable) {
      return new Options(choice, variable, actorId, clock, http);
    }

    /** Same options with an explicit actor id for {@code file:} and {@code env:} sources. */
    public Options withActorId(String actorId) {
      return new Options(choice, gitLabVariable, actorId, clock, http);
    }

    /** Same options with other timeouts and retries for token endpoints. */
    public Options withHttp(HttpPolicy http) {
      return new Options(choice, gitLabVariable, actorId, clock, http);
    }
  }

  /**
   * The source for this job.
   *
   * @param env the job's environment (the caller passes {@code System.getenv()} at the edge)
   * @throws DzException BAD_INPUT if the choice is unknown or nothing is detected; the message
   *     lists the choices
   */
  public static IdTokenSource detect(Map<String, String> env, Options options)
      throws DzException {
    String choice = options.choice();
    if (choice != null && !choice.isBlank()) {
      return byName(choice.strip(), env, options);
    }
    for (IdTokenSource source : platforms(env, options)) {
      if (source.isEnabled(env)) {
        return source;
      }
    }
    throw new DzException(
        Kind.BAD_INPUT,
        "No CI identity detected (looked for GITHUB_ACTIONS=true, GITLAB_CI=true, JENKINS_URL): "
            + "choose a source explicitly: " + CHOICES);
  }

  private static List<IdTokenSource> platforms(Map<String, String> env, Options options) {
    return List.of(
        new GitHubActionsIdTokenSource(env, options.clock(), options.http()),
        new GitLabIdTokenSource(env, options.clock(), options.gitLabVariable()),
        new JenkinsIdTokenSource(env, options.clock()));
  }

  private static IdTokenSource byName(String choice, Map<String, String> env, Options options)
      throws DzException {
    if (choice.startsWith("file:") && choice.length() > "file:".length()) {
      return new FileIdTokenSource(
          Path.of(choice.substring("file:".length())), options.clock(), options.actorId());
    }
    if (choice.startsWith("env:") && choice.length() > "env:".length()) {
      return new EnvIdTokenSource(
          choice.substring("env:".length()), env, options.clock(), options.actorId());
    }
    for (IdTokenSource source : platforms(env, options)) {
      if (source.platform().equals(choice)) {
        return source;
      }
    }
    throw new DzException(
        Kind.BAD_INPUT, "Unknown identity source '" + choice + "': choose one of " + CHOICES);
  }
}
