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
  void nothingToGoOnAsksForAnExplicitActor() {
    DzException e = assertThrows(DzException.class, () -> Actors.fromEnvironment("", Map.of()));
    assertEquals(Actors.CANNOT_DERIVE, e.getMessage());
  }
}
