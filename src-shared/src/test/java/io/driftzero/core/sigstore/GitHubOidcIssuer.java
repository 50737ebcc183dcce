package io.driftzero.core.sigstore;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * Test fixture: a real OIDC issuer (mock-oauth2-server: discovery + JWKS, RS256) issuing
 * GitHub-Actions-shaped ID tokens. The issuer id {@code github} gives an issuer URL ending in
 * {@code /github}, which the local Fulcio treats as GitHub Actions (SAN from job_workflow_ref and
 * the GitHub extensions).
 */
public final class GitHubOidcIssuer implements AutoCloseable {
  /** Issuer id whose tokens the local Fulcio treats as GitHub Actions tokens. */
  public static final String GITHUB = "github";
  private final MockOAuth2Server server = new MockOAuth2Server();

  private GitHubOidcIssuer() {}

  public static GitHubOidcIssuer start() {
    GitHubOidcIssuer issuer = new GitHubOidcIssuer();
    try {
      issuer.server.start(InetAddress.getByName("127.0.0.1"), 0);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    return issuer;
  }

  /** The GitHub-shaped issuer URL, e.g. {@code http://localhost:PORT/github}. */
  public String issuer() {
    return issuerUrl(GITHUB);
  }

  public String issuerUrl(String issuerId) {
    return server.issuerUrl(issuerId).toString();
  }

  /** A token for audience {@code sigstore} from the GitHub-shaped issuer. */
  public String token(GitHubClaims claims) {
    return token(GITHUB, claims.subject(), claims.toClaims(), "sigstore", 300);
  }

  /** Any token: issuer id, subject, extra claims, audience, lifetime in seconds. */
  public String token(String issuerId, String subject, Map<String, Object> claims, String audience, long expirySeconds) {
    return server.issueToken(issuerId, "dz-test",
        new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", List.of(audience), claims, expirySeconds))
        .serialize();
  }

  @Override
  public void close() {
    server.shutdown();
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
