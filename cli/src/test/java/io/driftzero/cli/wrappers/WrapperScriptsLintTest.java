package io.driftzero.cli.wrappers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wrapper scripts pass ShellCheck at its strictest level (Debian's shellcheck, via install-test-deps.sh). */
class WrapperScriptsLintTest {
  static final Path REPO = GitHubActionFilesTest.REPO;
  static final List<String> SCRIPTS = List.of("github-action/entrypoint.sh", "gitlab-component/driftzero-attest.sh",
      "scripts/ci-tools/install.sh", "scripts/install-test-deps.sh");

  @Test
  void shellcheckFindsNothing() throws Exception {
    Path shellcheck = Path.of("/usr/bin/shellcheck");
    assertTrue(Files.isExecutable(shellcheck), "shellcheck is not installed: run scripts/install-test-deps.sh");
    List<String> cmd = new java.util.ArrayList<>(List.of(shellcheck.toString(), "--severity=style", "--shell=bash"));
    cmd.addAll(SCRIPTS);
    Run run = Run.of(cmd, REPO, Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8"), Duration.ofSeconds(60));
    assertEquals(0, run.exitCode(), run::toString);
  }

  @Test
  void everyWrapperScriptIsStrictBashAndExecutable() throws Exception {
    for (String s : SCRIPTS) {
      Path p = REPO.resolve(s);
      assertTrue(Files.isExecutable(p), s + " is executable");
      String text = Files.readString(p);
      assertTrue(text.startsWith("#!/usr/bin/env bash\n"), s + " runs under bash");
      assertTrue(text.contains("\nset -euo pipefail\n"), s + " stops on the first error");
    }
  }
}
