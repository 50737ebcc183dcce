package io.driftzero.core.sigstore;

import io.driftzero.core.oidc.OidcIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Test fixture for the Sigstore tests: GitHub-Actions-shaped ID tokens from the project's one real
 * OIDC issuer fixture ({@link OidcIssuer}, mock-oauth2-server: discovery + JWKS). The issuer id
 * {@code github} gives an issuer URL ending in {@code /github}, which the local Fulcio treats as
 * GitHub Actions (SAN from job_workflow_ref and the GitHub extensions).
 */
public final class GitHubOidcIssuer implements AutoCloseable {
  /** Issuer id whose tokens the local Fulcio treats as GitHub Actions tokens. */
  public static final String GITHUB = OidcIssuer.GITHUB;
  private final OidcIssuer oidc = new OidcIssuer();

  private GitHubOidcIssuer() {}

  public static GitHubOidcIssuer start() {
    GitHubOidcIssuer issuer = new GitHubOidcIssuer();
    try {
      issuer.oidc.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return issuer;
  }

  /** The GitHub-shaped issuer URL, e.g. {@code http://localhost:PORT/github}. */
  public String issuer() {
    return issuerUrl(GITHUB);
  }

  public String issuerUrl(String issuerId) {
    return oidc.issuerUrl(issuerId);
  }

  /** A token for audience {@code sigstore} from the GitHub-shaped issuer. */
  public String token(GitHubClaims claims) {
    return token(GITHUB, claims.subject(), claims.toClaims(), "sigstore", 300);
  }

  /** Any token: issuer id, subject, extra claims, audience, lifetime in seconds. */
  public String token(String issuerId, String subject, Map<String, Object> claims, String audience, long expirySeconds) {
    return oidc.issue(issuerId, subject, List.of(audience), claims, Duration.ofSeconds(expirySeconds));
  }

  @Override
  public void close() {
    try {
      oidc.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The claims GitHub Actions puts in a job's ID token (the subset Fulcio maps). */
  public record GitHubClaims(
      String repository, String workflowPath, String ref, String sha, String eventName, String runnerEnvironment) {

    public static GitHubClaims defaults() {
      return new GitHubClaims("driftzero/demo", ".github/workflows/deploy.yml", "refs/heads/main",
          "0123456789abcdef0123456789abcdef01234567", "push", "github-hosted");
    }

    public GitHubClaims withRepository(String r) {
      return new GitHubClaims(r, workflowPath, ref, sha, eventName, runnerEnvironment);
    }

    public GitHubClaims withRef(String r) {
      return new GitHubClaims(repository, workflowPath, r, sha, eventName, runnerEnvironment);
    }

    public GitHubClaims withRunnerEnvironment(String env) {
      return new GitHubClaims(repository, workflowPath, ref, sha, eventName, env);
    }

    public String subject() {
      return "repo:" + repository + ":ref:" + ref;
    }

    public String jobWorkflowRef() {
      return repository + "/" + workflowPath + "@" + ref;
    }

    /** The certificate SAN Fulcio derives: {@code https://github.com/<job_workflow_ref>}. */
    public String expectedSan() {
      return "https://github.com/" + jobWorkflowRef();
    }

    public Map<String, Object> toClaims() {
      return Map.ofEntries(
          Map.entry("repository", repository),
          Map.entry("repository_owner", repository.substring(0, repository.indexOf('/'))),
          Map.entry("job_workflow_ref", jobWorkflowRef()),
          Map.entry("workflow_ref", jobWorkflowRef()),
          Map.entry("ref", ref),
          Map.entry("ref_type", ref.startsWith("refs/tags/") ? "tag" : "branch"),
          Map.entry("sha", sha),
          Map.entry("event_name", eventName),
          Map.entry("runner_environment", runnerEnvironment));
    }
  }
}
