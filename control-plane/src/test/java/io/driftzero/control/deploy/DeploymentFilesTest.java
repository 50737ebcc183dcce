package io.driftzero.control.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.driftzero.control.DzControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The shipped deployment files agree with the code: the image's base is pinned by digest and its
 * entrypoint parses as a real {@code dz-control serve} command line; the Kubernetes manifest parses,
 * probes endpoints that exist and passes options the server knows.
 */
class DeploymentFilesTest {
  static final Path DOCKERFILE = Path.of("Dockerfile");
  static final Path K8S = Path.of("deploy/kubernetes.yaml");

  @Test
  void imageBaseIsPinnedByDigestAndRunsAsNonRoot() throws Exception {
    String d = Files.readString(DOCKERFILE);
    assertTrue(Pattern.compile("(?m)^FROM \\S+@sha256:[0-9a-f]{64}$").matcher(d).find(), "FROM must pin a digest");
    assertTrue(d.contains("\nUSER 10001:10001\n"));
  }

  @Test
  void entrypointIsAServeCommandLineTheServerAccepts() throws Exception {
    Matcher m = Pattern.compile("ENTRYPOINT \\[(.*?)\\]", Pattern.DOTALL).matcher(Files.readString(DOCKERFILE));
    assertTrue(m.find());
    List<String> argv = new ArrayList<>();
    Matcher q = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
    while (q.find()) {
      argv.add(q.group(1));
    }
    int jar = argv.indexOf("/opt/driftzero/dz-control.jar");
    List<String> args = new ArrayList<>(argv.subList(jar + 1, argv.size()));
    args.addAll(List.of("--public-url", "https://dz.example.com")); // the manifest's args
    CommandLine.ParseResult parsed = new CommandLine(new DzControl()).parseArgs(args.toArray(String[]::new));
    assertEquals("serve", parsed.subcommand().commandSpec().name());
  }

  @Test
  void kubernetesManifestParsesAndProbesRealEndpoints() throws Exception {
    Map<String, JsonNode> byKind = new HashMap<>();
    try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(K8S.toFile())) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        byKind.merge(doc.get("kind").asText(), doc, (a, b) -> a);
      }
    }
    assertTrue(byKind.keySet().containsAll(List.of("Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget")));
    JsonNode c = byKind.get("Deployment").at("/spec/template/spec/containers/0");
    String openapi = Files.readString(Path.of("src/main/resources/openapi.yaml"));
    for (String probe : List.of("/readinessProbe/httpGet/path", "/livenessProbe/httpGet/path")) {
      String path = c.at(probe).asText();
      assertTrue(openapi.contains("\n  " + path + ":"), probe + " " + path + " is not an API path");
    }
    List<String> envNames = new ArrayList<>();
    c.get("env").forEach(e -> envNames.add(e.get("name").asText()));
    assertEquals(List.of("DZ_JDBC_URL", "DZ_JDBC_USER", "DZ_JDBC_PASSWORD"), envNames);
    assertTrue(c.at("/securityContext/readOnlyRootFilesystem").asBoolean());
  }
}
