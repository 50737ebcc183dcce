package io.driftzero.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.driftzero.core.DzException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActorsTest {
  @Test
  void explicitWinsThenGitHubThenJenkins() throws DzException {
    Map<String, String> both = Map.of("GITHUB_WORKFLOW_REF", "org/repo/.github/workflows/d.yml@refs/heads/main",
        "JOB_URL", "https://ci.example.com/job/platform/job/deploy/");
    assertEquals("me", Actors.fromEnvironment(" me ", both));
    assertEquals("github.com/org/repo/.github/workflows/d.yml@refs/heads/main", Actors.fromEnvironment(null, both));
    assertEquals("ci.example.com/job/platform/job/deploy",
        Actors.fromEnvironment(null, Map.of("JOB_URL", "https://ci.example.com/job/platform/job/deploy/")));
  }

  @Test
  void gitLabPipelinesAreNamedByProjectAndRef() throws DzException {
    Map<String, String> branch = Map.of("GITLAB_CI", "true", "CI_SERVER_FQDN", "gitlab.example.com",
        "CI_PROJECT_PATH", "group/app", "CI_COMMIT_REF_NAME", "main");
    assertEquals("gitlab.example.com/group/app@refs/heads/main", Actors.fromEnvironment(null, branch));
    Map<String, String> tag = new java.util.HashMap<>(branch);
    tag.put("CI_COMMIT_TAG", "v2.4.0");
    tag.put("CI_COMMIT_REF_NAME", "v2.4.0");
    assertEquals("gitlab.example.com/group/app@refs/tags/v2.4.0", Actors.fromEnvironment(null, tag));
  }

  @Test
  void nothingToGoOnAsksForAnExplicitActor() {
    DzException e = assertThrows(DzException.class, () -> Actors.fromEnvironment("", Map.of()));
    assertEquals(Actors.CANNOT_DERIVE, e.getMessage());
  }
}
